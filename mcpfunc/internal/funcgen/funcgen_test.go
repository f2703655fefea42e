package funcgen_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/funcgen"
)

type flatInput struct {
	Name  string   `json:"name" jsonschema:"A name."`
	Tags  []string `json:"tags,omitempty" jsonschema:"Some tags."`
	Count int      `json:"count,omitempty" jsonschema:"How many."`
	On    bool     `json:"on" jsonschema:"Whether on."`
}

type nestedInput struct {
	Name  string `json:"name" jsonschema:"A name."`
	Where struct {
		City string `json:"city" jsonschema:"The city."`
	} `json:"where" jsonschema:"Where it is."`
}

type listOutput struct {
	Items []string `json:"items" jsonschema:"The items."`
}

func tool[In, Out any](name string, blobs ...decl.Blob) *decl.Tool {
	return &decl.Tool{Name: name, Description: "The " + name + " tool.", Blobs: blobs,
		Handler: decl.Typed(func(context.Context, *decl.Call, In) (Out, error) { var o Out; return o, nil })}
}

// trigger decodes the trigger of a rendered function.json, with its string
// members parsed.
func trigger(t *testing.T, fj []byte) (map[string]any, map[string]any) {
	t.Helper()
	var f struct{ Bindings []map[string]any }
	require.NoError(t, json.Unmarshal(fj, &f))
	tr := f.Bindings[0]
	parsed := map[string]any{}
	for _, k := range []string{"toolProperties", "inputSchema", "outputSchema"} {
		if s, ok := tr[k].(string); ok {
			var v any
			require.NoError(t, json.Unmarshal([]byte(s), &v), k)
			parsed[k] = v
		}
	}
	return tr, parsed
}

func TestFlatInputIsToolProperties(t *testing.T) {
	fj, err := funcgen.FunctionJSON(tool[flatInput, string]("flat", decl.BlobIn("file", "c/{mcptoolargs.name}.json")))
	require.NoError(t, err)
	tr, parsed := trigger(t, fj)
	assert.Equal(t, []any{
		map[string]any{"propertyName": "name", "propertyType": "string", "description": "A name.", "isRequired": true},
		map[string]any{"propertyName": "tags", "propertyType": "string", "description": "Some tags.", "isArray": true},
		map[string]any{"propertyName": "count", "propertyType": "integer", "description": "How many."},
		map[string]any{"propertyName": "on", "propertyType": "boolean", "description": "Whether on.", "isRequired": true},
	}, parsed["toolProperties"])
	assert.NotContains(t, tr, "inputSchema")
	assert.NotContains(t, tr, "useWorkerInputSchema")
	assert.NotContains(t, tr, "outputSchema")
	assert.Equal(t, true, tr["useResultSchema"])
	assert.Equal(t, "context", tr["name"])
	var f struct{ Bindings []map[string]any }
	require.NoError(t, json.Unmarshal(fj, &f))
	assert.Equal(t, map[string]any{"type": "blob", "direction": "in", "name": "file", "path": "c/{mcptoolargs.name}.json", "connection": "AzureWebJobsStorage"}, f.Bindings[1])
}

// TestOptionalPointersStayPlain: an optional *int, *string or slice is a
// plain property of its type, without the "null" jsonschema-go adds (a
// list of types clients warn about), so the tool keeps the toolProperties
// form; a call may still send null for it, which means left out.
func TestOptionalPointersStayPlain(t *testing.T) {
	type optionalInput struct {
		Name  string   `json:"name" jsonschema:"A name."`
		Count *int     `json:"count,omitempty" jsonschema:"How many."`
		Label *string  `json:"label,omitempty" jsonschema:"A label."`
		Tags  []string `json:"tags,omitempty" jsonschema:"Some tags."`
	}
	fj, err := funcgen.FunctionJSON(tool[optionalInput, string]("optional"))
	require.NoError(t, err)
	tr, parsed := trigger(t, fj)
	assert.NotContains(t, tr, "useWorkerInputSchema")
	assert.Equal(t, []any{
		map[string]any{"propertyName": "name", "propertyType": "string", "description": "A name.", "isRequired": true},
		map[string]any{"propertyName": "count", "propertyType": "integer", "description": "How many."},
		map[string]any{"propertyName": "label", "propertyType": "string", "description": "A label."},
		map[string]any{"propertyName": "tags", "propertyType": "string", "description": "Some tags.", "isArray": true},
	}, parsed["toolProperties"])

	// With bounds it needs the whole schema, still without "null".
	tl := tool[optionalInput, string]("bounded")
	tl.Handler = tl.Handler.WithSchema(func(s *jsonschema.Schema) { one := 1.0; s.Properties["count"].Minimum = &one })
	fj, err = funcgen.FunctionJSON(tl)
	require.NoError(t, err)
	_, parsed = trigger(t, fj)
	props := parsed["inputSchema"].(map[string]any)["properties"].(map[string]any)
	assert.Equal(t, map[string]any{"type": "integer", "description": "How many.", "minimum": 1.0}, props["count"])
	assert.Equal(t, map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "Some tags."}, props["tags"])
}

