package e2e

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/hosting"
	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// What a browser page meets, through a real devhost process: refusals it
// can explain from devhost's log, and CORS from Host.CORS in
// local.settings.json as func start applies it (ASP.NET Core's CORS
// middleware with AllowAnyHeader, AllowAnyMethod and, when asked,
// AllowCredentials).

const pageOrigin = "https://app.example"

// send makes one request and returns its status and response headers.
func send(t *testing.T, method, u string, header map[string]string, body string) (int, http.Header) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, u, strings.NewReader(body))
	require.NoError(t, err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	require.NoError(t, err)
	return resp.StatusCode, resp.Header
}

// TestRefusalsAreLogged: each hosting run locally answers a request
// without the right key 401 (with the host's challenge) and a cross-site
// page 403, and logs each refusal with its reason, method and path, never a
// key.
func TestRefusalsAreLogged(t *testing.T) {
	az := testenv.SharedAzurite(t)
	forEachHosting(t, func(t *testing.T, h hostingCase) {
		srv := h.start(t, serverOptions{Storage: az.ConnectionString(), Key: testKey})
		refusalsAreLogged(t, h, srv)
	})
}

func refusalsAreLogged(t *testing.T, h hostingCase, srv server) {
	dh := srv.Endpoints()
	mcpPath, sitePath, siteURL, hint := "/runtime/webhooks/mcp", "/runtime/webhooks/mcp/sse", dh.SSEURL, "; allow it with Host.CORS in local.settings.json"
	if h.mode == hosting.Self {
		mcpPath, sitePath, siteURL, hint = "/mcp", "/mcp", dh.URL, ""
	}

	post := func(u string, header map[string]string) int {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, u, strings.NewReader(initializeBody))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, "Bearer", resp.Header.Get("WWW-Authenticate"), "401s carry the host's challenge")
		return resp.StatusCode
	}
	require.Equal(t, http.StatusUnauthorized, post(dh.URL, nil))
	require.Equal(t, http.StatusUnauthorized, post(dh.URL+"?code="+url.QueryEscape(wrongKey), nil))
	require.Equal(t, http.StatusUnauthorized, post(dh.URL, map[string]string{"x-functions-key": wrongKey}))

	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, siteURL+"?code="+url.QueryEscape(testKey), nil)
	require.NoError(t, err)
	req.Header.Set("Origin", "https://evil.example")
	status, _ := do(t, req)
	require.Equal(t, http.StatusForbidden, status)

	wants := []string{
		`msg="request refused" status=401 reason="no key: this MCP endpoint needs its key in the x-functions-key header or the ?code= query parameter" method=POST path=` + mcpPath + "\n",
		`msg="request refused" status=401 reason="wrong key in the ?code= query parameter" method=POST path=` + mcpPath + "\n",
		`msg="request refused" status=401 reason="wrong key in the x-functions-key header" method=POST path=` + mcpPath + "\n",
		`msg="request refused" status=403 reason="Forbidden: cross-site request (Origin evil.example)` + hint + `" method=GET path=` + sitePath + "\n",
	}
	// The log reaches us through a pipe, a moment after the answer: wait
	// for the last line (the bound only guards a broken build).
	require.Eventually(t, func() bool { return strings.Contains(srv.Output(), wants[len(wants)-1]) }, 10*time.Second, 5*time.Millisecond)
	out := srv.Output()
	for _, want := range wants {
		assert.Contains(t, out, want)
	}
	for _, secret := range []string{testKey, url.QueryEscape(testKey), wrongKey, url.QueryEscape(wrongKey), "e2eKey"} {
		assert.NotContains(t, out, secret, "no key in the log")
	}
}

// corsOf returns the CORS response headers ("" when absent).
func corsOf(h http.Header) map[string]string {
	out := map[string]string{}
	for _, k := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Vary"} {
		out[k] = strings.Join(h.Values(k), ", ")
	}
	return out
}

// preflightHeader is what Chromium sends before a page's fetch() POST with
// the key header.
func preflightHeader(origin string) map[string]string {
	return map[string]string{
		"Origin":                         origin,
		"Access-Control-Request-Method":  "POST",
		"Access-Control-Request-Headers": "content-type,mcp-protocol-version,x-functions-key",
	}
}

