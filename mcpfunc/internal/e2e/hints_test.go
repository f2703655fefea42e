package e2e

import (
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// TestTitlesAndAnnotationsByHosting: the self hosting lists each tool's
// declared title and all four annotations; the trigger hosting lists
// neither, as the MCP extension lists none (Azure/azure-functions-mcp-extension
// DefaultToolRegistry.ListToolsAsync @cd0d1e8; docs/hostings.md). The
// expected hints are the fixture's declarations written out (items.go).
func TestTitlesAndAnnotationsByHosting(t *testing.T) {
	az := testenv.SharedAzurite(t)
	triggers, self := bothHostings(t, az)
	hints := func(s *mcp.ClientSession) map[string]any {
		res, err := s.ListTools(t.Context(), nil)
		require.NoError(t, err)
		require.Len(t, res.Tools, len(fixtureTools(t)))
		out := map[string]any{}
		for _, tool := range res.Tools {
			if tool.Title != "" || tool.Annotations != nil {
				out[tool.Name] = map[string]any{"title": tool.Title, "annotations": generic(t, tool.Annotations)}
			}
		}
		return out
	}
	assert.Empty(t, hints(triggers))
	readOnly := map[string]any{"readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false}
	overwrites := map[string]any{"readOnlyHint": false, "destructiveHint": true, "idempotentHint": true, "openWorldHint": false}
	assert.Equal(t, map[string]any{
		"echo":   map[string]any{"title": "Echo", "annotations": nil},
		"put":    map[string]any{"title": "Put an item", "annotations": overwrites},
		"get":    map[string]any{"title": "Get an item", "annotations": readOnly},
		"keys":   map[string]any{"title": "List the keys", "annotations": readOnly},
		"remove": map[string]any{"title": "Remove an item", "annotations": overwrites},
	}, hints(self))
}

// TestResultLinksBothHostings: keys' result carries, after its text, a
// resource_link per key to the item resource, the same in both hostings
// (through the extension's call_tool_result in one, go-sdk in the
// other), and each link reads its item.
func TestResultLinksBothHostings(t *testing.T) {
	az := testenv.SharedAzurite(t)
	triggers, self := bothHostings(t, az)
	az.PutBlob(t, container, blobName("links-a"), []byte("alpha"))
	az.PutBlob(t, container, blobName("links-b"), []byte("beta"))
	for name, s := range map[string]*mcp.ClientSession{"triggers": triggers, "self": self} {
		t.Run(name, func(t *testing.T) {
			res := call(t, s, "keys", map[string]any{"prefix": "links-"})
			require.False(t, res.IsError, text(res))
			assert.Equal(t, []any{
				map[string]any{"type": "text", "text": `{"keys":["links-a","links-b"]}`},
				map[string]any{"type": "resource_link", "uri": "item://links-a", "name": "links-a", "mimeType": "text/plain"},
				map[string]any{"type": "resource_link", "uri": "item://links-b", "name": "links-b", "mimeType": "text/plain"},
			}, generic(t, res.Content))
			for i, want := range []string{"alpha", "beta"} {
				link := res.Content[1+i].(*mcp.ResourceLink)
				read, err := s.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: link.URI})
				require.NoError(t, err)
				require.Len(t, read.Contents, 1)
				assert.Equal(t, want, read.Contents[0].Text)
				assert.Equal(t, link.MIMEType, read.Contents[0].MIMEType)
			}
			requireText(t, call(t, s, "keys", map[string]any{"prefix": "links-none"}), `{"keys":[]}`)
		})
	}
}
