package customhandler_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/customhandler"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
)

// testServer serves fake tools that exercise each branch of respond.
func testServer(t *testing.T, maxBody int64) (*httptest.Server, *bytes.Buffer) {
	t.Helper()
	tool := func(name string, plain bool, run func(call *decl.Call) (string, error)) *decl.Tool {
		return &decl.Tool{Name: name, Description: "A test tool.", Plain: plain,
			Blobs: []decl.Blob{decl.BlobOut("file", "c/x")}, TooLarge: "Far too large.",
			Handler: decl.Typed(func(_ context.Context, call *decl.Call, _ struct{}) (string, error) { return run(call) })}
	}
	tools := []*decl.Tool{
		tool("ok", true, func(*decl.Call) (string, error) { return "fine", nil }),
		tool("refuses", false, func(call *decl.Call) (string, error) {
			call.Output("file", []byte("x"))
			return "", decl.Errorf(decl.Invalid, "Bad input.")
		}),
		tool("fails", false, func(*decl.Call) (string, error) { return "", errors.New("disk on fire at /secret/path") }),
		tool("plainfails", true, func(*decl.Call) (string, error) { return "", decl.Errorf(decl.Invalid, "cannot say isError") }),
		tool("undeclared", false, func(call *decl.Call) (string, error) { call.Output("other", []byte("x")); return "x", nil }),
		tool("panics", true, func(*decl.Call) (string, error) { panic("bug") }),
	}
	var logs bytes.Buffer
	h, err := customhandler.New(decl.Functions{Tools: tools}, customhandler.Options{
		Logger:       slog.New(slog.NewTextHandler(&logs, nil)),
		MaxBodyBytes: maxBody,
	})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
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
	const call = `{"Data":{"context":"\"{\\\"name\\\":\\\"t\\\",\\\"arguments\\\":{}}\""}}`
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
		{name: "panic becomes 500", method: "POST", path: "/panics", body: call, status: 500, contains: `"error"`},
		{name: "unknown function", method: "POST", path: "/nope", body: call, status: 404, contains: "no function at /nope"},
		{name: "GET on a tool", method: "GET", path: "/ok", status: 405},
		{name: "malformed JSON", method: "POST", path: "/ok", body: `{"Data":`, status: 400, contains: "malformed invocation payload"},
		{name: "not an object", method: "POST", path: "/ok", body: `[1,2]`, status: 400},
		{name: "empty body", method: "POST", path: "/ok", body: ``, status: 400},
		{name: "no trigger value", method: "POST", path: "/ok", body: `{"Data":{},"Metadata":{"arguments":{}}}`, status: 400, contains: "no trigger value"},
		{name: "nested deeper than the host can", method: "POST", path: "/ok", body: `{"Data":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`, status: 400, contains: "nested deeper than 64 levels"},
		{name: "body over the cap, plain tool", method: "POST", path: "/ok", body: `{"Data":{"x":"` + strings.Repeat("a", 2<<10) + `"}}`, status: 413},
		{name: "body over the cap, rich tool: its own message", method: "POST", path: "/refuses", body: `{"Data":{"x":"` + strings.Repeat("a", 2<<10) + `"}}`, status: 200, isError: true, text: "Far too large."},
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
			ctr, err := invoke.ToolResult(rv, tt.isError || tt.path != "/ok")
			require.NoError(t, err)
			assert.Equal(t, tt.isError, ctr.IsError)
			require.Len(t, ctr.Content, 1)
			assert.Equal(t, tt.text, ctr.Content[0].Text)
		})
	}
	assert.Contains(t, logs.String(), "disk on fire", "internal details go to the logs")
	assert.Contains(t, logs.String(), "panic serving request")
	requireOneKeyPerField(t, logs.String())
}

// requireOneKeyPerField checks that no log line names a key twice (such as
// two msg= in one line).
func requireOneKeyPerField(t *testing.T, logs string) {
	t.Helper()
	key := regexp.MustCompile(`(?:^| )([a-z_]+)=`)
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		// Values are quoted when they hold spaces; drop quoted parts first.
		unquoted := regexp.MustCompile(`"(?:[^"\\]|\\.)*"`).ReplaceAllString(line, `""`)
		seen := map[string]bool{}
		for _, m := range key.FindAllStringSubmatch(unquoted, -1) {
			require.False(t, seen[m[1]], "key %s twice in %q", m[1], line)
			seen[m[1]] = true
		}
	}
}