// Without Host.CORS (the fixture's local.settings.json) nothing is
// allowed: a preflight from a localhost page meets the key check, a page
// on another site gets 403, and no answer carries a CORS header.
func TestCORSOffByDefault(t *testing.T) {
	az := testenv.SharedAzurite(t)
	dh := testenv.StartDevhost(t, testenv.DevhostOptions{Storage: az.ConnectionString(), Key: testKey})

	status, h := send(t, http.MethodOptions, dh.URL, preflightHeader("http://localhost:5173"), "")
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Empty(t, strings.Join(h.Values("Access-Control-Allow-Origin"), ""))

	status, h = send(t, http.MethodOptions, dh.URL, preflightHeader(pageOrigin), "")
	assert.Equal(t, http.StatusForbidden, status, "a page on another site still gets 403")
	assert.Empty(t, strings.Join(h.Values("Access-Control-Allow-Origin"), ""))

	status, h = send(t, http.MethodPost, dh.URL, map[string]string{"Origin": "http://localhost:5173", "x-functions-key": testKey,
		"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}, initializeBody)
	assert.Equal(t, http.StatusOK, status)
	assert.Empty(t, strings.Join(h.Values("Access-Control-Allow-Origin"), ""), "no CORS header: the browser keeps the answer from the page")
	assert.Contains(t, dh.Output(), "devhost: CORS off")
}

// With Host.CORS listing the page's origin, preflights are answered 204
// before any key is asked for, every answer to that origin carries
// Access-Control-Allow-Origin (and -Credentials with CORSCredentials),
// and MCP clients sending that Origin work on both transports. Other
// origins get no CORS header; foreign ones still get 403, and the
// DNS-rebinding check still holds.
func TestCORSFromLocalSettings(t *testing.T) {
	az := testenv.SharedAzurite(t)
	app := testenv.CopyAppSettings(t, func(s *funcapp.Settings) {
		s.Host = &funcapp.HostSettings{CORS: pageOrigin + ",http://localhost:5173", CORSCredentials: true}
	})
	dh := testenv.StartDevhost(t, testenv.DevhostOptions{App: app, Storage: az.ConnectionString(), Key: testKey})
	require.Contains(t, dh.Output(), "devhost: CORS from local.settings.json Host.CORS: "+pageOrigin+",http://localhost:5173, with credentials")

	allowed := map[string]string{
		"Access-Control-Allow-Origin":      pageOrigin,
		"Access-Control-Allow-Credentials": "true",
		"Access-Control-Allow-Methods":     "POST",
		"Access-Control-Allow-Headers":     "content-type,mcp-protocol-version,x-functions-key",
		"Vary":                             "Origin", // two origins listed
	}
	for _, u := range []string{dh.URL, dh.SSEURL, strings.TrimSuffix(dh.SSEURL, "/sse") + "/message"} {
		status, h := send(t, http.MethodOptions, u, preflightHeader(pageOrigin), "")
		assert.Equal(t, http.StatusNoContent, status, u)
		assert.Equal(t, allowed, corsOf(h), u)
	}

	status, h := send(t, http.MethodOptions, dh.URL, preflightHeader("http://127.0.0.1:8080"), "")
	assert.Equal(t, http.StatusNoContent, status, "a loopback page not listed: answered, as func start does")
	assert.Equal(t, "", corsOf(h)["Access-Control-Allow-Origin"])

	status, _ = send(t, http.MethodOptions, dh.URL, preflightHeader("https://evil.example"), "")
	assert.Equal(t, http.StatusForbidden, status, "a foreign page not listed still gets 403")

	req, err := http.NewRequestWithContext(t.Context(), http.MethodOptions, dh.URL, nil)
	require.NoError(t, err)
	for k, v := range preflightHeader(pageOrigin) {
		req.Header.Set(k, v)
	}
	req.Host = "app.example" // a rebound name
	status, _ = do(t, req)
	assert.Equal(t, http.StatusForbidden, status, "DNS-rebinding protection holds whatever CORS allows")

	// Answers, refusals included, carry the CORS headers, so a page can
	// read why it was refused.
	status, h = send(t, http.MethodPost, dh.URL, map[string]string{"Origin": pageOrigin,
		"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}, initializeBody)
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, pageOrigin, corsOf(h)["Access-Control-Allow-Origin"])
	assert.Equal(t, "", corsOf(h)["Access-Control-Allow-Methods"], "methods only on preflights")

	// MCP clients that send the page's Origin (as a browser does) work end
	// to end, the key still required.
	for _, tr := range transports {
		t.Run(tr.name+" from the page's origin", func(t *testing.T) {
			withOrigin := &http.Client{Transport: &addHeader{name: "Origin", value: pageOrigin,
				next: &addHeader{name: "x-functions-key", value: testKey, next: http.DefaultTransport}}}
			s := connect(t, tr.dial(dh, withOrigin))
			requireText(t, call(t, s, "hello", nil), helloText)
			key := "cors-" + tr.name
			put(t, s, key, "from a page")
			requireText(t, call(t, s, "get", map[string]any{"key": key}), "from a page")
		})
	}
}