// TestRicherInputIsInputSchema: nested objects and enums need the whole
// schema, which the host lists as it is.
func TestRicherInputIsInputSchema(t *testing.T) {
	tools := map[string]*decl.Tool{
		"nested": tool[nestedInput, string]("nested"),
		"enum": func() *decl.Tool {
			tl := tool[flatInput, string]("enum")
			tl.Handler = tl.Handler.WithSchema(func(s *jsonschema.Schema) { s.Properties["name"].Enum = []any{"a", "b"} })
			return tl
		}(),
		"bounds": func() *decl.Tool {
			tl := tool[flatInput, string]("bounds")
			tl.Handler = tl.Handler.WithSchema(func(s *jsonschema.Schema) { one := 1.0; s.Properties["count"].Minimum = &one })
			return tl
		}(),
	}
	for name, tl := range tools {
		t.Run(name, func(t *testing.T) {
			fj, err := funcgen.FunctionJSON(tl)
			require.NoError(t, err)
			tr, parsed := trigger(t, fj)
			assert.Equal(t, true, tr["useWorkerInputSchema"])
			assert.NotContains(t, tr, "toolProperties")
			want, err := tl.InputSchema()
			require.NoError(t, err)
			wantJSON, _ := json.Marshal(want)
			gotJSON, _ := json.Marshal(parsed["inputSchema"])
			assert.JSONEq(t, string(wantJSON), string(gotJSON))
		})
	}
	// What each case is for, written out by hand.
	props := func(name string) map[string]any {
		fj, err := funcgen.FunctionJSON(tools[name])
		require.NoError(t, err)
		_, parsed := trigger(t, fj)
		return parsed["inputSchema"].(map[string]any)["properties"].(map[string]any)
	}
	assert.Equal(t, []any{"a", "b"}, props("enum")["name"].(map[string]any)["enum"])
	assert.Equal(t, 1.0, props("bounds")["count"].(map[string]any)["minimum"])
	where := props("nested")["where"].(map[string]any)
	assert.Equal(t, "object", where["type"])
	assert.Equal(t, map[string]any{"type": "string", "description": "The city."}, where["properties"].(map[string]any)["city"])
}

func TestOutputSchema(t *testing.T) {
	tl := tool[flatInput, listOutput]("list")
	fj, err := funcgen.FunctionJSON(tl)
	require.NoError(t, err)
	tr, parsed := trigger(t, fj)
	assert.Equal(t, true, tr["useResultSchema"])
	assert.Equal(t, map[string]any{
		"type": "object", "additionalProperties": false, "required": []any{"items"},
		"properties": map[string]any{"items": map[string]any{"type": []any{"null", "array"}, "items": map[string]any{"type": "string"}, "description": "The items."}},
	}, parsed["outputSchema"])
}

func TestPlainTool(t *testing.T) {
	tl := tool[struct{}, string]("plain")
	tl.Plain = true
	fj, err := funcgen.FunctionJSON(tl)
	require.NoError(t, err)
	tr, _ := trigger(t, fj)
	assert.Equal(t, "[]", tr["toolProperties"])
	assert.NotContains(t, tr, "useResultSchema")
}

// TestGeneratedAppPassesTheChecks: what is generated for each kind of tool
// is a function app the host can load, as funcapp checks it.
func TestGeneratedAppPassesTheChecks(t *testing.T) {
	root := t.TempDir()
	host := `{"version":"2.0","extensionBundle":{"id":"Microsoft.Azure.Functions.ExtensionBundle","version":"[4.35.0, 5.0.0)"},
		"customHandler":{"description":{"defaultExecutablePath":"handler"}}}`
	require.NoError(t, os.WriteFile(filepath.Join(root, "host.json"), []byte(host), 0o644))
	tools := []*decl.Tool{
		tool[flatInput, string]("flat", decl.BlobIn("file", "c/{mcptoolargs.name}.json")),
		tool[nestedInput, listOutput]("nested", decl.BlobOut("file", "c/{mcptoolargs.name}.json")),
	}
	_, stale, err := funcgen.Write(root, decl.Functions{Tools: tools})
	require.NoError(t, err)
	assert.Empty(t, stale)
	app, err := funcapp.LoadDirs(root, filepath.Join(root, "functions"))
	require.NoError(t, err)
	assert.Equal(t, []string{"name", "where"}, app.Function("nested").ToolTrigger().Required(), "the schema's required list")

	// The same app on a bundle without output schemas is refused.
	require.NoError(t, os.WriteFile(filepath.Join(root, "host.json"), []byte(
		`{"version":"2.0","extensionBundle":{"id":"Microsoft.Azure.Functions.ExtensionBundle","version":"[4.33.0, 5.0.0)"},"customHandler":{"description":{"defaultExecutablePath":"handler"}}}`), 0o644))
	_, err = funcapp.LoadDirs(root, filepath.Join(root, "functions"))
	require.ErrorContains(t, err, "outputSchema, which needs MCP extension 1.5.0, first known in bundle 4.35.0: raise the floor to [4.35.0, 5.0.0)")
}

func TestRefusesABadDeclaration(t *testing.T) {
	_, err := funcgen.FunctionJSON(&decl.Tool{Name: "x"})
	assert.ErrorContains(t, err, "a description is needed")
	_, err = funcgen.Files(decl.Functions{Tools: []*decl.Tool{tool[flatInput, string]("a"), tool[flatInput, string]("a")}})
	assert.ErrorContains(t, err, `function "a" is declared twice`)
}

// A title and annotations change nothing in function.json: the extension
// has no binding property for them, and its metadata would list them as
// _meta, where no client reads annotations (docs/hostings.md#titles-and-annotations).
func TestTitleAndAnnotationsStayOut(t *testing.T) {
	plain := tool[flatInput, listOutput]("hinted")
	want, err := funcgen.FunctionJSON(plain)
	require.NoError(t, err)
	hinted := tool[flatInput, listOutput]("hinted")
	hinted.Title = "A hinted tool"
	hinted.Annotations = &decl.Annotations{ReadOnly: true, Idempotent: true}
	got, err := funcgen.FunctionJSON(hinted)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
	assert.NotContains(t, string(got), "A hinted tool")
	assert.NotContains(t, string(got), "Hint")
}
