package selfhost

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/mcpfunc/internal/logval"
)

// Every request the server refuses is logged once, with its reason, as a
// "request refused" line: whoever refused it, the guards (server.go), the
// front (front.go), go-sdk's transport (a 4xx it answers), or a method
// (a JSON-RPC error: an unknown tool, a missing argument, a resource not
// found). A function's own failure is logged where it is answered
// (errors.go) and marked, so that it is not logged twice. The line never
// holds a header, the query string or an argument.

// logRefused writes the request's "request refused" line, once.
func (s *Server) logRefused(r *http.Request, ex *exchange, status int, reason string, kv ...any) {
	ex.logged.Store(true)
	s.log.Warn("request refused", append([]any{"status", status, "reason", logval.Short(reason), "method", r.Method, "path", Path}, kv...)...)
}

// logStatus logs an answer of 400 or more that nothing logged yet: one
// go-sdk gave.
func (s *Server) logStatus(w *statusWriter, r *http.Request, ex *exchange) {
	if w.status >= http.StatusBadRequest && !ex.logged.Load() {
		s.logRefused(r, ex, w.status, w.reason())
	}
}

// logRefusals is a receiving middleware: it logs a request a method
// refused with a JSON-RPC error that no function's log line explains.
func (s *Server) logRefusals(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		res, err := next(ctx, method, req)
		if err == nil {
			return res, err
		}
		ex := exchangeFrom(ctx)
		var le *loggedError
		if errors.As(err, &le) {
			ex.logged.Store(true)
			return res, err
		}
		kv := []any{"rpc_method", method}
		var jerr *jsonrpc.Error
		if errors.As(err, &jerr) {
			kv = append(kv, "code", jerr.Code)
		}
		ex.logged.Store(true)
		s.log.Warn("request refused", append(append(kv, requestNames(req)...), "reason", logval.Short(err.Error()))...)
		return res, err
	}
}

// loggedError is a JSON-RPC error whose reason a function's log line
// already gave. go-sdk answers it with the code of the error it wraps and
// its message (internal/jsonrpc2 toWireError).
type loggedError struct{ err error }

func (e *loggedError) Error() string { return e.err.Error() }
func (e *loggedError) Unwrap() error { return e.err }

// logged marks err as explained by a log line.
func logged(err error) error {
	if err == nil {
		return nil
	}
	return &loggedError{err}
}

// statusWriter remembers the status of an answer, and the start of an
// error's body for the log line.
type statusWriter struct {
	http.ResponseWriter
	status int
	start  []byte
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.status >= http.StatusBadRequest && len(w.start) < 512 {
		w.start = append(w.start, p[:min(len(p), 512-len(w.start))]...)
	}
	return w.ResponseWriter.Write(p)
}

func (w *statusWriter) Flush() { _ = http.NewResponseController(w.ResponseWriter).Flush() }

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// reason is what the error's body says: a JSON-RPC error's message, or
// the first line of text.
func (w *statusWriter) reason() string {
	var resp struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(w.start, &resp) == nil && resp.Error.Message != "" {
		return resp.Error.Message
	}
	line, _, _ := strings.Cut(string(bytes.TrimSpace(w.start)), "\n")
	if line == "" {
		return http.StatusText(w.status)
	}
	return line
}