// TestRefusalLogLine: a refusal is one line with one key per field.
func TestRefusalLogLine(t *testing.T) {
	srv, logs := testServer(t, 1<<10)
	do(t, "POST", srv.URL+"/refuses", `{"Data":{"context":"\"{\\\"name\\\":\\\"t\\\"}\""}}`)
	assert.Contains(t, logs.String(), `msg="tool refused the call" function=refuses code=invalid reason="Bad input."`)
	requireOneKeyPerField(t, logs.String())
}

// TestBodyOverTheCapIsDrained: the host is still sending when the handler
// knows the body is too large; it reads the rest so the host gets the
// answer, not a reset connection.
func TestBodyOverTheCapIsDrained(t *testing.T) {
	srv, _ := testServer(t, 1<<10)
	body := `{"Data":{"x":"` + strings.Repeat("a", 8<<20) + `"}}`
	resp, got := do(t, "POST", srv.URL+"/refuses", body)
	require.Equal(t, http.StatusOK, resp.StatusCode, got)
	assert.Contains(t, got, "Far too large.")
}

// TestMemoryFollowsTheBytesThatArrive: a request that announces a body at
// the cap and sends a few bytes costs a few bytes, not the announced size.
func TestMemoryFollowsTheBytesThatArrive(t *testing.T) {
	const limit = 48 << 20
	h, err := customhandler.New(decl.Functions{Tools: []*decl.Tool{{Name: "ok", Description: "Ok.", Plain: true, Handler: decl.Typed(func(context.Context, *decl.Call, struct{}) (string, error) { return "x", nil })}}},
		customhandler.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), MaxBodyBytes: limit})
	require.NoError(t, err)
	req := httptest.NewRequest(http.MethodPost, "/ok", strings.NewReader(`{"Data":`))
	req.ContentLength = limit
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	runtime.ReadMemStats(&after)
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "bytes allocated for an announced %d-byte body", limit)
}

// TestHostLeftMidBody: a body that stops short is the host going away,
// logged as such, not as a body over the limit.
func TestHostLeftMidBody(t *testing.T) {
	srv, logs := testServer(t, 1<<20)
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	require.NoError(t, err)
	_, err = io.WriteString(conn, "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"Data\":")
	require.NoError(t, err)
	require.NoError(t, conn.(*net.TCPConn).CloseWrite())
	_, _ = io.ReadAll(conn)
	conn.Close()
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "invocation body not received whole") }, 10*time.Second, 10*time.Millisecond)
	assert.NotContains(t, logs.String(), "over the limit")
}

// New refuses what the host could not run, as the self hosting's New
// does, so that the process fails to start with the reason rather than
// failing each call.
func TestNewRefuses(t *testing.T) {
	ok := decl.Typed(func(context.Context, *decl.Call, struct{}) (string, error) { return "", nil })
	tool := &decl.Tool{Name: "a", Description: "A.", Handler: ok}
	for _, tt := range []struct {
		name string
		fns  decl.Functions
		want string
	}{
		{"a tool without a handler", decl.Functions{Tools: []*decl.Tool{{Name: "nohandler", Description: "No handler."}}}, `tool "nohandler": no handler`},
		{"two tools in one folder", decl.Functions{Tools: []*decl.Tool{tool, tool}}, `function "a" is declared twice`},
		{"a bad name", decl.Functions{Tools: []*decl.Tool{{Name: "a b", Description: "A.", Handler: ok}}}, "the name must be"},
		{"an argument without a description", decl.Functions{Tools: []*decl.Tool{{Name: "nodesc", Description: "A.", Handler: decl.Typed(func(context.Context, *decl.Call, struct {
			X string `json:"x"`
		}) (string, error) {
			return "", nil
		})}}}, `argument "x" has no description`},
		{"a prompt without a handler", decl.Functions{Prompts: []*decl.Prompt{{Name: "p", Description: "P."}}}, `prompt "p": no handler`},
		{"a resource without a scheme", decl.Functions{Resources: []*decl.Resource{{Name: "r", URI: "noscheme", ResourceName: "r"}}}, "needs a scheme"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h, err := customhandler.New(tt.fns, customhandler.Options{})
			assert.Nil(t, h)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}
