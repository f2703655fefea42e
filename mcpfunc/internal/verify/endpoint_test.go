package verify

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/hosting"
)

// The URL's path picks the hosting and its transports.
func TestParseEndpoint(t *testing.T) {
	for raw, want := range map[string]Endpoint{
		"http://127.0.0.1:7071/runtime/webhooks/mcp":             {Hosting: hosting.Triggers, URL: "http://127.0.0.1:7071/runtime/webhooks/mcp", SSE: "http://127.0.0.1:7071/runtime/webhooks/mcp/sse"},
		"http://127.0.0.1:7071/runtime/webhooks/mcp/":            {Hosting: hosting.Triggers, URL: "http://127.0.0.1:7071/runtime/webhooks/mcp", SSE: "http://127.0.0.1:7071/runtime/webhooks/mcp/sse"},
		"https://app.azurewebsites.net/runtime/webhooks/mcp/sse": {Hosting: hosting.Triggers, URL: "https://app.azurewebsites.net/runtime/webhooks/mcp", SSE: "https://app.azurewebsites.net/runtime/webhooks/mcp/sse"},
		"https://app.azurewebsites.net/mcp":                      {Hosting: hosting.Self, URL: "https://app.azurewebsites.net/mcp"},
		"http://localhost:7071/mcp#x":                            {Hosting: hosting.Self, URL: "http://localhost:7071/mcp"},
	} {
		got, err := ParseEndpoint(raw)
		require.NoError(t, err, raw)
		assert.Equal(t, want, got, raw)
	}
	for _, raw := range []string{"", "mcp", "ftp://host/mcp", "http:///mcp", "http://host/mcp?code=secret", "http://host/runtime/webhooks/mcp?x=1&code=secret"} {
		_, err := ParseEndpoint(raw)
		var u *UsageError
		require.ErrorAs(t, err, &u, raw)
		assert.NotContains(t, err.Error(), "secret")
	}
}

// differences names each difference by its JSON pointer, with both
// values; values equal as JSON are equal.
func TestDifferences(t *testing.T) {
	listed := map[string]any{"type": "object", "properties": map[string]any{"a/b": map[string]any{"type": "integer"}}, "required": []any{"x", "y"}}
	declared := map[string]any{"type": "object", "properties": map[string]any{"a/b": map[string]any{"type": "string", "description": "d"}}, "required": []any{"x"}}
	assert.Equal(t, []string{
		`at /properties/a~1b/description: the endpoint lists (nothing), declared "d"`,
		`at /properties/a~1b/type: the endpoint lists "integer", declared "string"`,
		`at /required: the endpoint lists ["x","y"], declared ["x"]`,
	}, differences(listed, declared, 10))
	assert.Len(t, differences(listed, declared, 1), 1)
	assert.Empty(t, differences(map[string]any{"n": 1.0, "b": true}, map[string]any{"b": true, "n": 1}, 10))
}
