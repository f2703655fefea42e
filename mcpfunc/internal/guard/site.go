package guard

import (
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// Site refuses cross-site and DNS-rebinding requests to a server on the
// developer's own machine. The zero value allows no other site.
//
//   - Origin: browsers send it on cross-origin requests (and on POSTs). It
//     must name a loopback host (a page served on localhost, on any port),
//     be the very host the request went to, or be an origin Allow accepts
//     (a CORS policy). Clients that are not browsers send no Origin and
//     pass; so does the MCP Inspector's web UI, which connects from its
//     Node backend, not from the page.
//   - Host: when the server listens on loopback, the Host header must be a
//     loopback name or address too, whatever Allow accepts. A page on
//     evil.example whose name was rebound to 127.0.0.1 sends Host:
//     evil.example.
//
// go-sdk's Streamable HTTP handler makes the same Host check itself, but
// only for the paths it serves, and its cross-origin option
// (http.CrossOriginProtection) trusts exact origins only, not localhost on
// any port; so a server makes both checks here, once, for every path.
type Site struct {
	// Allow reports whether a page on this origin may call the server
	// although it is another site: the server's CORS policy. Nil allows
	// none.
	Allow func(origin string) bool
	// Hint ends the reason for a refused cross-site page: how to allow it
	// ("; allow it with Host.CORS in local.settings.json"). Empty says
	// nothing more.
	Hint string
}

// Refusal reports why r must be refused as a cross-site or DNS-rebinding
// request, or "" when it may pass.
func (s Site) Refusal(r *http.Request) string {
	if o := Origin(r); o != "" && (s.Allow == nil || !s.Allow(o)) {
		u, err := url.Parse(o)
		if err != nil || u.Host == "" {
			return "Forbidden: unrecognised Origin"
		}
		if !IsLoopbackHost(u.Hostname()) && !strings.EqualFold(u.Host, r.Host) {
			return "Forbidden: cross-site request (Origin " + u.Host + ")" + s.Hint
		}
	}
	if la, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok && la != nil {
		if IsLoopbackAddr(la.String()) && !IsLoopbackAddr(r.Host) {
			return "Forbidden: Host is not a loopback name (DNS rebinding protection)"
		}
	}
	return ""
}

// Origin is the request's Origin as a CORS middleware reads it: every
// Origin header, joined with commas (a browser sends one).
func Origin(r *http.Request) string {
	return strings.Join(r.Header.Values("Origin"), ",")
}

// IsLoopbackAddr reports whether host[:port] names the loopback interface.
func IsLoopbackAddr(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	return IsLoopbackHost(strings.Trim(host, "[]"))
}

// IsLoopbackHost reports whether host is localhost or a loopback address.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && ip.IsLoopback()
}
