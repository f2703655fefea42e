package devhost

import (
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// crossSite reports why r must be refused as a cross-site or DNS-rebinding
// request, or "" when it may pass. It runs before CORS and the key check,
// so a browser page on another site gets 403 whether or not keys are on.
//
//   - Origin: browsers send it on cross-origin requests (and on POSTs). It
//     must name a loopback host (a page served on localhost, on any port),
//     be the very host the request went to, or be an origin the app's CORS
//     policy (Host.CORS in local.settings.json) allows. Clients that are
//     not browsers send no Origin and pass; so does the MCP Inspector's
//     web UI, which connects from its Node backend, not from the page.
//   - Host: when devhost listens on loopback, the Host header must be a
//     loopback name or address too, whatever CORS allows. A page on
//     evil.example whose name was rebound to 127.0.0.1 sends Host:
//     evil.example.
//
// func start makes neither check; devhost makes both because it is a
// development server on the developer's own machine, reachable from every
// page the developer's browser opens. go-sdk's Streamable HTTP handler
// makes the same Host check itself (its DisableLocalhostProtection stays
// false), but it cannot be applied to the whole endpoint, and its
// cross-origin option (http.CrossOriginProtection) trusts exact origins
// only, not localhost on any port; so both checks are made here, once, for
// every path.
func crossSite(r *http.Request, cors *CORS) string {
	if o := requestOrigin(r); o != "" && !cors.allows(o) {
		u, err := url.Parse(o)
		if err != nil || u.Host == "" {
			return "Forbidden: unrecognised Origin"
		}
		if !isLoopbackHost(u.Hostname()) && !strings.EqualFold(u.Host, r.Host) {
			return "Forbidden: cross-site request (Origin " + u.Host + "); allow it with Host.CORS in local.settings.json"
		}
	}
	if la, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok && la != nil {
		if isLoopbackAddr(la.String()) && !isLoopbackAddr(r.Host) {
			return "Forbidden: Host is not a loopback name (DNS rebinding protection)"
		}
	}
	return ""
}

// isLoopbackAddr reports whether host[:port] names the loopback interface.
func isLoopbackAddr(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	return isLoopbackHost(strings.Trim(host, "[]"))
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(strings.Trim(host, "[]"))
	return err == nil && ip.IsLoopback()
}
