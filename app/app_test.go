package app_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/app"
	"remote-mcp-functions-go/mcpfunc"
	"remote-mcp-functions-go/mcpfunc/mcpfunctest"
)

// TestGenerated: the function app in the repository (host.json and
// functions/) is what the app's declarations generate, and the Functions
// host would take it. After changing a declaration, run make generate.
func TestGenerated(t *testing.T) {
	a, err := app.New()
	require.NoError(t, err)
	probs, err := mcpfunc.Drift(a, "..")
	require.NoError(t, err)
	assert.Empty(t, probs, "run make generate:\n%s", strings.Join(probs, "\n"))
}

// TestApp: the app's declarations are sound (the handler would start with
// them), and hello answers as it does through the Functions host.
func TestApp(t *testing.T) {
	a, err := app.New()
	require.NoError(t, err)
	h := mcpfunctest.New(t, a)
	res, err := h.CallTool("hello", nil)
	require.NoError(t, err)
	assert.Equal(t, mcpfunctest.Result{Text: "Hello I am MCPTool!"}, res)
	res, err = h.CallTool("hello", map[string]any{"unexpected": 1})
	require.NoError(t, err, "arguments it does not declare are ignored, as the host ignores them")
	assert.Equal(t, mcpfunctest.Result{Text: "Hello I am MCPTool!"}, res)
}
