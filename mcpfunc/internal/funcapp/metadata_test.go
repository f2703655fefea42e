package funcapp_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
)

// nest is a metadata object n levels deep, the root counting as one.
func nest(n int) string {
	return strings.Repeat(`{"a":`, n-1) + "{}" + strings.Repeat("}", n-1)
}

// TestParseMetadata: what the extension's MetadataParser takes and what it
// refuses (MetadataParser.cs 23-56 @cd0d1e8c: MaxDepth = 32, a root
// that is not an object throws), and what is no _meta at all
// (SerializeMetadata returns null for an empty dictionary).
func TestParseMetadata(t *testing.T) {
	good := map[string]map[string]any{
		`{"ui":{"resourceUri":"ui://a/b"}}`: {"ui": map[string]any{"resourceUri": "ui://a/b"}},
		` {"n":null,"x":[1,2.5,"s",true]} `: {"n": nil, "x": []any{1.0, 2.5, "s", true}},
		``:                                  nil,
		"  ":                                nil,
		`{}`:                                nil,
	}
	for text, want := range good {
		got, err := funcapp.ParseMetadata(text)
		require.NoError(t, err, text)
		assert.Equal(t, want, got, text)
	}
	_, err := funcapp.ParseMetadata(nest(32))
	require.NoError(t, err, "32 levels is the extension's limit")

	bad := map[string]string{
		nest(33):                    "nested at most 32 deep",
		`[]`:                        "root must be a JSON object",
		`"ui"`:                      "root must be a JSON object",
		`{"ui":1`:                   "not JSON",
		`{"ui":1} x`:                "not JSON",
		`{"ui":{"a":1,"A":2}}`:      `metadata.ui: members "A" and "a" differ only in case`,
		`{"ui":1,"UI":2}`:           `metadata: members "UI" and "ui" differ only in case`,
		`{"l":[{"csp":1,"CSP":2}]}`: `metadata.l[0]: members "CSP" and "csp"`,
	}
	for text, want := range bad {
		_, err := funcapp.ParseMetadata(text)
		require.Error(t, err, text)
		assert.Contains(t, err.Error(), want, text)
	}
}

// TestResourceMetadata: a resource trigger's metadata, and a prompt
// trigger's, is read as a tool trigger's is (McpResourceTriggerBinding.cs
// 38, McpPromptTriggerBinding.cs 37 @cd0d1e8c), and refused alike.
func TestResourceMetadata(t *testing.T) {
	host := strings.Replace(goodHost, "4.29.0", "4.33.0", 1)
	resource := func(meta string) string {
		return `{"bindings":[{"type":"mcpResourceTrigger","direction":"in","name":"context","uri":"ui://v/index.html",` +
			`"resourceName":"view","mimeType":"text/html;profile=mcp-app","metadata":` + meta + `}]}`
	}
	fa, err := funcapp.Load(writeApp(t, host, goodSettings, resource(`"{\"ui\":{\"prefersBorder\":true}}"`)))
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"ui": map[string]any{"prefersBorder": true}}, fa.Function("get").ResourceTrigger().Meta)

	prompt := `{"bindings":[{"type":"mcpPromptTrigger","direction":"in","name":"context","promptName":"p","metadata":"{\"k\":[1]}"}]}`
	fa, err = funcapp.Load(writeApp(t, strings.Replace(goodHost, "4.29.0", "4.35.0", 1), goodSettings, prompt))
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"k": []any{1.0}}, fa.Function("get").PromptTrigger().Meta)

	for meta, want := range map[string]string{
		`{"ui":{}}`: "bindings[0].metadata: must be a JSON string",
		`"[1]"`:     "bindings[0].metadata: the root must be a JSON object",
		`"` + strings.ReplaceAll(nest(33), `"`, `\"`) + `"`: "nested at most 32 deep",
	} {
		_, err := funcapp.Load(writeApp(t, host, goodSettings, resource(meta)))
		require.Error(t, err, meta)
		assert.Contains(t, err.Error(), want, meta)
	}
}
