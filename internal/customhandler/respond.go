package customhandler

import (
	"bytes"
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
func respond(w http.ResponseWriter, log *slog.Logger, t mcptool.Tool, resp *invoke.Response, res *mcptool.Result, err error) {
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
			log.Info("tool refused the call", "code", toolErr.Code, "msg", toolErr.Message)
		} else {
			log.Error("tool failed", "err", err)
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
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":"response encoding failed"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
