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
)

const testKey = "k3y-for-tests"

// Every path under /runtime/webhooks/mcp refuses a request without the
// right key, on both transports.
func TestKeyRequired(t *testing.T) {
	e := newEnv(t, snippetApp(), withKey(testKey))
	initialize := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}`
	tests := []struct {
		name, method, path, key string
		header                  bool
	}{
		{"streamable, no key", http.MethodPost, MCPPath, "", false},
		{"streamable, wrong header", http.MethodPost, MCPPath, "wrong", true},
		{"streamable, wrong code", http.MethodPost, MCPPath, "wrong", false},
		{"streamable, key prefix", http.MethodPost, MCPPath, testKey[:4], true},
		{"sse stream, no key", http.MethodGet, SSEPath, "", false},
		{"sse stream, wrong code", http.MethodGet, SSEPath, "wrong", false},
		{"message, no key, no session", http.MethodPost, MessagePath, "", false},
		{"other subpath", http.MethodPost, MCPPath + "/other", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := e.http.URL + tt.path
			if tt.key != "" && !tt.header {
				u += "?code=" + url.QueryEscape(tt.key)
			}
			req, err := http.NewRequest(tt.method, u, strings.NewReader(initialize))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			if tt.key != "" && tt.header {
				req.Header.Set(KeyHeader, tt.key)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			if resp.StatusCode == http.StatusOK {
				resp.Body.Close() // an SSE stream would never end: fail, don't read
				t.Fatalf("status 200, want 401")
			}
			body := readAll(t, resp)
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			assert.NotContains(t, body, testKey)
			if tt.key != "" {
				assert.NotContains(t, body, tt.key, "the answer never echoes the key sent")
			}
		})
	}
	assert.NotContains(t, e.logs.String(), testKey)
}

// Clients with the key work: in the header or in ?code=, on both
// transports. The SSE client that connected with ?code= posts its messages
// to the announced endpoint, which carries no key, and is let through
// because its session was opened with the key.
func TestKeyAccepted(t *testing.T) {
	e := newEnv(t, snippetApp(), withKey(testKey))
	withHeader := e.http.Client()
	withHeader.Transport = headerTransport{name: KeyHeader, value: testKey, base: withHeader.Transport}
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
	e := newEnv(t, snippetApp(), withKey(testKey))
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
	e := newEnv(t, snippetApp())
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
