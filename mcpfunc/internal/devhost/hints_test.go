package devhost

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/fixture"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
)

// The fixture declares titles and annotations, and its function.json has
// no place for them: the extension lists a tool as Name, Description,
// InputSchema, OutputSchema and _meta only (DefaultToolRegistry.
// ListToolsAsync, Azure/azure-functions-mcp-extension @cd0d1e8, the same
// in 1.6.0), so devhost lists neither a title nor annotations.
func TestListsNoTitleOrAnnotations(t *testing.T) {
	app, err := fixture.New()
	require.NoError(t, err)
	declared := 0
	for _, tool := range app.Tools {
		if tool.Title != "" || tool.Annotations != nil {
			declared++
		}
	}
	require.Positive(t, declared, "the fixture declares some, or this test shows nothing")

	fa, err := funcapp.LoadDirs("../fixture", "../fixture/functions")
	require.NoError(t, err)
	s := newEnv(t, fa).rawConnect(nil)
	var list struct {
		Tools []map[string]json.RawMessage `json:"tools"`
	}
	require.NoError(t, json.Unmarshal(s.call("tools/list", `{}`)["result"], &list))
	require.Len(t, list.Tools, len(app.Tools))
	for _, tool := range list.Tools {
		assert.NotContains(t, tool, "title", string(tool["name"]))
		assert.NotContains(t, tool, "annotations", string(tool["name"]))
		for key := range tool {
			assert.Contains(t, []string{"name", "description", "inputSchema", "outputSchema", "_meta"}, key)
		}
	}
}

// A handler's resource links reach the client as the extension's C# SDK
// carries them: uri, name, description, mimeType, size and annotations;
// a title and _meta it has no place for are dropped.
func TestResultLinks(t *testing.T) {
	e := newEnv(t, itemsApp())
	e.handler.answer = func(w http.ResponseWriter, r *received) {
		resp := invoke.NewResponse()
		resp.ReturnValue = mustRich(invoke.CallToolResult{Content: []invoke.Content{
			invoke.TextContent("v"),
			invoke.LinkContent("item://a1", "a1", "", "text/plain"),
			{Type: "resource_link", Raw: json.RawMessage(`{"type":"resource_link","uri":"item://b","name":"b","title":"B","size":3,"_meta":{"k":1}}`)},
		}})
		writeAnswer(w, resp)
	}
	res, err := call(t, e.connect(TransportStreamable, nil), "get", map[string]any{"key": "a1"})
	require.NoError(t, err)
	b, err := json.Marshal(res.Content)
	require.NoError(t, err)
	assert.JSONEq(t, `[{"type":"text","text":"v"},
		{"type":"resource_link","uri":"item://a1","name":"a1","mimeType":"text/plain"},
		{"type":"resource_link","uri":"item://b","name":"b","size":3}]`, string(b))
}
