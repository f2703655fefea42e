package mcpfunctest_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/fixture"
	"remote-mcp-functions-go/mcpfunc/mcpfunctest"
)

// fixtureDir is the library's test app's folder, from the module's root.
const fixtureDir = "mcpfunc/internal/fixture"

// A log line comes through a pipe a moment after the answer: wait for it,
// within a bound that only guards a broken build.
const (
	startWait = 10 * time.Second
	pollEvery = 10 * time.Millisecond
)

// serveCall calls a tool on the server's session and returns the text of
// its answer, failing the test on a protocol error.
func serveCall(t *testing.T, srv *mcpfunctest.Server, tool string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	res, err := srv.Session.CallTool(t.Context(), &mcp.CallToolParams{Name: tool, Arguments: args})
	require.NoError(t, err, "tools/call %s", tool)
	return res
}

func textOf(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// TestServe runs the fixture end to end in each hosting, as an app's own
// test runs its app: the session calls its tools, the blobs it writes are
// in the server's storage and blobs put there are read, its settings and
// key apply, and its functions' logs are the server's.
func TestServe(t *testing.T) {
	for _, hosting := range []string{"triggers", "self"} {
		t.Run(hosting, func(t *testing.T) {
			const key = "serve-test-key"
			srv := mcpfunctest.Serve(t, mcpfunctest.ServeOptions{
				Hosting:  hosting,
				Dir:      fixtureDir,
				Settings: map[string]string{fixture.LimitSetting: "8"},
				Key:      key,
			})
			suffix := map[string]string{"triggers": "/runtime/webhooks/mcp", "self": "/mcp"}[hosting]
			assert.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:") && strings.HasSuffix(srv.URL, suffix), srv.URL)
			assert.Equal(t, "mcpfunc fixture", srv.Session.InitializeResult().ServerInfo.Name)

			before := srv.Blobs()
			res := serveCall(t, srv, "put", map[string]any{"key": "served", "value": "12345678"})
			require.False(t, res.IsError, textOf(res))
			got, found := srv.Blob(fixture.Container, "served.txt")
			assert.True(t, found)
			assert.Equal(t, "12345678", string(got))
			after := srv.Blobs()
			assert.Equal(t, []byte("12345678"), after[fixture.Container+"/served.txt"])
			assert.Len(t, after, len(before)+1, "one blob written")

			srv.SetBlob(fixture.Container, "from-elsewhere.txt", []byte("written by another"))
			res = serveCall(t, srv, "get", map[string]any{"key": "from-elsewhere"})
			assert.Equal(t, "written by another", textOf(res))
			_, found = srv.Blob(fixture.Container, "never.txt")
			assert.False(t, found)

			// The setting applies: 8 bytes at most.
			res = serveCall(t, srv, "put", map[string]any{"key": "over", "value": "123456789"})
			assert.True(t, res.IsError)
			assert.Equal(t, "Item 'over' is too large: 9 bytes, the limit is 8.", textOf(res))

			// The key applies: without it, 401.
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)

			res = serveCall(t, srv, "echo", map[string]any{"text": "logged"})
			require.False(t, res.IsError, textOf(res))
			assert.Eventually(t, func() bool { return strings.Contains(strings.Join(srv.Logs(), "\n"), "Echoed 6 bytes") }, startWait, pollEvery,
				"the function's log line is in the server's logs")
			assert.NotContains(t, strings.Join(srv.Logs(), "\n"), key, "never the key")
		})
	}
}

// recorder is a testing.TB that records a fatal failure instead of
// ending the test.
type recorder struct {
	testing.TB
	fatal string
}

func (r *recorder) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }

func TestServeRefusesAnUnknownHosting(t *testing.T) {
	rec := &recorder{TB: t}
	assert.Nil(t, mcpfunctest.Serve(rec, mcpfunctest.ServeOptions{Hosting: "Self", Dir: fixtureDir}))
	assert.Equal(t, `mcpfunctest.Serve: Hosting "Self": want "triggers" (the default) or "self"`, rec.fatal)
}

// TestServeVerify: Server.Verify runs the handler's -verify against the
// served app: with the fixture's items limited to 8 bytes, its probe's
// put is refused, and Verify fails saying so, on each transport, without
// printing the key; nothing is left behind.
func TestServeVerify(t *testing.T) {
	const key = "serve-verify-key"
	srv := mcpfunctest.Serve(t, mcpfunctest.ServeOptions{
		Dir:      fixtureDir,
		Settings: map[string]string{fixture.LimitSetting: "8"},
		Key:      key,
	})
	out, err := srv.Verify()
	require.Error(t, err, out)
	assert.Contains(t, out, `streamable: probe of put`)
	assert.Regexp(t, `tools/call put answered an error result: "Item 'verify-[0-9a-f]{12}' is too large: 15 bytes, the limit is 8\."`, out)
	assert.Contains(t, out, "sse: probe of put")
	assert.Contains(t, out, "streamable: probe of echo")
	assert.Contains(t, out, "verify: FAIL")
	assert.NotContains(t, out, key)
	assert.NotContains(t, out, "cleanup failed", "an item never put is not left behind")
	for name := range srv.Blobs() {
		assert.NotContains(t, name, "verify-")
	}
}
