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

	"remote-mcp-functions-go/mcpfunc/internal/fixture"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// TestMCP drives the fixture in each hosting with the go-sdk client, on
// each transport the hosting serves in turn: the same checks, the same
// expectations. They share the Azurite, so each uses keys of its own.
func TestMCP(t *testing.T) {
	az := testenv.SharedAzurite(t)
	forEachHosting(t, func(t *testing.T, h hostingCase) { mcpSuite(t, h, az) })
}

// mcpSuite runs the MCP checks against one hosting on every transport it
// serves, and returns the server it started.
func mcpSuite(t *testing.T, h hostingCase, az *testenv.Azurite) server {
	srv := h.start(t, serverOptions{Storage: az.ConnectionString()})
	for _, tr := range transportsOf(srv) {
		t.Run(tr.name, func(t *testing.T) {
			s := connect(t, tr.dial(srv, nil))
			c := &mcpCase{az: az, s: s, prefix: h.name[:4] + "-" + tr.name + "-"}
			t.Run("initialize", c.initialize)
			t.Run("tools/list", c.toolsList)
			t.Run("hello", c.hello)
			t.Run("typed arguments", c.typedArguments)
			t.Run("round trip", c.roundTrip)
			t.Run("missing item", c.missingItem)
			t.Run("bad keys", c.badKeys)
			t.Run("empty arguments", c.emptyArguments)
			t.Run("size limit", c.sizeLimit)
			t.Run("missing required arguments", c.missingRequired)
			t.Run("unknown tool", c.unknownTool)
		})
	}
	return srv
}

type mcpCase struct {
	az     *testenv.Azurite
	s      *mcp.ClientSession
	prefix string // of this transport's keys
}

// fixtureApp is the fixture's function app as its folder declares it
// (host.json, functions/*/function.json): the truth tools/list is
// compared with.
func fixtureApp(t *testing.T) *funcapp.App {
	t.Helper()
	root, err := testenv.RepoRoot()
	require.NoError(t, err)
	dir := filepath.Join(root, testenv.Fixture.Dir)
	app, err := funcapp.LoadDirs(dir, filepath.Join(dir, "functions"))
	require.NoError(t, err)
	return app
}

func (c *mcpCase) initialize(t *testing.T) {
	mcpOpts := fixtureApp(t).Host.Extensions.MCP
	init := c.s.InitializeResult()
	require.NotNil(t, init)
	assert.Equal(t, mcpOpts.ServerName, init.ServerInfo.Name)
	assert.Equal(t, mcpOpts.ServerVersion, init.ServerInfo.Version)
	assert.Equal(t, mcpOpts.Instructions, init.Instructions)
	assert.NotNil(t, init.Capabilities.Tools, "the server must offer tools")
}

// fixtureTools is the fixture's tool triggers, by tool name.
func fixtureTools(t *testing.T) map[string]*funcapp.Binding {
	t.Helper()
	out := map[string]*funcapp.Binding{}
	for _, f := range fixtureApp(t).Functions {
		if tr := f.ToolTrigger(); tr != nil {
			out[tr.ToolName] = tr
		}
	}
	return out
}

