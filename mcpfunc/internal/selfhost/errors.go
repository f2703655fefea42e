package selfhost

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/mcpfunc/internal/binding"
	"remote-mcp-functions-go/mcpfunc/internal/blobstore"
	"remote-mcp-functions-go/mcpfunc/internal/bodylimit"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
	"remote-mcp-functions-go/mcpfunc/internal/logval"
	"remote-mcp-functions-go/mcpfunc/internal/mcpext"
)

// This file is the one place where the self hosting's failures become
// answers: the requests it refuses before go-sdk reads them (the guards in
// server.go, the front in front.go), the calls whose function fails, and
// panics (recover.go). Which requests are refused, and why go-sdk does
// not answer them itself, is said where they are found; each refusal is
// logged once (refused.go).
//
//	what                                         answer
//	  HTTP, before MCP
//	Direct: a cross-site or DNS-rebinding request 403 with the reason (package guard)
//	without the key (Options.Key)                401, WWW-Authenticate: Bearer
//	a path other than Path and GET /             404
//	a body over Options.MaxMessageBytes          413, before reading when Content-Length says so
//	no budget for the body in time               503, Retry-After: 1 (bodylimit.Status)
//	a body not received whole                    400
//	a panic outside a method                     500, or the connection cut if the answer had begun
//	  JSON-RPC, before go-sdk (a 4xx, as the MCP transports say)
//	an MCP-Protocol-Version it does not speak    400, -32022 Unsupported protocol version
//	nested deeper than 64 levels                 400, -32700 Parse error
//	an id that is null, true, {} or []           400, -32600 Invalid Request
//	a batch that reuses an id                    400, -32600 Invalid Request
//	an unknown method                            -32601 Method not found: 200 (404 for one message at 2026-07-28 or later); a notification 202
//	anything else go-sdk cannot read             go-sdk's own answer
//
//	what failed in a call                        tools/call (as the trigger hosting)          resources/read, prompts/get
//	a required argument missing                  -32602 with the extension's message           prompts: the same, for arguments
//	a requestState it did not issue for the call -32602 "invalid requestState: <why>. …"        (confirm.go)
//	a binding path, storage (the host's part)    isError "An error occurred invoking '<t>'."   -32603 "An error occurred."
//	an *decl.Error                            isError with its message                      -32602 with its message (-32603 for Unavailable)
//	  … from a plain tool                        isError "An error occurred invoking '<t>'."
//	any other error                              isError "Internal error in tool '<t>'; …"     -32603 "An error occurred."
//	a panic                                      isError "An error occurred invoking '<t>'."   -32603 "An error occurred."
//	the client went away                         no output write starts; nobody reads it       the same
//
//	a blob output the call could not write safely (the self hosting's own: the host overwrites):
//	  another call changed the blob meanwhile    isError "<c>/<b> was not saved: another call changed it while this one ran. …"
//	  storage did not confirm the write          isError "<c>/<b> may or may not have been saved: storage did not confirm the write. …"
//
// Calls fail as they do in the trigger hosting, so a client sees the same
// errors whichever hosting runs the app, except where the self hosting
// knows more than the host can say: a write it refused because the blob
// changed, and a write whose outcome storage did not confirm, where the
// host would have overwritten, or answered its generic error. Resources
// and prompts say what is wrong, which the extension cannot: it answers
// every failure of theirs with -32603 "An error occurred.". Details go to
// the log only, as one line per failure, never with arguments or contents
// beyond a short prefix; a binding path that the arguments made unusable
// (a '\' in a blob name) is the client's input, logged as a warning. The
// answers to requests go-sdk never reads follow the MCP specification
// and JSON-RPC, where go-sdk would answer wrongly or not at all
// (front.go).

// refuse answers a request the server will not serve and logs one line
// with the status, the reason, the method and the path: never the query
// string or a header, where keys travel. A 401 carries WWW-Authenticate:
// Bearer, as the host's does.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, status int, reason string) {
	path := r.URL.Path
	if path != Path && path != "/" {
		path = "/…" // a key pasted with & instead of ? would be in it
	}
	s.log.Warn("request refused", "status", status, "reason", reason, "method", r.Method, "path", path)
	msg := reason
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", "Bearer")
		msg = "Unauthorized: " + reason
	}
	http.Error(w, msg, status)
}

// errTooDeep refuses a message nested deeper than the trigger hosting
// reads.
var errTooDeep = &jsonrpc.Error{Code: jsonrpc.CodeParseError,
	Message: fmt.Sprintf("Parse error: the message nests deeper than %d levels", invoke.MaxDepth)}

// badID refuses an id that is not a string or a number.
func badID(id []byte) *jsonrpc.Error {
	return &jsonrpc.Error{Code: jsonrpc.CodeInvalidRequest,
		Message: fmt.Sprintf("Invalid Request: an id must be a string or a number, not %s", logval.Short(string(id)))}
}

