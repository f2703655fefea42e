package customhandler_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/internal/customhandler"
	"remote-mcp-functions-go/internal/invoke"
	"remote-mcp-functions-go/internal/mcptool"
)

// testServer serves fake tools that exercise each branch of respond.
func testServer(t *testing.T, maxBody int64) (*httptest.Server, *bytes.Buffer) {
	t.Helper()
	run := func(res *mcptool.Result, err error) func(context.Context, *mcptool.Call) (*mcptool.Result, error) {
		return func(context.Context, *mcptool.Call) (*mcptool.Result, error) { return res, err }
	}
	tools := []mcptool.Tool{
		{Name: "ok", Kind: mcptool.Plain, Run: run(mcptool.Text("fine"), nil)},
		{Name: "refuses", Kind: mcptool.Rich, Outputs: []string{"file"}, Run: run(&mcptool.Result{Outputs: map[string][]byte{"file": []byte("x")}}, mcptool.Errorf(mcptool.Invalid, "Bad input."))},
		{Name: "fails", Kind: mcptool.Rich, Run: run(nil, errors.New("disk on fire at /secret/path"))},
		{Name: "plainfails", Kind: mcptool.Plain, Run: run(nil, mcptool.Errorf(mcptool.Invalid, "cannot say isError"))},
		{Name: "undeclared", Kind: mcptool.Rich, Run: run(&mcptool.Result{Outputs: map[string][]byte{"other": []byte("x")}}, nil)},
		{Name: "nil", Kind: mcptool.Rich, Run: run(nil, nil)},
		{Name: "panics", Kind: mcptool.Plain, Run: func(context.Context, *mcptool.Call) (*mcptool.Result, error) { panic("bug") }},
	}
	var logs bytes.Buffer
	srv := httptest.NewServer(customhandler.New(tools, customhandler.Options{
		Logger:       slog.New(slog.NewTextHandler(&logs, nil)),
		MaxBodyBytes: maxBody,
	}))
	t.Cleanup(srv.Close)
	return srv, &logs
}

func do(t *testing.T, method, url, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

func TestRoutes(t *testing.T) {
	srv, logs := testServer(t, 1<<10)
	const call = `{"Data":{},"Metadata":{"arguments":{}}}`
	tests := []struct {
		name     string
		method   string
		path     string
		body     string
		status   int
		isError  bool
		text     string
		contains string
	}{
		{name: "readiness probe", method: "GET", path: "/", status: 200, contains: `"ready"`},
		{name: "plain result", method: "POST", path: "/ok", body: call, status: 200, text: "fine"},
		{name: "tool error is isError with its message and no outputs", method: "POST", path: "/refuses", body: call, status: 200, isError: true, text: "Bad input."},
		{name: "internal error hides details", method: "POST", path: "/fails", body: call, status: 200, isError: true, text: "Internal error in tool 'fails'; the function logs have the details."},
		{name: "plain tool cannot say isError: 500", method: "POST", path: "/plainfails", body: call, status: 500},
		{name: "undeclared output is a bug", method: "POST", path: "/undeclared", body: call, status: 200, isError: true, text: "Internal error in tool 'undeclared'; the function logs have the details."},
		{name: "neither result nor error is a bug", method: "POST", path: "/nil", body: call, status: 200, isError: true},
		{name: "panic becomes 500", method: "POST", path: "/panics", body: call, status: 500, contains: `"error"`},
		{name: "unknown function", method: "POST", path: "/nope", body: call, status: 404, contains: "no function at /nope"},
		{name: "GET on a tool", method: "GET", path: "/ok", status: 405},
		{name: "malformed JSON", method: "POST", path: "/ok", body: `{"Data":`, status: 400, contains: "malformed invocation payload"},
		{name: "not an object", method: "POST", path: "/ok", body: `[1,2]`, status: 400},
		{name: "empty body", method: "POST", path: "/ok", body: ``, status: 400},
		{name: "no arguments anywhere", method: "POST", path: "/ok", body: `{"Data":{}}`, status: 400, contains: "no trigger value"},
		{name: "body over the cap", method: "POST", path: "/ok", body: `{"Data":{"x":"` + strings.Repeat("a", 2<<10) + `"}}`, status: 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := do(t, tt.method, srv.URL+tt.path, tt.body)
			assert.Equal(t, tt.status, resp.StatusCode, body)
			assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
			assert.True(t, json.Valid([]byte(body)) && strings.HasPrefix(body, "{"), "a non-empty JSON object: %q", body)
			if tt.contains != "" {
				assert.Contains(t, body, tt.contains)
			}
			if tt.status != 200 || tt.path == "/" {
				return
			}
			var r invoke.Response
			require.NoError(t, json.Unmarshal([]byte(body), &r))
			require.NotNil(t, r.Outputs)
			require.NotNil(t, r.Logs)
			if tt.isError {
				assert.Empty(t, r.Outputs, "nothing is written on error")
			}
			if tt.text == "" {
				return
			}
			var rv json.RawMessage
			rv, _ = json.Marshal(r.ReturnValue)
			res, err := invoke.ToolResult(rv, tt.isError || tt.path != "/ok")
			require.NoError(t, err)
			var ctr invoke.CallToolResult
			require.NoError(t, json.Unmarshal(res, &ctr))
			assert.Equal(t, tt.isError, ctr.IsError)
			require.Len(t, ctr.Content, 1)
			assert.Equal(t, tt.text, ctr.Content[0].Text)
		})
	}
	assert.Contains(t, logs.String(), "disk on fire", "internal details go to the logs")
	assert.Contains(t, logs.String(), "panic serving request")
}

func TestNewPanicsOnDuplicateTool(t *testing.T) {
	tool := mcptool.Tool{Name: "a", Run: func(context.Context, *mcptool.Call) (*mcptool.Result, error) { return nil, nil }}
	assert.Panics(t, func() { customhandler.New([]mcptool.Tool{tool, tool}, customhandler.Options{}) })
}
