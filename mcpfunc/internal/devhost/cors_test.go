package devhost

import (
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/guard"
)

// The expected values below are read off ASP.NET Core's CORS middleware
// (CorsMiddleware, CorsService.PopulateResult and ApplyResult,
// CorsPolicyBuilder.GetNormalizedOrigin), as func start configures it:
// AllowAnyHeader, AllowAnyMethod, AllowCredentials when asked.

func withCORS(origins string, credentials bool) envOption {
	return func(o *Options) {
		c, err := NewCORS(origins, credentials)
		if err != nil {
			panic(err)
		}
		o.CORS = c
	}
}

func TestNewCORS(t *testing.T) {
	c, err := NewCORS("", true)
	require.NoError(t, err)
	assert.Nil(t, c, "no Host.CORS: no CORS at all, credentials or not")

	c, err = NewCORS(",,", false)
	require.NoError(t, err)
	require.NotNil(t, c, "a non-empty Host.CORS turns the middleware on, even with no origin in it")
	assert.Empty(t, c.Origins())

	_, err = NewCORS("*", true)
	assert.ErrorIs(t, err, ErrCORSAnyOriginWithCredentials, "func start refuses to start")
	_, err = NewCORS("*,http://localhost:3000", true)
	assert.NoError(t, err, `"*" in a list is no wildcard, so credentials are allowed`)

	c, err = NewCORS("HTTP://LocalHost:5173,https://bücher.example:443,https://bücher.example:8443/x,http://a.example/", false)
	require.NoError(t, err)
	assert.Equal(t, []string{
		"http://localhost:5173",              // lower-cased
		"https://xn--bcher-kva.example",      // punycode, default port dropped
		"https://xn--bcher-kva.example:8443", // path dropped for an IDN host
		"http://a.example/",                  // only lower-cased: never matches
	}, c.Origins())
	assert.Equal(t, []string{`"http://a.example/" is not an origin (scheme://host[:port], no spaces, no path or trailing slash)`}, c.Suspicious())

	c, err = NewCORS("http://localhost:3000, http://localhost:4000,*", false)
	require.NoError(t, err)
	assert.Equal(t, []string{
		`" http://localhost:4000" is not an origin (scheme://host[:port], no spaces, no path or trailing slash)`,
		`"*" means any origin only when it is the only entry`,
	}, c.Suspicious())
	assert.False(t, c.allows("http://localhost:4000"), "Core Tools does not trim")
	assert.False(t, c.allows("https://other.example"), `"*" among others matches nothing`)
	assert.True(t, c.allows("http://localhost:3000"))
	assert.False(t, c.allows("HTTP://LOCALHOST:3000"), "origins compare ordinally")
}

// corsRequest sends method to path with the given headers and returns the
// response (body read).
func corsRequest(t *testing.T, e *env, method, path string, header map[string]string, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, e.http.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	readAll(t, resp)
	return resp
}

// corsHeaders are the response headers CORS may set, as one string each
// ("" when absent).
func corsHeaders(resp *http.Response) map[string]string {
	out := map[string]string{}
	for _, h := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods",
		"Access-Control-Allow-Headers", "Access-Control-Expose-Headers", "Access-Control-Max-Age", "Vary"} {
		out[h] = strings.Join(resp.Header.Values(h), ", ")
	}
	return out
}

func none() map[string]string {
	return map[string]string{"Access-Control-Allow-Origin": "", "Access-Control-Allow-Credentials": "", "Access-Control-Allow-Methods": "",
		"Access-Control-Allow-Headers": "", "Access-Control-Expose-Headers": "", "Access-Control-Max-Age": "", "Vary": ""}
}

