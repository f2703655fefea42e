package selfhost

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/internal/binding"
	"remote-mcp-functions-go/internal/blobstore"
	"remote-mcp-functions-go/internal/logval"
	"remote-mcp-functions-go/internal/mcpext"
	"remote-mcp-functions-go/internal/mcpfunc"
)

// This file is the one place where failures become answers.
//
//	what failed                                  tools/call (as the trigger hosting)          resources/read, prompts/get
//	a required argument missing                  -32602 with the extension's message           prompts: the same, for arguments
//	a binding path, storage (the host's part)    isError "An error occurred invoking '<t>'."   -32603 "An error occurred."
//	an *mcpfunc.Error                            isError with its message                      -32602 with its message (-32603 for Unavailable)
//	  … from a plain tool                        isError "An error occurred invoking '<t>'."
//	any other error                              isError "Internal error in tool '<t>'; …"     -32603 "An error occurred."
//	the client went away                         no output write starts; nobody reads it       the same
//
//	a blob output the call could not write safely (the self hosting's own: the host overwrites):
//	  another call changed the blob meanwhile    isError "<c>/<b> was not saved: another call changed it while this one ran. …"
//	  storage did not confirm the write          isError "<c>/<b> may or may not have been saved: storage did not confirm the write. …"
//
// Tools answer as the trigger hosting does, so a client sees the same
// errors whichever hosting runs the app, except where the self hosting
// knows more than the host can say: a write it refused because the blob
// changed, and a write whose outcome storage did not confirm, where the
// host would have overwritten, or answered its generic error. Resources
// and prompts say what is wrong, which the extension cannot: it answers
// every failure of theirs with -32603 "An error occurred.". Details go to
// the log only, as one line per failure, never with arguments or contents
// beyond a short prefix; a binding path that the arguments made unusable
// (a '\' in a blob name) is the client's input, logged as a warning.

// hostError is a failure of the work the Functions host does around a
// call in the trigger hosting: binding paths and storage.
type hostError struct{ err error }

func (e *hostError) Error() string { return e.err.Error() }
func (e *hostError) Unwrap() error { return e.err }

// callLog writes one call's log lines with its kind, name and invocation
// id.
type callLog struct {
	log        *slog.Logger
	kind, name string
	id         string
}

func (s *Server) callLog(kind, name, id string) callLog {
	return callLog{log: s.log, kind: kind, name: name, id: id}
}

// line is a function's own log line (mcpfunc.Call.Log).
func (l callLog) line(msg string) { l.at(slog.LevelInfo, msg) }

func (l callLog) at(level slog.Level, msg string, kv ...any) {
	l.log.Log(context.Background(), level, msg, append([]any{l.kind, l.name, "invocation", l.id}, kv...)...)
}

// toolFailed answers a failed tools/call as the trigger hosting answers
// it, or says what became of an output it could not write safely.
func (s *Server) toolFailed(log callLog, t *tool, err error) (*mcp.CallToolResult, error) {
	generic := mcpext.ToolFailed(t.decl.Name)
	var (
		refused *mcpfunc.Error
		host    *hostError
		output  *binding.OutputError
	)
	msg := generic
	switch {
	case errors.Is(err, errAbandoned) && t.fn.hasOutputs():
		log.at(slog.LevelWarn, "the client abandoned the call before its outputs were written; none was written")
	case errors.Is(err, errAbandoned):
		log.at(slog.LevelWarn, "the client abandoned the call")
	case errors.As(err, &output) && errors.Is(err, blobstore.ErrChanged):
		log.at(slog.LevelWarn, "output not written: another call changed the blob while this one ran",
			"blob", output.Container+"/"+output.Blob, "written_before", written(output))
		msg = fmt.Sprintf("%s/%s was not saved: another call changed it while this one ran. Read it and try again.", output.Container, output.Blob) +
			writtenBefore(output)
	case errors.As(err, &output) && errors.Is(err, blobstore.ErrUnconfirmed):
		log.at(slog.LevelWarn, "storage did not confirm an output's write: it may or may not have landed",
			"blob", output.Container+"/"+output.Blob, "written_before", written(output), "err", logval.Short(err.Error()))
		msg = fmt.Sprintf("%s/%s may or may not have been saved: storage did not confirm the write. Read it back to see.", output.Container, output.Blob) +
			writtenBefore(output)
	case errors.As(err, &host) && binding.IsPathError(err):
		log.at(slog.LevelWarn, "the arguments make a binding path storage refuses; the client gets the generic tool error", "err", logval.Short(err.Error()))
	case errors.As(err, &host):
		log.at(slog.LevelError, "call failed; the client gets the generic tool error", "err", logval.Short(err.Error()))
	case errors.As(err, &refused):
		log.at(slog.LevelInfo, "tool refused the call", "code", string(refused.Code), "reason", logval.Short(refused.Message))
		if !t.decl.Plain {
			msg = refused.Message
		}
	default:
		log.at(slog.LevelError, "tool failed", "err", logval.Short(err.Error()))
		if !t.decl.Plain {
			msg = fmt.Sprintf("Internal error in tool '%s'; the function logs have the details.", t.decl.Name)
		}
	}
	return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: msg}}}, nil
}

// written lists the outputs an OutputError says were written before it.
func written(e *binding.OutputError) string {
	var paths []string
	for _, l := range e.Written {
		paths = append(paths, l.Container+"/"+l.Blob)
	}
	return strings.Join(paths, ", ")
}

// writtenBefore tells the client which outputs were saved before the one
// that was not, when there were any.
func writtenBefore(e *binding.OutputError) string {
	if len(e.Written) == 0 {
		return ""
	}
	return " Saved before it: " + written(e) + "."
}

// rpcFailed answers a failed resources/read or prompts/get with a JSON-RPC
// error that says what is wrong when the function said it.
func (s *Server) rpcFailed(log callLog, err error) error {
	var refused *mcpfunc.Error
	switch {
	case errors.Is(err, errAbandoned):
		log.at(slog.LevelWarn, "the client abandoned the call")
		return mcpext.ErrFailed
	case binding.IsPathError(err):
		log.at(slog.LevelWarn, "the arguments make a binding path storage refuses; the client gets -32603", "err", logval.Short(err.Error()))
		return mcpext.ErrFailed
	case errors.As(err, &refused):
		log.at(slog.LevelInfo, log.kind+" refused the call", "code", string(refused.Code), "reason", logval.Short(refused.Message))
		code := int64(jsonrpc.CodeInvalidParams)
		if refused.Code == mcpfunc.Unavailable {
			code = jsonrpc.CodeInternalError
		}
		return &jsonrpc.Error{Code: code, Message: refused.Message}
	}
	log.at(slog.LevelError, log.kind+" failed; the client gets -32603", "err", logval.Short(err.Error()))
	return mcpext.ErrFailed
}
