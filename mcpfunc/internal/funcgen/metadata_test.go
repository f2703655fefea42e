package funcgen_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/funcgen"
)

// TestMetadata: a tool's and a resource's Meta are the trigger's metadata,
// a JSON string holding a JSON object, as the Functions MCP App samples
// write it (Azure-Samples/remote-mcp-functions-python @dcf6233
// src/McpWeatherApp/function_app.py: metadata=json.dumps({"ui": {…}})).
// The expected files are written by hand.
func TestMetadata(t *testing.T) {
	tl := tool[struct{}, string]("weather")
	tl.Plain = true
	tl.Meta = map[string]any{"ui": map[string]any{"resourceUri": "ui://weather/index.html"}}
	fj, err := funcgen.FunctionJSON(tl)
	require.NoError(t, err)
	assert.Equal(t, `{
  "bindings": [
    {
      "type": "mcpToolTrigger",
      "direction": "in",
      "name": "context",
      "toolName": "weather",
      "description": "The weather tool.",
      "toolProperties": "[]",
      "metadata": "{\"ui\":{\"resourceUri\":\"ui://weather/index.html\"}}"
    }
  ]
}
`, string(fj))

	r := &decl.Resource{Name: "weatherview", URI: "ui://weather/index.html", ResourceName: "Weather Widget",
		Description: "The weather.", MimeType: decl.AppMimeType,
		Meta: map[string]any{"ui": map[string]any{"prefersBorder": true, "csp": map[string]any{"connectDomains": []string{}}}},
		Read: func(context.Context, *decl.Call, decl.ResourceRead) (string, error) { return "<!doctype html>", nil }}
	fj, err = funcgen.ResourceJSON(r)
	require.NoError(t, err)
	assert.Equal(t, `{
  "bindings": [
    {
      "type": "mcpResourceTrigger",
      "direction": "in",
      "name": "context",
      "uri": "ui://weather/index.html",
      "resourceName": "Weather Widget",
      "description": "The weather.",
      "mimeType": "text/html;profile=mcp-app",
      "metadata": "{\"ui\":{\"csp\":{\"connectDomains\":[]},\"prefersBorder\":true}}"
    }
  ]
}
`, string(fj), "members sorted, < > & as they are")

	r.Meta = map[string]any{}
	fj, err = funcgen.ResourceJSON(r)
	require.NoError(t, err)
	assert.NotContains(t, string(fj), "metadata", "empty Meta is none: the extension lists no _meta for it either")
}
