package e2e

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/app/snippet"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// TestMCP drives the app in each hosting with the go-sdk client, on each
// transport the hosting serves in turn: the same checks, the same
// expectations. They share the Azurite, so each uses snippet names of its
// own.
func TestMCP(t *testing.T) {
	az := testenv.SharedAzurite(t)
	forEachHosting(t, func(t *testing.T, h hostingCase) {
		srv := h.start(t, serverOptions{Storage: az.ConnectionString()})
		for _, tr := range transportsOf(srv) {
			t.Run(tr.name, func(t *testing.T) {
				s := connect(t, tr.dial(srv, nil))
				c := &mcpCase{az: az, s: s, prefix: h.name[:4] + "-" + tr.name + "-"}
				t.Run("initialize", c.initialize)
				t.Run("tools/list", c.toolsList)
				t.Run("hello", c.hello)
				t.Run("round trip", c.roundTrip)
				t.Run("missing snippet", c.missingSnippet)
				t.Run("bad names", c.badNames)
				t.Run("empty arguments", c.emptyArguments)
				t.Run("size limit", c.sizeLimit)
				t.Run("missing required arguments", c.missingRequired)
				t.Run("unknown tool", c.unknownTool)
			})
		}
	})
}

type mcpCase struct {
	az     *testenv.Azurite
	s      *mcp.ClientSession
	prefix string // of this transport's snippet names
}

// repoApp is the function app as the repository declares it: the truth
// tools/list is compared with.
func repoApp(t *testing.T) *funcapp.App {
	t.Helper()
	root, err := testenv.RepoRoot()
	require.NoError(t, err)
	app, err := funcapp.LoadDirs(root, filepath.Join(root, "functions"))
	require.NoError(t, err)
	return app
}

func (c *mcpCase) initialize(t *testing.T) {
	mcpOpts := repoApp(t).Host.Extensions.MCP
	init := c.s.InitializeResult()
	require.NotNil(t, init)
	assert.Equal(t, mcpOpts.ServerName, init.ServerInfo.Name)
	assert.Equal(t, mcpOpts.ServerVersion, init.ServerInfo.Version)
	assert.Equal(t, mcpOpts.Instructions, init.Instructions)
	assert.NotNil(t, init.Capabilities.Tools, "the server must offer tools")
}

// repoTools is the function app's tool triggers, by tool name.
func repoTools(t *testing.T) map[string]*funcapp.Binding {
	t.Helper()
	out := map[string]*funcapp.Binding{}
	for _, f := range repoApp(t).Functions {
		if tr := f.ToolTrigger(); tr != nil {
			out[tr.ToolName] = tr
		}
	}
	return out
}

