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
	e := newEnv(t, snippetApp(), withKey(testKey))
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
					// Past the origin check, the missing key is what stops it.
					assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
				}
			})
		}
	}
}

func TestIsLoopbackAddr(t *testing.T) {
	for addr, want := range map[string]bool{
		"localhost": true, "LOCALHOST:80": true, "127.0.0.1:7071": true, "127.1.2.3": true,
		"[::1]:7071": true, "::1": true, "evil.example": false, "0.0.0.0:7071": false,
		"192.168.0.1": false, "localhost.evil.example": false, "": false,
	} {
		assert.Equal(t, want, isLoopbackAddr(addr), addr)
	}
}