// with returns a copy of m with the given keys set.
func with(m map[string]string, kv ...string) map[string]string {
	m = maps.Clone(m)
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

// A preflight is answered 204 before the key is asked for (browsers never
// send it on a preflight), with the method and headers it asked for, when
// the origin is allowed; an origin CORS does not allow gets 204 and no CORS
// header at all, or 403 from the Origin check when it is not a loopback
// page. The DNS-rebinding check holds whatever CORS allows.
func TestCORSPreflight(t *testing.T) {
	preflight := func(origin string) map[string]string {
		return map[string]string{
			"Origin":                         origin,
			"Access-Control-Request-Method":  "POST",
			"Access-Control-Request-Headers": "content-type, x-functions-key,mcp-protocol-version",
		}
	}
	asked := "content-type,x-functions-key,mcp-protocol-version"
	tests := []struct {
		name        string
		origins     string
		credentials bool
		header      map[string]string
		status      int
		want        map[string]string
	}{
		{"listed origin", "https://app.example", false, preflight("https://app.example"), http.StatusNoContent,
			with(none(), "Access-Control-Allow-Origin", "https://app.example", "Access-Control-Allow-Methods", "POST", "Access-Control-Allow-Headers", asked)},
		{"listed origin, credentials", "https://app.example", true, preflight("https://app.example"), http.StatusNoContent,
			with(none(), "Access-Control-Allow-Origin", "https://app.example", "Access-Control-Allow-Credentials", "true",
				"Access-Control-Allow-Methods", "POST", "Access-Control-Allow-Headers", asked)},
		{"two origins: Vary", "https://app.example,http://localhost:5173", false, preflight("http://localhost:5173"), http.StatusNoContent,
			with(none(), "Access-Control-Allow-Origin", "http://localhost:5173", "Access-Control-Allow-Methods", "POST", "Access-Control-Allow-Headers", asked, "Vary", "Origin")},
		{"any origin", "*", false, preflight("https://anything.example"), http.StatusNoContent,
			with(none(), "Access-Control-Allow-Origin", "*", "Access-Control-Allow-Methods", "POST", "Access-Control-Allow-Headers", asked)},
		{"no headers asked", "https://app.example", false, map[string]string{"Origin": "https://app.example", "Access-Control-Request-Method": "GET"}, http.StatusNoContent,
			with(none(), "Access-Control-Allow-Origin", "https://app.example", "Access-Control-Allow-Methods", "GET")},
		{"loopback page not listed: answered, no CORS", "https://app.example", false, preflight("http://localhost:5173"), http.StatusNoContent, none()},
		{"foreign page not listed: Origin check", "https://app.example", false, preflight("https://evil.example"), http.StatusForbidden, none()},
		{"listed page, rebound Host", "https://app.example", false, with(preflight("https://app.example"), "Host", "app.example"), http.StatusForbidden, none()},
		{"any origin, rebound Host", "*", false, with(preflight("https://app.example"), "Host", "app.example"), http.StatusForbidden, none()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, itemsApp(), withKey(testKey), withCORS(tt.origins, tt.credentials))
			for _, path := range []string{MCPPath, SSEPath, MessagePath} {
				resp := corsRequest(t, e, http.MethodOptions, path, tt.header, "")
				assert.Equal(t, tt.status, resp.StatusCode, path)
				assert.Equal(t, tt.want, corsHeaders(resp), path)
			}
			assert.NotContains(t, e.logs.String(), "status=401", "no key is asked of a preflight")
		})
	}
}

// Requests other than preflights get the CORS headers on whatever the
// endpoint answers, refusals included (a page can then read why it was
// refused); the key is still required.
func TestCORSResponses(t *testing.T) {
	e := newEnv(t, itemsApp(), withKey(testKey), withCORS("https://app.example", true))
	post := func(origin, key string) *http.Response {
		h := map[string]string{"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
		if origin != "" {
			h["Origin"] = origin
		}
		if key != "" {
			h[guard.KeyHeader] = key
		}
		return corsRequest(t, e, http.MethodPost, MCPPath, h, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"page","version":"1"}}}`)
	}
	allowed := with(none(), "Access-Control-Allow-Origin", "https://app.example", "Access-Control-Allow-Credentials", "true")

	resp := post("https://app.example", testKey)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotEmpty(t, resp.Header.Get("Mcp-Session-Id"))
	assert.Equal(t, allowed, corsHeaders(resp), "no Access-Control-Expose-Headers: func start's policy exposes none")

	resp = post("https://app.example", "")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Equal(t, allowed, corsHeaders(resp))

	resp = post("http://localhost:5173", testKey)
	assert.Equal(t, http.StatusOK, resp.StatusCode, "a loopback page passes the Origin check")
	assert.Equal(t, none(), corsHeaders(resp), "but CORS does not allow it")

	resp = post("", testKey)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, none(), corsHeaders(resp), "no Origin: CORS stays out")

	resp = post("https://evil.example", testKey)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Equal(t, none(), corsHeaders(resp))
}

// Without Host.CORS nothing is allowed: a preflight is not answered as one
// (it meets the key check, or the endpoint's 405), no CORS header is ever
// set, and pages on other sites still get 403.
func TestCORSOff(t *testing.T) {
	preflight := map[string]string{"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST"}
	for _, tt := range []struct {
		name   string
		opts   []envOption
		status int
	}{
		{"keys on", []envOption{withKey(testKey)}, http.StatusUnauthorized},
		{"keys off", nil, http.StatusMethodNotAllowed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, itemsApp(), tt.opts...)
			resp := corsRequest(t, e, http.MethodOptions, MCPPath, preflight, "")
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Equal(t, none(), corsHeaders(resp))

			resp = corsRequest(t, e, http.MethodOptions, MCPPath, with(preflight, "Origin", "https://app.example"), "")
			assert.Equal(t, http.StatusForbidden, resp.StatusCode)
			assert.Equal(t, none(), corsHeaders(resp))
		})
	}
}
