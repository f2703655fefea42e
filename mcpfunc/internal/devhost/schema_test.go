package devhost

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/funcgen"
)

func TestInputSchema(t *testing.T) {
	tests := []struct {
		name  string
		props []funcapp.ToolProperty
		want  string
	}{
		{
			name:  "no properties: required is still there, empty",
			props: nil,
			want:  `{"type":"object","properties":{},"required":[]}`,
		},
		{
			name: "declared order kept, required listed",
			props: []funcapp.ToolProperty{
				{Name: "key", Type: "string", Description: "The name.", IsRequired: true},
				{Name: "count", Type: "integer", Description: "How many."},
				{Name: "value", Type: "string", Description: "The content.", IsRequired: true},
			},
			want: `{"type":"object","properties":{` +
				`"key":{"type":"string","description":"The name."},` +
				`"count":{"type":"integer","description":"How many."},` +
				`"value":{"type":"string","description":"The content."}},` +
				`"required":["key","value"]}`,
		},
		{
			name:  "isArray: items carry the type, description stays outside",
			props: []funcapp.ToolProperty{{Name: "tags", Type: "string", Description: "Tags.", IsArray: true}},
			want:  `{"type":"object","properties":{"tags":{"type":"array","items":{"type":"string"},"description":"Tags."}},"required":[]}`,
		},
		{
			name:  "enumValues become enum beside the type",
			props: []funcapp.ToolProperty{{Name: "lang", Type: "string", Description: "Language.", EnumValues: []string{"go", "python"}, IsRequired: true}},
			want:  `{"type":"object","properties":{"lang":{"type":"string","enum":["go","python"],"description":"Language."}},"required":["lang"]}`,
		},
		{
			name:  "array of enum: enum goes on the items",
			props: []funcapp.ToolProperty{{Name: "langs", Type: "string", Description: "Languages.", IsArray: true, EnumValues: []string{"go"}}},
			want:  `{"type":"object","properties":{"langs":{"type":"array","items":{"type":"string","enum":["go"]},"description":"Languages."}},"required":[]}`,
		},
		{
			name:  "text is not HTML-escaped",
			props: []funcapp.ToolProperty{{Name: "q", Type: "string", Description: `a <b> & "c"`}},
			want:  `{"type":"object","properties":{"q":{"type":"string","description":"a <b> & \"c\""}},"required":[]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := (&funcapp.Binding{Properties: tt.props}).ListedInputSchema()
			assert.Equal(t, tt.want, string(got)) // byte-exact: order and escaping matter
			assert.True(t, json.Valid(got))
		})
	}
}

// tools/list through a real client shows the schemas, descriptions and
// _meta, and the server identity and capabilities come from host.json's
// extensions.mcp, as the extension advertises them.
func TestToolsListAndServerInfo(t *testing.T) {
	for _, transport := range transports {
		t.Run(transport, func(t *testing.T) {
			e := newEnv(t, itemsApp())
			cs := e.connect(transport, nil)

			init := cs.InitializeResult()
			require.NotNil(t, init)
			assert.Equal(t, "Test server", init.ServerInfo.Name)
			assert.Equal(t, "9.9.9", init.ServerInfo.Version)
			assert.Equal(t, "Use the tools.", init.Instructions)
			assert.Contains(t, ProtocolVersions, init.ProtocolVersion)
			capsJSON, err := json.Marshal(init.Capabilities)
			require.NoError(t, err)
			assert.JSONEq(t, extensionCapabilities, string(capsJSON))

			res, err := cs.ListTools(context.Background(), nil)
			require.NoError(t, err)
			byName := map[string]json.RawMessage{}
			for _, tool := range res.Tools {
				b, err := json.Marshal(tool)
				require.NoError(t, err)
				byName[tool.Name] = b
			}
			require.Len(t, byName, 3)
			assert.JSONEq(t, `{"name":"hello","description":"Hello world.",
				"inputSchema":{"type":"object","properties":{},"required":[]},
				"_meta":{"ui":{"resourceUri":"ui://hello"}}}`, string(byName["hello"]))
			assert.JSONEq(t, `{"name":"get","description":"Read an item by its key.",
				"inputSchema":{"type":"object","properties":{"key":{"type":"string","description":"The item's key."}},"required":["key"]}}`,
				string(byName["get"]))

			rl, err := cs.ListResources(context.Background(), nil)
			require.NoError(t, err)
			assert.Empty(t, rl.Resources)
			pl, err := cs.ListPrompts(context.Background(), nil)
			require.NoError(t, err)
			assert.Empty(t, pl.Prompts)
		})
	}
}

// Without extensions.mcp the extension's defaults apply.
func TestServerInfoDefaults(t *testing.T) {
	app := itemsApp()
	app.Host.Extensions.MCP = funcapp.MCPOptions{}
	e := newEnv(t, app)
	init := e.connect(TransportStreamable, nil).InitializeResult()
	assert.Equal(t, funcapp.DefaultServerName, init.ServerInfo.Name)
	assert.Equal(t, funcapp.DefaultServerVersion, init.ServerInfo.Version)
}

// The generated function.json files of the library's test app load, and
// the input schema listed for each tool is the one its file declares: its
// properties as they are, or the declared schema whole.
func TestGeneratedFunctions(t *testing.T) {
	app, err := funcapp.LoadDirs("../fixture", "../fixture/functions")
	require.NoError(t, err)
	tools := 0
	for _, f := range app.Functions {
		tr := f.ToolTrigger()
		if tr == nil {
			continue
		}
		tools++
		var schema struct {
			Type       string                     `json:"type"`
			Properties map[string]json.RawMessage `json:"properties"`
			Required   []string                   `json:"required"`
		}
		require.NoError(t, json.Unmarshal(tr.ListedInputSchema(), &schema))
		assert.Equal(t, "object", schema.Type)
		if tr.UseWorkerInputSchema {
			assert.JSONEq(t, string(tr.InputSchemaJSON), string(tr.ListedInputSchema()), "%s: the declared schema as it is", f.Name)
			continue
		}
		assert.Len(t, schema.Properties, len(tr.Properties), f.Name)
		assert.NotNil(t, schema.Required, f.Name)
	}
	assert.Positive(t, tools)
}

// TestGeneratedSchemas: a tool declared in Go with a nested input and a
// typed output, generated into function.json and loaded as the host loads
// it, is listed with exactly the declaration's schemas.
func TestGeneratedSchemas(t *testing.T) {
	type where struct {
		City string `json:"city" jsonschema:"The city."`
	}
	type in struct {
		Name  string `json:"name" jsonschema:"A name."`
		Where where  `json:"where" jsonschema:"Where it is."`
	}
	type out struct {
		Found bool `json:"found" jsonschema:"Whether it was found."`
	}
	tool := &decl.Tool{Name: "locate", Description: "Locate a thing.",
		Handler: decl.Typed(func(context.Context, *decl.Call, in) (out, error) { return out{}, nil })}
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "host.json"), []byte(`{"version":"2.0","extensionBundle":{"id":"Microsoft.Azure.Functions.ExtensionBundle","version":"[4.35.0, 5.0.0)"},"customHandler":{"description":{"defaultExecutablePath":"handler"}}}`), 0o644))
	_, _, err := funcgen.Write(root, decl.Functions{Tools: []*decl.Tool{tool}})
	require.NoError(t, err)
	app, err := funcapp.LoadDirs(root, filepath.Join(root, "functions"))
	require.NoError(t, err)

	e := newEnv(t, app)
	res, err := e.connect(TransportStreamable, nil).ListTools(context.Background(), nil)
	require.NoError(t, err)
	require.Len(t, res.Tools, 1)
	wantIn, err := tool.InputSchema()
	require.NoError(t, err)
	wantOut, err := tool.OutputSchema()
	require.NoError(t, err)
	for _, c := range []struct {
		got, want any
	}{{res.Tools[0].InputSchema, wantIn}, {res.Tools[0].OutputSchema, wantOut}} {
		g, _ := json.Marshal(c.got)
		w, _ := json.Marshal(c.want)
		assert.JSONEq(t, string(w), string(g))
	}
	_, err = call(t, e.connect(TransportStreamable, nil), "locate", map[string]any{"name": "x"})
	requireRPCError(t, err, -32602, "One or more required tool properties are missing values. Please provide: where")
}