// toolsList compares every listed tool with its function.json: the schema
// is built here from toolProperties the way the MCP extension builds it
// ({"type":"object","properties":…,"required":[…]}, required always
// present), or is the declared inputSchema as it is; an outputSchema is
// listed as declared. Not with devhost's code.
func (c *mcpCase) toolsList(t *testing.T) {
	app := repoApp(t)
	parse := func(raw json.RawMessage) any {
		var text string
		require.NoError(t, json.Unmarshal(raw, &text), "a JSON string")
		var v any
		require.NoError(t, json.Unmarshal([]byte(text), &v))
		return v
	}
	want := map[string]map[string]any{}
	for name, tr := range repoTools(t) {
		props := map[string]any{}
		required := []any{}
		for _, p := range tr.Properties {
			props[p.Name] = map[string]any{"type": p.Type, "description": p.Description}
			if p.IsRequired {
				required = append(required, p.Name)
			}
		}
		w := map[string]any{
			"description": *tr.Description,
			"inputSchema": map[string]any{"type": "object", "properties": props, "required": required},
		}
		if tr.UseWorkerInputSchema {
			w["inputSchema"] = parse(tr.InputSchema)
		}
		if len(tr.OutputSchema) > 0 {
			w["outputSchema"] = parse(tr.OutputSchema)
		}
		want[name] = w
	}
	require.Subset(t, keys(want), []string{"hello", "getsnippet", "savesnippet", "listsnippets", "deletesnippet"})

	res, err := c.s.ListTools(t.Context(), nil)
	require.NoError(t, err)
	got := map[string]map[string]any{}
	generic := func(v any) any {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		var g any
		require.NoError(t, json.Unmarshal(b, &g))
		return g
	}
	for _, tool := range res.Tools {
		g := map[string]any{"description": tool.Description, "inputSchema": generic(tool.InputSchema)}
		if tool.OutputSchema != nil {
			g["outputSchema"] = generic(tool.OutputSchema)
		}
		got[tool.Name] = g
	}
	assert.Equal(t, want, got)
	assert.Equal(t, []string{"snippetname", "snippet"},
		app.Function("savesnippet").ToolTrigger().Required(), "savesnippet requires both, in this order")
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func (c *mcpCase) hello(t *testing.T) {
	requireText(t, call(t, c.s, "hello", nil), "Hello I am MCPTool!")
	requireText(t, call(t, c.s, "hello", map[string]any{"unexpected": 1}), "Hello I am MCPTool!")
}

// roundTrip saves contents that stress the host's encodings (JSON text,
// base64-looking text, escapes, unicode) and reads each back, checking the
// blob in Azurite byte for byte.
func (c *mcpCase) roundTrip(t *testing.T) {
	contents := []struct{ name, content string }{
		{"plain", "print(1)"},
		{"quotes-newlines", "line 1\nline \"2\"\r\n\t'3' \\ back\\slash\n"},
		{"unicode", "héllo wörld 世界 🎉 \u00a0 \u2028"},
		{"html", "<b>&amp;</b> <script>alert(1)</script>"},
		{"json-object", `{"a":1}`},
		{"json-null", "null"},
		{"json-string", `"quoted"`},
		{"json-number", "42"},
		{"json-true", "true"},
		{"base64-test", "test"},
		{"base64-abcd", "abcd"},
		{"base64-padded", "cHJpbnQoMSk="},
		{"spaces", "  "},
		{"control", "a\x00b\x1bc"},
		{"one-mebibyte", strings.Repeat("0123456789abcdef", (1<<20)/16)},
	}
	for _, tt := range contents {
		t.Run(tt.name, func(t *testing.T) {
			name := c.prefix + tt.name
			res := call(t, c.s, "savesnippet", map[string]any{"snippetname": name, "snippet": tt.content})
			requireText(t, res, fmt.Sprintf("Snippet '%s' saved successfully", name))

			blob, ok := c.az.Blob(t, container, blobName(name))
			require.True(t, ok, "blob %s/%s not written", container, blobName(name))
			require.Equal(t, []byte(tt.content), blob, "blob bytes")

			requireText(t, call(t, c.s, "getsnippet", map[string]any{"snippetname": name}), tt.content)
		})
	}

	t.Run("overwrite", func(t *testing.T) {
		name := c.prefix + "overwrite"
		for _, content := range []string{"first, and longer", "second"} {
			call(t, c.s, "savesnippet", map[string]any{"snippetname": name, "snippet": content})
			requireText(t, call(t, c.s, "getsnippet", map[string]any{"snippetname": name}), content)
		}
		blob, _ := c.az.Blob(t, container, blobName(name))
		assert.Equal(t, "second", string(blob))
	})

	t.Run("written by another app", func(t *testing.T) {
		// The Python sample stores raw text under the same path: it reads
		// back unchanged.
		name := c.prefix + "from-python"
		c.az.PutBlob(t, container, blobName(name), []byte("def f():\n    return 1\n"))
		requireText(t, call(t, c.s, "getsnippet", map[string]any{"snippetname": name}), "def f():\n    return 1\n")
	})
}

func (c *mcpCase) missingSnippet(t *testing.T) {
	name := c.prefix + "never-saved"
	before := c.az.Listing(t)
	requireToolError(t, call(t, c.s, "getsnippet", map[string]any{"snippetname": name}),
		fmt.Sprintf("Snippet '%s' not found.", name))
	assert.Equal(t, before, c.az.Listing(t), "a read must write nothing")
}

// badNames: a name the handler refuses gets its message, for both tools,
// and nothing is read or written, even where a blob exists at the path the
// host builds from the raw name.
func (c *mcpCase) badNames(t *testing.T) {
	c.az.PutBlob(t, container, "a/b.json", []byte("not for a bad name"))
	for _, name := range []string{"../x", "a/b", ".hidden", "has space", "tab\tname", strings.Repeat("n", snippet.MaxName+1), "ünïcode"} {
		t.Run(name[:min(len(name), 20)], func(t *testing.T) {
			before := c.az.Listing(t)
			saved := call(t, c.s, "savesnippet", map[string]any{"snippetname": name, "snippet": "x"})
			got := call(t, c.s, "getsnippet", map[string]any{"snippetname": name})
			assert.Equal(t, before, c.az.Listing(t), "nothing may be written")
			for _, res := range []*mcp.CallToolResult{saved, got} {
				require.True(t, res.IsError, "want isError, got %q", text(res))
				assert.True(t, strings.HasPrefix(text(res), "Invalid snippet name "), text(res))
				assert.NotContains(t, text(res), "not for a bad name")
			}
			// Word for word the handler's own message.
			if verr := snippet.ValidateName(name); assert.Error(t, verr) {
				assert.Equal(t, verr.Error(), text(saved))
				assert.Equal(t, verr.Error(), text(got))
			}
		})
	}
	t.Run("longest good name", func(t *testing.T) {
		name := c.prefix + strings.Repeat("n", snippet.MaxName-len(c.prefix))
		requireText(t, call(t, c.s, "savesnippet", map[string]any{"snippetname": name, "snippet": "ok"}),
			fmt.Sprintf("Snippet '%s' saved successfully", name))
		requireText(t, call(t, c.s, "getsnippet", map[string]any{"snippetname": name}), "ok")
	})
}

// emptyArguments: present but empty values pass the host's required check
// and get the seed's messages from the handler, with nothing written.
func (c *mcpCase) emptyArguments(t *testing.T) {
	before := c.az.Listing(t)
	requireToolError(t, call(t, c.s, "savesnippet", map[string]any{"snippetname": "", "snippet": "x"}), "No snippet name provided")
	requireToolError(t, call(t, c.s, "savesnippet", map[string]any{"snippetname": c.prefix + "empty", "snippet": ""}), "No snippet content provided")
	requireToolError(t, call(t, c.s, "getsnippet", map[string]any{"snippetname": ""}), "No snippet name provided")
	assert.Equal(t, before, c.az.Listing(t))
}

func (c *mcpCase) sizeLimit(t *testing.T) {
	name := c.prefix + "too-large"
	before := c.az.Listing(t)
	over := strings.Repeat("x", snippet.DefaultMaxBytes+1)
	requireToolError(t, call(t, c.s, "savesnippet", map[string]any{"snippetname": name, "snippet": over}),
		fmt.Sprintf("Snippet '%s' is too large: %d bytes, the limit is %d bytes.", name, len(over), snippet.DefaultMaxBytes))
	assert.Equal(t, before, c.az.Listing(t), "nothing may be written")
}

// missingRequired: the host checks required properties before invoking the
// function and answers JSON-RPC -32602 with the extension's message.
func (c *mcpCase) missingRequired(t *testing.T) {
	tests := []struct {
		tool    string
		args    map[string]any
		missing string
	}{
		{"getsnippet", map[string]any{}, "snippetname"},
		{"getsnippet", map[string]any{"snippetname": nil}, "snippetname"},
		{"savesnippet", map[string]any{"snippetname": c.prefix + "x"}, "snippet"},
		{"savesnippet", map[string]any{"snippet": "x"}, "snippetname"},
		{"savesnippet", map[string]any{}, "snippetname, snippet"},
	}
	before := c.az.Listing(t)
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %v", tt.tool, tt.args), func(t *testing.T) {
			_, err := tryCall(c.s, tt.tool, tt.args)
			werr := rpcError(t, err)
			assert.Equal(t, int64(jsonrpc.CodeInvalidParams), werr.Code)
			assert.Equal(t, "One or more required tool properties are missing values. Please provide: "+tt.missing, werr.Message)
		})
	}
	assert.Equal(t, before, c.az.Listing(t))
}

func (c *mcpCase) unknownTool(t *testing.T) {
	_, err := tryCall(c.s, "nosuchtool", nil)
	werr := rpcError(t, err)
	assert.Equal(t, int64(jsonrpc.CodeInvalidParams), werr.Code)
	assert.Contains(t, werr.Message, "nosuchtool")
}
