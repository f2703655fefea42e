package devhost

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Browsers on other sites and DNS-rebinding pages get 403, before the key
// is even looked at; local clients and localhost pages pass.
func TestCrossSiteRefused(t *testing.T) {
	e := newEnv(t, itemsApp(), withKey(testKey))
	host := strings.TrimPrefix(e.http.URL, "http://")
	tests := []struct {
		name, origin, host string
		want               int
	}{
		{"no Origin (CLI clients, SDKs)", "", "", http.StatusOK},
		{"localhost page on another port (Inspector web UI)", "http://localhost:6274", "", http.StatusOK},
		{"127.0.0.1 page", "http://127.0.0.1:6274", "", http.StatusOK},
		{"[::1] page", "http://[::1]:6274", "", http.StatusOK},
		{"same origin", "http://" + host, "", http.StatusOK},
		{"Host localhost", "", "localhost:7071", http.StatusOK},
		{"other site", "https://evil.example", "", http.StatusForbidden},
		{"other site posing as localhost subdomain", "http://localhost.evil.example", "", http.StatusForbidden},
		{"opaque origin", "null", "", http.StatusForbidden},
		{"rebound name", "", "evil.example:" + strings.Split(host, ":")[1], http.StatusForbidden},
		{"rebound name, same-origin page", "http://evil.example", "evil.example", http.StatusForbidden},
		{"private address as Host", "", "192.168.1.5:7071", http.StatusForbidden},
	}
	for _, tt := range tests {
		for _, path := range []string{MCPPath, SSEPath, MessagePath} {
			t.Run(tt.name+path, func(t *testing.T) {
				req, err := http.NewRequest(http.MethodOptions, e.http.URL+path, nil)
				require.NoError(t, err)
				if tt.origin != "" {
					req.Header.Set("Origin", tt.origin)
				}
				if tt.host != "" {
					req.Host = tt.host
				}
				resp, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				readAll(t, resp)
				if tt.want == http.StatusForbidden {
					assert.Equal(t, http.StatusForbidden, resp.StatusCode)
				} else {
					// Past the origin check (no CORS here), the missing key
					// is what stops it.
					assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
				}
			})
		}
	}
}

// Each 403 is one log line with its reason, method and path; no query
// string.
func TestCrossSiteLogged(t *testing.T) {
	e := newEnv(t, itemsApp(), withKey(testKey))
	for _, tt := range []struct {
		name, origin, host, reason string
	}{
		{"other site", "https://evil.example", "", `reason="Forbidden: cross-site request (Origin evil.example); allow it with Host.CORS in local.settings.json"`},
		{"rebound name", "", "evil.example", `reason="Forbidden: Host is not a loopback name (DNS rebinding protection)"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := len(e.logs.String())
			req, err := http.NewRequest(http.MethodPost, e.http.URL+SSEPath+"?code="+testKey, nil)
			require.NoError(t, err)
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			if tt.host != "" {
				req.Host = tt.host
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			readAll(t, resp)
			require.Equal(t, http.StatusForbidden, resp.StatusCode)
			line := e.logs.String()[before:]
			assert.Equal(t, 1, strings.Count(line, "\n"), line)
			assert.Contains(t, line, `level=WARN msg="request refused" status=403 `+tt.reason+" method=POST path="+SSEPath+"\n")
			assert.NotContains(t, line, testKey)
		})
	}
}
