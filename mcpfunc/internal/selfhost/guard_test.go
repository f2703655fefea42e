package selfhost

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const initialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}`

const testKey = "k3y+/for=Tests"

// Facing clients itself, the server refuses other sites and rebound names
// (403) and, with a key, requests without it (401, WWW-Authenticate:
// Bearer), each logged once without the key or the query string.
func TestDirectGuards(t *testing.T) {
	e := newEnv(t, testFunctions(), func(o *Options) { o.Direct, o.Key = true, testKey })
	tests := []struct {
		name   string
		target string
		header map[string]string
		host   string
		status int
		reason string
	}{
		{"header", Path, map[string]string{"x-functions-key": testKey}, "", http.StatusOK, ""},
		{"code", Path + "?code=" + url.QueryEscape(testKey), nil, "", http.StatusOK, ""},
		{"no key", Path, nil, "", http.StatusUnauthorized, "no key: this MCP endpoint needs its key in the x-functions-key header or the ?code= query parameter"},
		{"wrong key", Path, map[string]string{"x-functions-key": "Wr0ng"}, "", http.StatusUnauthorized, "wrong key in the x-functions-key header"},
		{"other site, with the key", Path, map[string]string{"x-functions-key": testKey, "Origin": "https://evil.example"}, "", http.StatusForbidden, "Forbidden: cross-site request (Origin evil.example)"},
		{"localhost page", Path, map[string]string{"x-functions-key": testKey, "Origin": "http://localhost:6274"}, "", http.StatusOK, ""},
		{"rebound name", Path, map[string]string{"x-functions-key": testKey}, "evil.example", http.StatusForbidden, "Forbidden: Host is not a loopback name (DNS rebinding protection)"},
		{"other path, rebound", "/other", nil, "evil.example", http.StatusForbidden, "Forbidden: Host is not a loopback name (DNS rebinding protection)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(e.logs.String())
			req, err := http.NewRequest(http.MethodPost, e.http.URL+tt.target, strings.NewReader(initialize))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			if tt.host != "" {
				req.Host = tt.host
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tt.status, resp.StatusCode)
			logged := e.logs.String()[before:]
			if tt.reason == "" {
				assert.NotContains(t, logged, "request refused")
				return
			}
			if tt.status == http.StatusUnauthorized {
				assert.Equal(t, "Bearer", resp.Header.Get("WWW-Authenticate"))
			}
			assert.Equal(t, 1, strings.Count(logged, "\n"), logged)
			assert.Contains(t, logged, `msg="request refused" status=`)
			assert.Contains(t, logged, `reason="`+tt.reason+`"`)
			assert.NotContains(t, logged, testKey)
			assert.NotContains(t, logged, url.QueryEscape(testKey))
		})
	}
	// A go-sdk client with the key works end to end.
	hc := e.http.Client()
	hc.Transport = keyTransport{base: hc.Transport}
	assert.Equal(t, "hi", textOf(t, call(t, e.connect(hc), "hello", nil)))
}

type keyTransport struct{ base http.RoundTripper }

func (k keyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("x-functions-key", testKey)
	return k.base.RoundTrip(r)
}

// Behind the Functions host the server checks nothing itself: the host
// has checked the key and CORS, and a Host header the host passed on is
// no reason to refuse. A key set without Direct is ignored.
func TestBehindTheHost(t *testing.T) {
	e := newEnv(t, testFunctions(), func(o *Options) { o.Key = testKey })
	for _, h := range []map[string]string{nil, {"Origin": "https://app.example"}} {
		req, err := http.NewRequest(http.MethodPost, e.http.URL+Path, strings.NewReader(initialize))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		req.Host = "myapp.azurewebsites.net"
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, "%v", h)
	}
	assert.NotContains(t, e.logs.String(), "request refused")
}

// Stateless Streamable HTTP: POST only, no sessions; GET / answers the
// host's readiness probe.
func TestTransport(t *testing.T) {
	e := newEnv(t, testFunctions())
	status, body, err := e.post(context.Background(), initialize, nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `"protocolVersion":"2025-06-18"`)
	resp, err := http.Post(e.http.URL+Path, "application/json", strings.NewReader(initialize))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "Accept must name both answers")
	assert.Empty(t, resp.Header.Get("Mcp-Session-Id"))

	for _, method := range []string{http.MethodGet, http.MethodDelete} {
		req, _ := http.NewRequest(method, e.http.URL+Path, nil)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, method)
	}
	resp, err = http.Get(e.http.URL + "/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	resp, err = http.Get(e.http.URL + "/runtime/webhooks/mcp")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}
