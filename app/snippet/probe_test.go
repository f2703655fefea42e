package snippet

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc"
	"remote-mcp-functions-go/mcpfunc/mcpfunctest"
)

// The sample's probe passes against the sample and leaves no snippet
// behind (listsnippets, not the probe, says so).
func TestProbe(t *testing.T) {
	h := host(t, 0)
	require.NoError(t, h.RunProbes())
	requireNoSnippets(t, h)
}

// A getsnippet that answers other content fails the probe, which says
// what it got; the snippet it saved is deleted all the same.
func TestProbeFailsOnAWrongAnswer(t *testing.T) {
	s := New(0)
	wrong := s.Get()
	wrong.Handler = mcpfunc.Typed(func(context.Context, *mcpfunc.Call, GetInput) (Snippet, error) {
		return Snippet{Content: "other content"}, nil
	})
	h := mcpfunctest.New(t, &mcpfunc.App{
		Name:      "snippets",
		Tools:     []*mcpfunc.Tool{wrong, s.Save(), s.List(), s.Delete()},
		Resources: []*mcpfunc.Resource{s.Resource(), s.Browser()},
		Prompts:   []*mcpfunc.Prompt{s.Review()},
	})
	err := h.RunProbes()
	require.Error(t, err)
	assert.Contains(t, err.Error(), `probe of tool savesnippet: getsnippet answered "other content" after savesnippet saved`)
	requireNoSnippets(t, h)
}

func requireNoSnippets(t *testing.T, h *mcpfunctest.Host) {
	t.Helper()
	res, err := h.CallTool("listsnippets", nil)
	require.NoError(t, err)
	assert.Equal(t, "No snippets.", res.Text, "the probe left snippets behind")
}
