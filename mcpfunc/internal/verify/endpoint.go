package verify

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"remote-mcp-functions-go/mcpfunc/internal/hosting"
)

// The paths the hostings serve MCP at: the MCP extension's webhook (the
// quickstart in the docs of Azure/azure-functions-mcp-extension
// @08299012: "The MCP server is now running at
// http://localhost:7071/runtime/webhooks/mcp"), its legacy SSE stream
// below it (the README of Azure-Samples/remote-mcp-functions-python
// @0b30959b: "/runtime/webhooks/mcp/sse"), and the self-hosted server's
// /mcp (selfhost.Path).
const (
	triggersPath = "/runtime/webhooks/mcp"
	ssePath      = "/sse"
)

// Endpoint is the server to check, and how to reach it.
type Endpoint struct {
	// Hosting is the hosting the URL's path says: Triggers for
	// …/runtime/webhooks/mcp (or its /sse), Self for anything else.
	Hosting hosting.Mode
	// URL is the Streamable HTTP endpoint.
	URL string
	// SSE is the legacy SSE endpoint, or empty when the hosting has none.
	SSE string
}

// Transport is one way to reach the server.
type Transport struct {
	Name string // "streamable" or "sse"
	URL  string
}

// Transports lists the endpoint's transports, Streamable HTTP first.
func (e Endpoint) Transports() []Transport {
	out := []Transport{{Name: "streamable", URL: e.URL}}
	if e.SSE != "" {
		out = append(out, Transport{Name: "sse", URL: e.SSE})
	}
	return out
}

// UsageError is a command line the check cannot run with (exit status 2).
type UsageError struct{ msg string }

func (e *UsageError) Error() string { return e.msg }

// ParseEndpoint reads the MCP endpoint URL: http or https, with a host. The
// path picks the hosting and its transports: …/runtime/webhooks/mcp is the
// trigger hosting (the MCP extension, or devhost), which serves Streamable
// HTTP there and legacy SSE at …/sse (either URL may be given); any other
// path is the self hosting's server (/mcp), Streamable HTTP only.
//
// A URL that carries a key (a code query parameter, its name in any case,
// as the host matches it) or a user name and password is refused: the key
// goes in MCP_KEY, because a command line shows in process lists and the
// URL is printed, and so that the key can be left out of a request to see
// it refused.
func ParseEndpoint(raw string) (Endpoint, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Endpoint{}, &UsageError{fmt.Sprintf("%q is not an MCP endpoint URL: want http(s)://host/runtime/webhooks/mcp (trigger hosting) or http(s)://host/mcp (self hosting)", redactURL(raw))}
	}
	if u.User != nil {
		return Endpoint{}, &UsageError{"the URL carries a user name or password: leave them out (the endpoint takes its key in the environment variable MCP_KEY: make verify URL=… KEY=…)"}
	}
	if slices.ContainsFunc(slices.Collect(maps.Keys(u.Query())), func(name string) bool { return strings.EqualFold(name, "code") }) {
		return Endpoint{}, &UsageError{"the URL carries a key (?code=): leave it out and set the environment variable MCP_KEY instead (make verify URL=… KEY=…)"}
	}
	u.Fragment = ""
	path := strings.TrimSuffix(u.Path, "/")
	switch {
	case strings.HasSuffix(path, triggersPath+ssePath):
		path = strings.TrimSuffix(path, ssePath)
		fallthrough
	case strings.HasSuffix(path, triggersPath):
		u.Path = path
		base := u.String()
		u.Path = path + ssePath
		return Endpoint{Hosting: hosting.Triggers, URL: base, SSE: u.String()}, nil
	}
	return Endpoint{Hosting: hosting.Self, URL: u.String()}, nil
}

// redactURL is raw with any query and user information left out, for a
// message about a URL that may hold a key.
func redactURL(raw string) string {
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i] + "?…"
	}
	if scheme, rest, ok := strings.Cut(raw, "://"); ok {
		authority, path, _ := strings.Cut(rest, "/")
		if i := strings.LastIndex(authority, "@"); i >= 0 {
			raw = scheme + "://…@" + authority[i+1:]
			if path != "" || strings.Contains(rest, "/") {
				raw += "/" + path
			}
		}
	}
	return raw
}
