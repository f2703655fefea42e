package devhost

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/idna"

	"remote-mcp-functions-go/mcpfunc/internal/guard"
)

// CORS is the cross-origin policy `func start` applies, built from
// local.settings.json's Host.CORS and Host.CORSCredentials (or its --cors
// and --cors-credentials flags). Without it a browser page on another
// origin cannot call the MCP endpoint: its preflight is not answered.
//
// Core Tools splits Host.CORS on commas (empty entries dropped, nothing
// trimmed) and hands the list to ASP.NET Core's CORS middleware, ahead of
// the whole host pipeline, with AllowAnyHeader, AllowAnyMethod and, when
// CORSCredentials is true, AllowCredentials
// (Azure/azure-functions-core-tools src/Cli/func/Actions/HostActions/Startup.cs
// @3ee97a6). On Flex Consumption the host applies the app's CORS settings
// with the same policy (Azure/azure-functions-host
// src/WebJobs.Script.WebHost/Configuration/CorsOptionsSetup.cs @89dc438d),
// also ahead of the key check (JobHostCorsMiddleware runs before MVC).
// What the middleware then does is dotnet/aspnetcore
// src/Middleware/CORS/src/Infrastructure: CorsMiddleware.cs,
// CorsService.cs, CorsPolicyBuilder.cs, CorsPolicy.cs; [CORS.apply] follows
// it step by step.
type CORS struct {
	origins     []string // as CorsPolicyBuilder.WithOrigins normalises them
	anyOrigin   bool
	credentials bool
}

// ErrCORSAnyOriginWithCredentials is why func start refuses to start with
// Host.CORS "*" and Host.CORSCredentials true: CorsPolicyBuilder.Build
// throws, as the CORS protocol forbids credentials with a wildcard origin.
var ErrCORSAnyOriginWithCredentials = errors.New(`Host.CORS "*" cannot be combined with Host.CORSCredentials true: the CORS protocol does not allow credentials with any origin; list the origins instead`)

// NewCORS builds the policy for Host.CORS origins (comma-separated) and
// Host.CORSCredentials. It returns nil when origins is empty: no CORS at
// all, as under func start, whatever credentials says.
func NewCORS(origins string, credentials bool) (*CORS, error) {
	if origins == "" {
		return nil, nil
	}
	c := &CORS{credentials: credentials}
	for _, o := range strings.Split(origins, ",") {
		if o != "" {
			c.origins = append(c.origins, normalizeOrigin(o))
		}
	}
	// CorsPolicy.AllowAnyOrigin: "*" counts only as the single entry; in a
	// longer list it is an origin no browser sends.
	c.anyOrigin = len(c.origins) == 1 && c.origins[0] == "*"
	if c.anyOrigin && credentials {
		return nil, ErrCORSAnyOriginWithCredentials
	}
	return c, nil
}

// Origins are the allowed origins as the policy compares them.
func (c *CORS) Origins() []string { return append([]string(nil), c.origins...) }

// Credentials reports whether allowed origins may send credentials.
func (c *CORS) Credentials() bool { return c.credentials }

// Suspicious lists the entries that can never match a browser's Origin
// (one is scheme://host[:port], lower case, nothing after it), and a "*"
// listed beside other origins. func start accepts them silently; devhost
// says so at startup.
func (c *CORS) Suspicious() []string {
	var out []string
	for _, o := range c.origins {
		if o == "*" {
			if !c.anyOrigin {
				out = append(out, `"*" means any origin only when it is the only entry`)
			}
			continue
		}
		u, err := url.Parse(o)
		if err != nil || u.Scheme == "" || u.Host == "" || u.Opaque != "" || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil || strings.TrimSpace(o) != o {
			out = append(out, `"`+o+`" is not an origin (scheme://host[:port], no spaces, no path or trailing slash)`)
		}
	}
	return out
}

// allows reports whether a request from origin passes the policy
// (CorsPolicy.IsOriginAllowed: an ordinal comparison).
func (c *CORS) allows(origin string) bool {
	if c == nil || origin == "" {
		return false
	}
	if c.anyOrigin {
		return true
	}
	for _, o := range c.origins {
		if o == origin {
			return true
		}
	}
	return false
}

// apply runs the CORS middleware on r. A request without an Origin header
// is left alone. A preflight (OPTIONS with Access-Control-Request-Method)
// is answered here, 204, whatever its origin, before any key is asked
// for: browsers never send keys on a preflight. Any other request gets
// the CORS headers set and goes on. Allowed origins get
// Access-Control-Allow-Origin (the origin, or "*" for any) and, with
// credentials, Access-Control-Allow-Credentials: true; a preflight also
// gets back the method and headers it asked for; other origins get no CORS
// header at all. No header is exposed to scripts
// (Access-Control-Expose-Headers) and no max age is sent: the policy sets
// neither. Vary: Origin is added only when more than one origin is listed,
// as CorsService does. It reports whether it answered the request.
func (c *CORS) apply(w http.ResponseWriter, r *http.Request) bool {
	if c == nil {
		return false
	}
	if _, ok := r.Header["Origin"]; !ok {
		return false
	}
	origin := guard.Origin(r)
	_, asksMethod := r.Header["Access-Control-Request-Method"]
	preflight := strings.EqualFold(r.Method, http.MethodOptions) && asksMethod
	if c.allows(origin) {
		h := w.Header()
		if c.anyOrigin {
			h.Set("Access-Control-Allow-Origin", "*")
		} else {
			h.Set("Access-Control-Allow-Origin", origin)
		}
		if c.credentials {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		if preflight {
			if hs := commaSeparated(r.Header.Values("Access-Control-Request-Headers")); len(hs) > 0 {
				h.Set("Access-Control-Allow-Headers", strings.Join(hs, ","))
			}
			h.Set("Access-Control-Allow-Methods", strings.Join(r.Header.Values("Access-Control-Request-Method"), ","))
		}
		if !c.anyOrigin && len(c.origins) > 1 {
			h.Add("Vary", "Origin")
		}
	}
	if preflight {
		w.WriteHeader(http.StatusNoContent)
		return true
	}
	return false
}

// normalizeOrigin is CorsPolicyBuilder.GetNormalizedOrigin: an http(s)
// origin with an internationalised host becomes scheme://punycode[:port]
// (a default port dropped), as browsers send it; anything else is only
// lower-cased.
func normalizeOrigin(o string) string {
	u, err := url.Parse(o)
	if err == nil && u.IsAbs() && (u.Scheme == "http" || u.Scheme == "https") && !isASCII(u.Hostname()) {
		if host, err := idna.Lookup.ToASCII(u.Hostname()); err == nil {
			out := u.Scheme + "://" + strings.ToLower(host)
			if p := u.Port(); p != "" && !(u.Scheme == "http" && p == "80") && !(u.Scheme == "https" && p == "443") {
				out += ":" + p
			}
			return out
		}
	}
	return strings.ToLower(o)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// commaSeparated splits header values on commas, trimmed, empties dropped
// (HeaderDictionary.GetCommaSeparatedValues).
func commaSeparated(values []string) []string {
	var out []string
	for _, v := range values {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}