// toolsList compares every listed tool with its function.json: the schema
// is built here from toolProperties the way the MCP extension builds it
// ({"type":"object","properties":…,"required":[…]}, required always
// present, an isArray property {"type":"array","items":{"type":…}}:
// PropertyBasedToolInputSchema, Azure/azure-functions-mcp-extension
// src/Microsoft.Azure.Functions.Extensions.Mcp/ToolInputSchema @cd0d1e8c),
// or is the declared inputSchema as it is; an outputSchema is listed as
// declared. Not with devhost's code.
func (c *mcpCase) toolsList(t *testing.T) {
	app := fixtureApp(t)
	parse := func(raw json.RawMessage) any {
		var text string
		require.NoError(t, json.Unmarshal(raw, &text), "a JSON string")
		var v any
		require.NoError(t, json.Unmarshal([]byte(text), &v))
		return v
	}
	want := map[string]map[string]any{}
	for name, tr := range fixtureTools(t) {
		props := map[string]any{}
		required := []any{}
		for _, p := range tr.Properties {
			props[p.Name] = map[string]any{"type": p.Type, "description": p.Description}
			if p.IsArray {
				props[p.Name] = map[string]any{"type": "array", "items": map[string]any{"type": p.Type}, "description": p.Description}
			}
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
		if len(tr.Metadata) > 0 {
			w["_meta"] = parse(tr.Metadata)
		}
		want[name] = w
	}
	require.Subset(t, keys(want), []string{"hello", "echo", "put", "get", "keys", "remove"})

	res, err := c.s.ListTools(t.Context(), nil)
	require.NoError(t, err)
	got := map[string]map[string]any{}
	for _, tool := range res.Tools {
		g := map[string]any{"description": tool.Description, "inputSchema": generic(t, tool.InputSchema)}
		if tool.OutputSchema != nil {
			g["outputSchema"] = generic(t, tool.OutputSchema)
		}
		if tool.Meta != nil {
			g["_meta"] = generic(t, tool.Meta)
		}
		got[tool.Name] = g
	}
	assert.Equal(t, want, got)
	assert.Equal(t, map[string]any{"ui": map[string]any{"resourceUri": fixture.ViewURI}}, want["keys"]["_meta"],
		"keys links the fixture's view: the trigger's metadata is the tool's _meta")
	assert.Equal(t, []string{"key", "value"}, app.Function("put").ToolTrigger().Required(), "put requires both, in this order")
	tags := want["echo"]["inputSchema"].(map[string]any)["properties"].(map[string]any)["tags"]
	assert.Equal(t, map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": "Tags to echo back."}, tags,
		"a []string argument is an array of strings")
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func (c *mcpCase) hello(t *testing.T) {
	requireText(t, call(t, c.s, "hello", nil), helloText)
	requireText(t, call(t, c.s, "hello", map[string]any{"unexpected": 1}), helloText)
}

// typedArguments: a typed tool gets a camelCase argument, an integer, a
// boolean and a string array as the client sent them, and answers with
// structured content and its text; a value of the wrong type gets the
// library's message, an empty text the tool's.
func (c *mcpCase) typedArguments(t *testing.T) {
	res := call(t, c.s, "echo", map[string]any{"text": "ab", "repeatCount": 3, "loud": true, "tags": []string{"x", "y z"}})
	requireText(t, res, "ABABAB x,y z")
	assert.Equal(t, map[string]any{"echoed": "ABABAB", "tags": []any{"x", "y z"}}, generic(t, res.StructuredContent))

	res = call(t, c.s, "echo", map[string]any{"text": "é"})
	requireText(t, res, "é")
	assert.Equal(t, map[string]any{"echoed": "é", "tags": []any{}}, generic(t, res.StructuredContent), "what is left out takes its zero value")

	requireToolError(t, call(t, c.s, "echo", map[string]any{"text": "a", "repeatCount": "two"}), "Argument 'repeatCount' must be an integer, not a string.")
	requireToolError(t, call(t, c.s, "echo", map[string]any{"text": "a", "tags": "x"}), "Argument 'tags' must be an array, not a string.")
	requireToolError(t, call(t, c.s, "echo", map[string]any{"text": "a", "loud": "yes"}), "Argument 'loud' must be a boolean, not a string.")
	missing := call(t, c.s, "echo", map[string]any{"text": ""})
	requireToolError(t, missing, "Nothing to echo.")
	assert.Nil(t, missing.StructuredContent, "an error has no structured content")
}

// roundTrip puts values that stress the host's encodings (JSON text,
// base64-looking text, escapes, unicode) and reads each back, checking the
// blob in Azurite byte for byte.
func (c *mcpCase) roundTrip(t *testing.T) {
	values := []struct{ name, value string }{
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
	for _, tt := range values {
		t.Run(tt.name, func(t *testing.T) {
			key := c.prefix + tt.name
			put(t, c.s, key, tt.value)

			blob, ok := c.az.Blob(t, container, blobName(key))
			require.True(t, ok, "blob %s/%s not written", container, blobName(key))
			require.Equal(t, []byte(tt.value), blob, "blob bytes")

			res := call(t, c.s, "get", map[string]any{"key": key})
			requireText(t, res, tt.value)
			assert.Equal(t, map[string]any{"key": key, "value": tt.value}, generic(t, res.StructuredContent))
		})
	}

	t.Run("overwrite", func(t *testing.T) {
		key := c.prefix + "overwrite"
		for _, value := range []string{"first, and longer", "second"} {
			put(t, c.s, key, value)
			requireText(t, call(t, c.s, "get", map[string]any{"key": key}), value)
		}
		blob, _ := c.az.Blob(t, container, blobName(key))
		assert.Equal(t, "second", string(blob))
	})

	t.Run("written by another app", func(t *testing.T) {
		// Another program writing raw text under the same path: it reads
		// back unchanged.
		key := c.prefix + "from-elsewhere"
		c.az.PutBlob(t, container, blobName(key), []byte("def f():\n    return 1\n"))
		requireText(t, call(t, c.s, "get", map[string]any{"key": key}), "def f():\n    return 1\n")
	})
}

func (c *mcpCase) missingItem(t *testing.T) {
	key := c.prefix + "never-put"
	before := c.az.Listing(t)
	res := call(t, c.s, "get", map[string]any{"key": key})
	requireToolError(t, res, notFound(key))
	assert.Nil(t, res.StructuredContent)
	assert.Equal(t, before, c.az.Listing(t), "a read must write nothing")
}

// badKeys: a key the tool refuses gets its message, for both tools, and
// nothing is read or written, even where a blob exists at the path the
// host builds from the raw key.
func (c *mcpCase) badKeys(t *testing.T) {
	c.az.PutBlob(t, container, "a/b.txt", []byte("not for a bad key"))
	for _, key := range []string{"../x", "a/b", ".hidden", "has space", "tab\tkey", "Upper", strings.Repeat("k", 65), "ünïcode"} {
		t.Run(key[:min(len(key), 20)], func(t *testing.T) {
			before := c.az.Listing(t)
			stored := call(t, c.s, "put", putArgs(key, "x"))
			got := call(t, c.s, "get", map[string]any{"key": key})
			assert.Equal(t, before, c.az.Listing(t), "nothing may be written")
			for _, res := range []*mcp.CallToolResult{stored, got} {
				requireToolError(t, res, badKey(key))
			}
		})
	}
	t.Run("longest good key", func(t *testing.T) {
		key := c.prefix + strings.Repeat("k", 64-len(c.prefix))
		put(t, c.s, key, "ok")
		requireText(t, call(t, c.s, "get", map[string]any{"key": key}), "ok")
	})
}

// emptyArguments: a present but empty value passes the host's required
// check and gets the tool's own message, with nothing written.
func (c *mcpCase) emptyArguments(t *testing.T) {
	before := c.az.Listing(t)
	requireToolError(t, call(t, c.s, "put", putArgs("", "x")), badKey(""))
	requireToolError(t, call(t, c.s, "get", map[string]any{"key": ""}), badKey(""))
	assert.Equal(t, before, c.az.Listing(t))
}

func (c *mcpCase) sizeLimit(t *testing.T) {
	key := c.prefix + "too-large"
	before := c.az.Listing(t)
	over := strings.Repeat("x", fixtureLimit+1)
	requireToolError(t, call(t, c.s, "put", putArgs(key, over)),
		fmt.Sprintf("Item '%s' is too large: %d bytes, the limit is %d.", key, len(over), fixtureLimit))
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
		{"get", map[string]any{}, "key"},
		{"get", map[string]any{"key": nil}, "key"},
		{"put", map[string]any{"key": c.prefix + "x"}, "value"},
		{"put", map[string]any{"value": "x"}, "key"},
		{"put", map[string]any{}, "key, value"},
		{"echo", map[string]any{"repeatCount": 2}, "text"},
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
