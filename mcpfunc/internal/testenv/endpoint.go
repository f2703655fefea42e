package testenv

import "remote-mcp-functions-go/mcpfunc/internal/hosting"

// Endpoint is where a running server serves MCP, as a client needs to
// know it: a devhost (the trigger hosting) or the self-hosted handler.
type Endpoint struct {
	// URL is the Streamable HTTP endpoint.
	URL string
	// SSEURL is the legacy SSE endpoint; empty for the self hosting,
	// which serves Streamable HTTP only.
	SSEURL string
	// Key is the key it requires, empty when none.
	Key string
	// Mode is the hosting it runs.
	Mode hosting.Mode
	// External is the external host command serving it ([HostSetting]),
	// empty for devhost or the handler started by the harness itself.
	External string
}

// Endpoints returns e, so that *Devhost and *Selfhost answer it alike.
func (e *Endpoint) Endpoints() *Endpoint { return e }
