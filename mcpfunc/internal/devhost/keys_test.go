package devhost

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/guard"
)

const testKey = "k3y-for-tests"

// wrongKey is a key that is not testKey, unlike any word a message holds.
const wrongKey = "Wr0ngK3y-zq"

// Every path under /runtime/webhooks/mcp refuses a request without the
// right key, on both transports, with a 401 that says why (never echoing
// what was sent) and carries WWW-Authenticate: Bearer as the host's 401
// does. Each refusal is one log line with status, reason, method and path,
// and neither the key nor the query string.
func TestKeyRequired(t *testing.T) {
	e := newEnv(t, itemsApp(), withKey(testKey))
	initialize := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}`
	tests := []struct {
		name, method, path string
		header, code       string
		reason, loggedPath string
	}{
		{"streamable, no key", http.MethodPost, MCPPath, "", "", guard.ReasonNoKey, MCPPath},
		{"streamable, wrong header", http.MethodPost, MCPPath, wrongKey, "", guard.ReasonWrongHeader, MCPPath},
		{"streamable, wrong code", http.MethodPost, MCPPath, "", wrongKey, guard.ReasonWrongCode, MCPPath},
		{"streamable, both wrong", http.MethodPost, MCPPath, wrongKey, wrongKey, guard.ReasonWrongHeaderAnd, MCPPath},
		{"streamable, key prefix", http.MethodPost, MCPPath, testKey[:4], "", guard.ReasonWrongHeader, MCPPath},
		{"streamable, empty code", http.MethodPost, MCPPath + "?code=", "", "", guard.ReasonNoKey, MCPPath},
		{"sse stream, no key", http.MethodGet, SSEPath, "", "", guard.ReasonNoKey, SSEPath},
		{"sse stream, wrong code", http.MethodGet, SSEPath, "", wrongKey, guard.ReasonWrongCode, SSEPath},
		{"message, no key, no session", http.MethodPost, MessagePath, "", "", guard.ReasonNoKey + ", and ?" + sessionQuery + "= names no open SSE stream", MessagePath},
		{"other subpath", http.MethodPost, MCPPath + "/other", "", "", guard.ReasonNoKey, MCPPath + "/…"},
		// A key pasted with & instead of ? lands in the path: not logged.
		{"key in the path", http.MethodGet, SSEPath + "&code=" + testKey, "", "", guard.ReasonNoKey, MCPPath + "/…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(e.logs.String())
			u := e.http.URL + tt.path
			if tt.code != "" {
				u += "?code=" + url.QueryEscape(tt.code)
			}
			req, err := http.NewRequest(tt.method, u, strings.NewReader(initialize))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			if tt.header != "" {
				req.Header.Set(guard.KeyHeader, tt.header)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			if resp.StatusCode == http.StatusOK {
				resp.Body.Close() // an SSE stream would never end: fail, don't read
				t.Fatalf("status 200, want 401")
			}
			body := readAll(t, resp)
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			assert.Equal(t, "Bearer", resp.Header.Get("WWW-Authenticate"))
			assert.Equal(t, "Unauthorized: "+tt.reason+"\n", body)
			assert.NotContains(t, body, testKey)
			assert.NotContains(t, body, wrongKey, "the answer never echoes the key sent")

			line := e.logs.String()[before:]
			assert.Equal(t, 1, strings.Count(line, "\n"), "one line per refusal: %q", line)
			for _, want := range []string{
				`level=WARN msg="request refused" status=401`,
				`reason="` + tt.reason + `"`,
				"method=" + tt.method,
				"path=" + tt.loggedPath + "\n",
			} {
				assert.Contains(t, line, want)
			}
			// Past the reason's own words, no query string.
			rest := strings.Replace(line, `reason="`+tt.reason+`"`, "", 1)
			assert.NotContains(t, rest, "?")
			assert.NotContains(t, rest, "code=")
		})
	}
	logs := e.logs.String()
	assert.NotContains(t, logs, testKey)
	assert.NotContains(t, logs, testKey[:4]+`"`)
	assert.NotContains(t, logs, wrongKey)
}

// Clients with the key work: in the header or in ?code=, on both
// transports. The SSE client that connected with ?code= posts its messages
// to the announced endpoint, which carries no key, and is let through
// because its session was opened with the key.
func TestKeyAccepted(t *testing.T) {
	e := newEnv(t, itemsApp(), withKey(testKey))
	withHeader := e.http.Client()
	withHeader.Transport = headerTransport{name: guard.KeyHeader, value: testKey, base: withHeader.Transport}
	tests := []struct {
		name string
		tr   mcp.Transport
	}{
		{"streamable, header", &mcp.StreamableClientTransport{Endpoint: e.http.URL + MCPPath, HTTPClient: withHeader}},
		{"streamable, code", &mcp.StreamableClientTransport{Endpoint: e.http.URL + MCPPath + "?code=" + testKey}},
		{"sse, header", &mcp.SSEClientTransport{Endpoint: e.http.URL + SSEPath, HTTPClient: withHeader}},
		{"sse, code", &mcp.SSEClientTransport{Endpoint: e.http.URL + SSEPath + "?code=" + testKey}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mcp.NewClient(&mcp.Implementation{Name: "keyed", Version: "1"}, nil)
			cs, err := c.Connect(context.Background(), tt.tr, nil)
			require.NoError(t, err)
			defer cs.Close()
			res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "hello", Arguments: map[string]any{}})
			require.NoError(t, err)
			assert.False(t, res.IsError)
		})
	}
}

// The SSE stream announces the extension's message endpoint, without the
// key; posting there works only while that stream is open, and a made-up
// session id gets 401.
func TestSSEMessageEndpoint(t *testing.T) {
	e := newEnv(t, itemsApp(), withKey(testKey))
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.http.URL+SSEPath+"?code="+testKey, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	sc := bufio.NewScanner(resp.Body)
	var endpoint string
	for sc.Scan() {
		if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			endpoint = data
			break
		}
	}
	require.True(t, strings.HasPrefix(endpoint, MessagePath+"?"+sessionQuery+"="), endpoint)
	assert.NotContains(t, endpoint, testKey, "the key never goes into the announced URL")

	post := func(path string) int {
		r, err := http.Post(e.http.URL+path, "application/json", strings.NewReader(`{"jsonrpc":"2.0","method":"notifications/initialized"}`))
		require.NoError(t, err)
		readAll(t, r)
		return r.StatusCode
	}
	assert.Equal(t, http.StatusAccepted, post(endpoint))
	assert.Equal(t, http.StatusUnauthorized, post(MessagePath+"?"+sessionQuery+"=MADEUPSESSIONID"))

	cancel() // the stream ends; its id no longer opens the door
	resp.Body.Close()
	require.Eventually(t, func() bool { return !e.srv.sse.live(strings.TrimPrefix(endpoint, MessagePath+"?"+sessionQuery+"=")) },
		10*time.Second, time.Millisecond, "the session is forgotten when its stream closes")
	assert.Equal(t, http.StatusUnauthorized, post(endpoint))
}

// Without a key configured nothing is asked, like func start.
func TestNoKeyByDefault(t *testing.T) {
	e := newEnv(t, itemsApp())
	res, err := call(t, e.connect(TransportStreamable, nil), "hello", map[string]any{})
	require.NoError(t, err)
	assert.False(t, res.IsError)
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	var b strings.Builder
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		b.WriteString(sc.Text())
		b.WriteByte('\n')
	}
	return b.String()
}
