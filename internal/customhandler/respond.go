package customhandler

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"remote-mcp-functions-go/internal/invoke"
	"remote-mcp-functions-go/internal/mcptool"
)

// respond turns a tool's result or error into the answer to the host. It is
// the only place that does.
//
//   - A result: 200; its outputs base64-encoded; its text as a plain
//     ReturnValue, or inside a call_tool_result for rich tools.
//   - An *mcptool.Error from a rich tool: 200, isError with its message, and
//     no outputs, so nothing is written.
//   - Any other error, or an *mcptool.Error from a plain tool (which has no
//     way to say isError): logged in full, and the client gets a generic
//     message: isError for a rich tool, a 500 for a plain one, which the
//     host reports as "An error occurred invoking '<tool>'.".
func respond(w http.ResponseWriter, log invocationLog, t mcptool.Tool, resp *invoke.Response, res *mcptool.Result, err error) {
	if err == nil && res == nil {
		err = errors.New("tool returned neither a result nor an error")
	}
	if err == nil {
		for name, data := range res.Outputs {
			if !contains(t.Outputs, name) {
				err = errors.New("tool wrote undeclared output " + name)
				break
			}
			resp.SetOutput(name, data)
		}
	}
	if err != nil {
		clear(resp.Outputs)
		var toolErr *mcptool.Error
		msg := "Internal error in tool '" + t.Name + "'; the function logs have the details."
		if errors.As(err, &toolErr) {
			msg = toolErr.Message
			log.logErr(slog.LevelInfo, "tool refused the call: "+string(toolErr.Code), "msg", toolErr.Message)
		} else {
			log.logErr(slog.LevelError, "tool failed", "err", err.Error())
		}
		resp.Logs = append(resp.Logs, msg)
		if t.Kind != mcptool.Rich {
			writeStatus(w, http.StatusInternalServerError, msg)
			return
		}
		resp.ReturnValue = invoke.RichReturn(invoke.CallToolResult{
			Content: []invoke.Content{{Type: "text", Text: msg}},
			IsError: true,
		})
		writeJSON(w, http.StatusOK, resp)
		return
	}
	if t.Kind == mcptool.Rich {
		resp.ReturnValue = invoke.RichReturn(invoke.CallToolResult{Content: []invoke.Content{{Type: "text", Text: res.Text}}})
	} else {
		resp.ReturnValue = invoke.PlainReturn(res.Text)
	}
	writeJSON(w, http.StatusOK, resp)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// writeStatus answers with a status other than 200 and a JSON error body.
func writeStatus(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
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
// invocation id, building the attributes only when a line is written.
type invocationLog struct {
	logger   *slog.Logger
	function string
	id       string
}

func (l invocationLog) log(level slog.Level, msg string) {
	l.logger.LogAttrs(context.Background(), level, msg, slog.String("function", l.function), slog.String("invocation", l.id))
}

func (l invocationLog) logErr(level slog.Level, msg, key, value string) {
	l.logger.LogAttrs(context.Background(), level, msg, slog.String(key, value),
		slog.String("function", l.function), slog.String("invocation", l.id))
}
