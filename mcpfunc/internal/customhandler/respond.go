package customhandler

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"slices"

	"remote-mcp-functions-go/mcpfunc/internal/bodylimit"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
)

// This file is the one place where results and errors become answers to
// the host.
//
//	what happened                            answer                       log
//	a result                                 200, outputs, ReturnValue    tool lines
//	an *decl.Error from a rich tool       200, isError with its text   info
//	body over the limit, rich tool           200, isError, tool.TooLarge  warn
//	any other tool error, rich tool          200, isError, generic text   error, with details
//	a tool error from a plain tool           500 (it cannot say isError)  as above
//	any error from a resource or a prompt    500 (the host: -32603)       info or error
//	body over the limit, plain tool          413                          warn
//	too many bodies in flight (bodies.go)    503                          warn
//	body not read to its end (host left)     400                          info
//	payload not understood                   400                          warn
//	no such function / method                404 / 405                    warn
//	a panic                                  500                          error, with stack
//
// A rich tool's trigger declares useResultSchema, so its ReturnValue can
// say isError with the tool's own message; a plain tool's cannot, and the
// host shows a non-2xx as "An error occurred invoking '<tool>'.". Resources
// and prompts have no isError: the extension answers their failures with
// JSON-RPC error -32603 "An error occurred.", so the reason is only in the
// log. Nothing
// is written when a call fails: Outputs stay empty. Non-2xx bodies are
// JSON too, with the error and the tool's log lines; the host does not read
// them, but a person looking at the exchange can.

// succeed answers a tool's result.
func succeed(w http.ResponseWriter, log invocationLog, t *decl.Tool, resp *invoke.Response, res *decl.Result) {
	tg := toolTarget(t)
	if res == nil {
		fail(w, log, tg, resp, errors.New("tool returned neither a result nor an error"))
		return
	}
	for name, data := range res.Outputs {
		if !slices.ContainsFunc(t.Blobs, func(b decl.Blob) bool { return b.Out && b.Name == name }) {
			fail(w, log, tg, resp, errors.New("tool wrote undeclared output "+name))
			return
		}
		resp.SetOutput(name, data)
	}
	if t.Plain {
		resp.ReturnText(res.Text)
		writeResponse(w, http.StatusOK, resp)
		return
	}
	// Structured content and resource links travel inside the
	// call_tool_result, which the extension deserializes whole as the C#
	// SDK's CallToolResult, every content block kind included
	// (ToolReturnValueBinder.cs @cd0d1e8; the envelope's own
	// structuredContent is ignored for this type).
	content := make([]invoke.Content, 1, 1+len(res.Links))
	content[0] = invoke.TextContent(res.Text)
	for _, l := range res.Links {
		content = append(content, invoke.LinkContent(l.URI, l.Name, l.Description, l.MimeType))
	}
	resp.ReturnTool(&invoke.CallToolResult{Content: content, StructuredContent: res.Structured})
	writeResponse(w, http.StatusOK, resp)
}

