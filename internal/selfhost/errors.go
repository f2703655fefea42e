package selfhost

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/internal/logval"
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
//	the client went away                         nothing written; nobody reads the answer      the same
//
// Tools answer exactly as the trigger hosting does, so a client sees the
// same errors whichever hosting runs the app. Resources and prompts say
// what is wrong, which the extension cannot: it answers every failure of
// theirs with -32603 "An error occurred.". Details go to the log only, as
// one line per failure, never with arguments or contents beyond a short
// prefix.

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
// it.
func (s *Server) toolFailed(log callLog, t *tool, err error) (*mcp.CallToolResult, error) {
	generic := fmt.Sprintf("An error occurred invoking '%s'.", t.decl.Name)
	var (
		refused *mcpfunc.Error
		host    *hostError
	)
	msg := generic
	switch {
	case errors.Is(err, errAbandoned):
		log.at(slog.LevelWarn, "the client abandoned the call; nothing was written")
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

// errAnErrorOccurred is the extension's answer to every failed
// resources/read and prompts/get, kept here for what no message helps
// with: storage down, a bug.
var errAnErrorOccurred = &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: "An error occurred."}

// rpcFailed answers a failed resources/read or prompts/get with a JSON-RPC
// error that says what is wrong when the function said it.
func (s *Server) rpcFailed(log callLog, err error) error {
	var refused *mcpfunc.Error
	switch {
	case errors.Is(err, errAbandoned):
		log.at(slog.LevelWarn, "the client abandoned the call")
		return errAnErrorOccurred
	case errors.As(err, &refused):
		log.at(slog.LevelInfo, log.kind+" refused the call", "code", string(refused.Code), "reason", logval.Short(refused.Message))
		code := int64(jsonrpc.CodeInvalidParams)
		if refused.Code == mcpfunc.Unavailable {
			code = jsonrpc.CodeInternalError
		}
		return &jsonrpc.Error{Code: code, Message: refused.Message}
	}
	log.at(slog.LevelError, log.kind+" failed; the client gets -32603", "err", logval.Short(err.Error()))
	return errAnErrorOccurred
}
