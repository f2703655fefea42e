package selfhost

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/decl"
)

// hinted are tools with a title and annotations, and one with links.
func hinted() []*decl.Tool {
	type linked struct {
		Name string `json:"name" jsonschema:"The name."`
	}
	return []*decl.Tool{
		{Name: "wipe", Title: "Wipe a note", Description: "Wipe a note.",
			Annotations: &decl.Annotations{Destructive: true, Idempotent: true},
			Handler:     decl.Typed(func(context.Context, *decl.Call, struct{}) (string, error) { return "wiped", nil })},
		{Name: "peek", Title: "Peek", Description: "Peek.",
			Annotations: &decl.Annotations{ReadOnly: true, OpenWorld: true},
			Handler: decl.Typed(func(_ context.Context, call *decl.Call, _ struct{}) (linked, error) {
				call.SetLinks([]decl.Link{
					{URI: "note://a", Name: "a", MimeType: "text/plain"},
					{URI: "note://b%20c", Name: "b c", Description: "The second."},
				})
				return linked{Name: "a"}, nil
			})},
	}
}

// tools/list carries a declared title and all four annotations exactly as
// declared, false included (the specification's defaults for a hint left
// out are readOnly false, destructive true, idempotent false, openWorld
// true: schema ToolAnnotations, 2025-06-18); a tool without them lists
// neither. Checked on the wire, not through go-sdk's decoder.
func TestListingTitleAndAnnotations(t *testing.T) {
	e := newEnv(t, testFunctions(hinted()...))
	status, body, err := e.post(t.Context(), `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, map[string]string{"MCP-Protocol-Version": "2025-06-18"})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status, body)
	var answer struct {
		Result struct {
			Tools []map[string]json.RawMessage `json:"tools"`
		} `json:"result"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &answer), body)
	got := map[string]map[string]json.RawMessage{}
	for _, tool := range answer.Result.Tools {
		var name string
		require.NoError(t, json.Unmarshal(tool["name"], &name))
		got[name] = tool
	}
	require.Contains(t, got, "wipe")
	assert.JSONEq(t, `"Wipe a note"`, string(got["wipe"]["title"]))
	assert.JSONEq(t, `{"readOnlyHint":false,"destructiveHint":true,"idempotentHint":true,"openWorldHint":false}`, string(got["wipe"]["annotations"]))
	assert.JSONEq(t, `"Peek"`, string(got["peek"]["title"]))
	assert.JSONEq(t, `{"readOnlyHint":true,"destructiveHint":false,"idempotentHint":false,"openWorldHint":true}`, string(got["peek"]["annotations"]))
	for _, name := range []string{"hello", "getnote", "savenote"} {
		assert.NotContains(t, got[name], "title", name)
		assert.NotContains(t, got[name], "annotations", name)
	}
}

// A result's links follow its text as resource_link blocks, with the
// fields the extension's SDK carries.
func TestResultLinks(t *testing.T) {
	e := newEnv(t, testFunctions(hinted()...))
	res := call(t, e.connect(nil), "peek", nil)
	require.False(t, res.IsError, "%s", e.logs)
	b, err := json.Marshal(res.Content)
	require.NoError(t, err)
	assert.JSONEq(t, `[{"type":"text","text":"{\"name\":\"a\"}"},
		{"type":"resource_link","uri":"note://a","name":"a","mimeType":"text/plain"},
		{"type":"resource_link","uri":"note://b%20c","name":"b c","description":"The second."}]`, string(b))
	require.IsType(t, &mcp.ResourceLink{}, res.Content[1])
}