// fail answers err. t is the function the request was for (nil for a route
// that has none); resp holds what it logged so far (may be nil).
func fail(w http.ResponseWriter, log invocationLog, t *target, resp *invoke.Response, err error) {
	if resp == nil {
		resp = invoke.NewResponse()
	}
	clear(resp.Outputs) // nothing is written for a failed call
	rich := t != nil && t.isError

	var (
		toolErr  *decl.Error
		tooLarge *bodylimit.TooLargeError
		readErr  *bodylimit.ReadError
	)
	switch {
	case errors.Is(err, errNoFunction):
		log.attrs(slog.LevelWarn, "no such function", "err", err.Error())
		writeStatus(w, http.StatusNotFound, err.Error(), resp)
	case errors.Is(err, errMethod):
		log.attrs(slog.LevelWarn, "method not allowed", "err", err.Error())
		writeStatus(w, http.StatusMethodNotAllowed, err.Error(), resp)
	case errors.As(err, &tooLarge):
		log.attrs(slog.LevelWarn, "invocation body over the limit", "limit", tooLarge.Limit, "err", err.Error())
		if !rich {
			writeStatus(w, http.StatusRequestEntityTooLarge, err.Error(), resp)
			return
		}
		msg := t.tooLarge
		if msg == "" {
			msg = "The call's arguments are too large for this tool."
		}
		writeIsError(w, resp, msg)
	case errors.Is(err, bodylimit.ErrBusy):
		log.attrs(slog.LevelWarn, "invocation refused: too many bodies in flight", "err", err.Error())
		writeStatus(w, http.StatusServiceUnavailable, err.Error(), resp)
	case errors.As(err, &readErr):
		log.attrs(slog.LevelInfo, "invocation body not received whole; the host stopped sending", "err", readErr.Err.Error())
		writeStatus(w, http.StatusBadRequest, err.Error(), resp)
	case errors.Is(err, invoke.ErrMalformed):
		log.attrs(slog.LevelWarn, "malformed invocation", "err", err.Error())
		writeStatus(w, http.StatusBadRequest, err.Error(), resp)
	case errors.Is(err, errPanic):
		writeStatus(w, http.StatusInternalServerError, "internal error", resp)
	case errors.As(err, &toolErr) && t != nil:
		log.attrs(slog.LevelInfo, t.kind+" refused the call", "code", string(toolErr.Code), "reason", toolErr.Message)
		resp.Logs = append(resp.Logs, toolErr.Message)
		if !rich {
			writeStatus(w, http.StatusInternalServerError, toolErr.Message, resp)
			return
		}
		writeIsError(w, resp, toolErr.Message)
	default:
		name, kind := "", "function"
		if t != nil {
			name, kind = t.name, t.kind
		}
		log.attrs(slog.LevelError, kind+" failed", "err", err.Error())
		msg := decl.InternalError(kind, name)
		resp.Logs = append(resp.Logs, msg)
		if !rich {
			writeStatus(w, http.StatusInternalServerError, msg, resp)
			return
		}
		writeIsError(w, resp, msg)
	}
}

// writeIsError answers 200 with an isError result holding msg.
func writeIsError(w http.ResponseWriter, resp *invoke.Response, msg string) {
	resp.ReturnTool(&invoke.CallToolResult{Content: []invoke.Content{invoke.TextContent(msg)}, IsError: true})
	writeResponse(w, http.StatusOK, resp)
}

// writeStatus answers with a status other than 200: a JSON body with the
// error and the tool's log lines.
func writeStatus(w http.ResponseWriter, status int, msg string, resp *invoke.Response) {
	writeJSON(w, status, struct {
		Error string   `json:"error"`
		Logs  []string `json:"Logs"`
	}{msg, resp.Logs})
}

// writeResponse writes an invocation's answer as it is built, a chunk at
// a time (invoke.Response.WriteTo): a 1 MiB item's answer is
// megabytes, and no buffer of that size is made for it.
func writeResponse(w http.ResponseWriter, status int, resp *invoke.Response) {
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(status)
	_, _ = resp.WriteTo(w)
}

// writeJSON writes v as JSON. The body is never empty: the host waits until
// the function timeout on an empty one.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		body = []byte(`{"error":"response encoding failed"}`)
	}
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// jsonContentType is shared by every response: headers are only read.
var jsonContentType = []string{"application/json; charset=utf-8"}

// invocationLog writes an invocation's log lines with its function and
// invocation id, one key per field.
type invocationLog struct {
	logger   *slog.Logger
	function string
	id       string
}

func newLog(logger *slog.Logger, r *http.Request, function string) invocationLog {
	return invocationLog{logger, function, r.Header.Get("X-Azure-Functions-InvocationId")}
}

func (l invocationLog) info(msg string) { l.attrs(slog.LevelInfo, msg) }

// attrs writes msg with key/value pairs (string keys, then values).
func (l invocationLog) attrs(level slog.Level, msg string, kv ...any) {
	if !l.logger.Enabled(context.Background(), level) {
		return
	}
	attrs := make([]slog.Attr, 0, 2+len(kv)/2)
	if l.function != "" {
		attrs = append(attrs, slog.String("function", l.function))
	}
	if l.id != "" {
		attrs = append(attrs, slog.String("invocation", l.id))
	}
	for i := 0; i+1 < len(kv); i += 2 {
		attrs = append(attrs, slog.Any(kv[i].(string), kv[i+1]))
	}
	l.logger.LogAttrs(context.Background(), level, msg, attrs...)
}