// duplicateID refuses a batch that uses id for two requests.
func duplicateID(id []byte) *jsonrpc.Error {
	return &jsonrpc.Error{Code: jsonrpc.CodeInvalidRequest,
		Message: fmt.Sprintf("Invalid Request: the batch uses the id %s for two requests; each request needs an id of its own", logval.Short(string(id)))}
}

// unsupportedVersion answers a request whose MCP-Protocol-Version header
// names a version the server does not speak: 400, as the transports
// section requires, with the new protocol's UnsupportedProtocolVersionError
// (-32022) listing the versions it does, which clients of either
// generation read.
func (s *Server) unsupportedVersion(w http.ResponseWriter, r *http.Request, version string, id []byte) {
	supported := mcp.SupportedProtocolVersions()
	data, _ := json.Marshal(mcp.UnsupportedProtocolVersionData{Supported: supported, Requested: version})
	s.rpcRefuse(w, r, http.StatusBadRequest, id, &jsonrpc.Error{
		Code:    mcp.CodeUnsupportedProtocolVersion,
		Message: fmt.Sprintf("Bad Request: Unsupported protocol version %q (supported versions: %s)", logval.Short(version), strings.Join(supported, ", ")),
		Data:    data,
	})
}

// bodyRefused answers a body that could not be had: over the cap (413),
// the budget taken for too long (503), or not received whole (400).
func (s *Server) bodyRefused(w http.ResponseWriter, r *http.Request, err error) {
	status := bodylimit.Status(w.Header(), err)
	s.logRefused(r, exchangeOf(r), status, err.Error())
	http.Error(w, err.Error(), status)
}

// rpcRefuse answers a request with a JSON-RPC error, and logs it.
func (s *Server) rpcRefuse(w http.ResponseWriter, r *http.Request, status int, id []byte, jerr *jsonrpc.Error) {
	s.logRefused(r, exchangeOf(r), status, jerr.Message, "code", jerr.Code)
	writeRPC(w, status, rpcError(id, jerr))
}

// methodNotFound answers a method go-sdk does not serve.
func methodNotFound(method string) *jsonrpc.Error {
	return &jsonrpc.Error{Code: jsonrpc.CodeMethodNotFound, Message: "Method not found: " + logval.Short(method)}
}

// rpcError is a JSON-RPC error response for id (null when nil), the id
// as the client wrote it.
func rpcError(id []byte, jerr *jsonrpc.Error) []byte {
	if id == nil {
		id = []byte("null")
	}
	e, _ := json.Marshal(jerr) // code, message and JSON data always encode
	out := append([]byte(`{"jsonrpc":"2.0","id":`), id...)
	out = append(out, `,"error":`...)
	out = append(out, e...)
	return append(out, '}')
}

// writeRPC writes a JSON-RPC answer the server made itself.
func writeRPC(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// stateRefused answers a call whose requestState does not check
// (reqstate: forged, expired, another tool's, other arguments'): -32602,
// as go-sdk's conformance server refuses a tampered state
// (conformance/everything-server/main.go, testInputRequiredTamperedStateHandler,
// v1.8.0), saying which, never the state.
func stateRefused(log callLog, err error) error {
	log.at(slog.LevelWarn, "request state refused; nothing runs", "reason", err.Error())
	return &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: err.Error() + ". Call the tool again without it."}
}

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

// line is a function's own log line (decl.Call.Log).
func (l callLog) line(msg string) { l.at(slog.LevelInfo, msg) }

func (l callLog) at(level slog.Level, msg string, kv ...any) {
	l.log.Log(context.Background(), level, msg, append([]any{l.kind, l.name, "invocation", l.id}, kv...)...)
}

// toolFailed answers a failed tools/call as the trigger hosting answers
// it, or says what became of an output it could not write safely.
func (s *Server) toolFailed(log callLog, t *tool, err error) (*mcp.CallToolResult, error) {
	generic := mcpext.ToolFailed(t.decl.Name)
	var (
		refused *decl.Error
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
			msg = decl.InternalError("tool", t.decl.Name)
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
	var refused *decl.Error
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
		if refused.Code == decl.Unavailable {
			code = jsonrpc.CodeInternalError
		}
		return &jsonrpc.Error{Code: code, Message: refused.Message}
	}
	log.at(slog.LevelError, log.kind+" failed; the client gets -32603", "err", logval.Short(err.Error()))
	return mcpext.ErrFailed
}

// panicked is the answer to a method whose handling panicked, as the
// trigger hosting's: there, the handler's recover answers the invocation
// with a 500, which the extension turns into its generic error.
func panicked(req mcp.Request) (mcp.Result, error) {
	if r, ok := req.(*mcp.CallToolRequest); ok && r.Params != nil {
		return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: mcpext.ToolFailed(r.Params.Name)}}}, nil
	}
	return nil, mcpext.ErrFailed
}

// answerPanic answers a request whose handling panicked outside a method.
func answerPanic(w http.ResponseWriter) {
	http.Error(w, "internal error", http.StatusInternalServerError)
}
