package guard

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// request is a request as a server listening on local received it.
func request(local, host, origin string) *http.Request {
	r := httptest.NewRequest("POST", "/mcp", nil)
	r.Host = host
	if origin != "" {
		r.Header.Set("Origin", origin)
	}
	addr, err := net.ResolveTCPAddr("tcp", local)
	if err != nil {
		panic(err)
	}
	return r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, addr))
}

func TestSiteRefusal(t *testing.T) {
	const loop = "127.0.0.1:7071"
	allowApp := func(o string) bool { return o == "https://app.example" }
	tests := []struct {
		name, local, host, origin string
		allow                     func(string) bool
		want                      string // a prefix of the reason; "" passes
	}{
		{"no Origin (CLI clients, SDKs)", loop, loop, "", nil, ""},
		{"localhost page on another port", loop, loop, "http://localhost:6274", nil, ""},
		{"127.0.0.1 page", loop, loop, "http://127.0.0.1:6274", nil, ""},
		{"[::1] page", loop, loop, "http://[::1]:6274", nil, ""},
		{"same origin", loop, loop, "http://" + loop, nil, ""},
		{"Host localhost", loop, "localhost:7071", "", nil, ""},
		{"other site", loop, loop, "https://evil.example", nil, "Forbidden: cross-site request (Origin evil.example); hint"},
		{"localhost as a subdomain", loop, loop, "http://localhost.evil.example", nil, "Forbidden: cross-site request"},
		{"opaque origin", loop, loop, "null", nil, "Forbidden: unrecognised Origin"},
		{"allowed other site", loop, loop, "https://app.example", allowApp, ""},
		{"other site, not the allowed one", loop, loop, "https://evil.example", allowApp, "Forbidden: cross-site request"},
		{"rebound name", loop, "evil.example:7071", "", nil, "Forbidden: Host is not a loopback name"},
		{"rebound name, same-origin page", loop, "evil.example", "http://evil.example", nil, "Forbidden: Host is not a loopback name"},
		{"rebound name, allowed origin", loop, "evil.example", "https://app.example", allowApp, "Forbidden: Host is not a loopback name"},
		{"private address as Host", loop, "192.168.1.5:7071", "", nil, "Forbidden: Host is not a loopback name"},
		{"not on loopback: any Host", "192.168.1.5:7071", "app.example", "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Site{Allow: tt.allow, Hint: "; hint"}.Refusal(request(tt.local, tt.host, tt.origin))
			if tt.want == "" && got != "" || !strings.HasPrefix(got, tt.want) {
				t.Fatalf("Refusal = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestIsLoopbackAddr(t *testing.T) {
	for addr, want := range map[string]bool{
		"localhost": true, "LOCALHOST:80": true, "127.0.0.1:7071": true, "127.1.2.3": true,
		"[::1]:7071": true, "::1": true, "evil.example": false, "0.0.0.0:7071": false,
		"192.168.0.1": false, "localhost.evil.example": false, "": false,
	} {
		if got := IsLoopbackAddr(addr); got != want {
			t.Errorf("IsLoopbackAddr(%q) = %v, want %v", addr, got, want)
		}
	}
}
