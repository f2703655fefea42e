package e2e

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// The two hostings side by side: one devhost and one self-hosted handler on
// the same Azurite, a client at protocol 2025-06-18 on each (what VS Code and
// the Inspector speak today, and the newest the extension knows), and the
// same requests to both.

// bothHostings starts both hostings on one Azurite and connects a client to
// each.
func bothHostings(t *testing.T, az *testenv.Azurite) (triggers, self *mcp.ClientSession) {
	t.Helper()
	var ss []*mcp.ClientSession
	for _, h := range hostings {
		srv := h.start(t, serverOptions{Storage: az.ConnectionString()})
		ss = append(ss, connect(t, transports[2].dial(srv, nil)))
	}
	return ss[0], ss[1]
}

// TestSameListings: initialize, tools/list, resources/list,
// resources/templates/list and prompts/list describe the same server, the
// same tools with the same schemas, the same resources and prompts, in
// both hostings; only the self hosting lists tool titles and annotations,
// and adds completions.
func TestSameListings(t *testing.T) {
	az := testenv.SharedAzurite(t)
	triggers, self := bothHostings(t, az)

	ti, si := triggers.InitializeResult(), self.InitializeResult()
	assert.Equal(t, generic(t, ti.ServerInfo), generic(t, si.ServerInfo))
	assert.Equal(t, ti.Instructions, si.Instructions)
	// The one difference: the self hosting completes what the fixture
	// declares completions for; the MCP extension serves none.
	caps := generic(t, ti.Capabilities).(map[string]any)
	assert.NotContains(t, caps, "completions")
	caps["completions"] = map[string]any{}
	assert.Equal(t, caps, generic(t, si.Capabilities))
	assert.Equal(t, "2025-06-18", si.ProtocolVersion)

	list := func(s *mcp.ClientSession) map[string]any {
		tools, err := s.ListTools(t.Context(), nil)
		require.NoError(t, err)
		slices.SortFunc(tools.Tools, func(a, b *mcp.Tool) int { return strings.Compare(a.Name, b.Name) })
		res, err := s.ListResources(t.Context(), nil)
		require.NoError(t, err)
		tmpl, err := s.ListResourceTemplates(t.Context(), nil)
		require.NoError(t, err)
		prompts, err := s.ListPrompts(t.Context(), nil)
		require.NoError(t, err)
		return map[string]any{
			"tools":             generic(t, tools.Tools),
			"resources":         generic(t, res.Resources),
			"resourceTemplates": generic(t, tmpl.ResourceTemplates),
			"prompts":           generic(t, prompts.Prompts),
		}
	}
	want, got := list(triggers), list(self)
	// Titles and annotations are the self hosting's own
	// (TestTitlesAndAnnotationsByHosting); the rest is the same.
	for _, tool := range got["tools"].([]any) {
		delete(tool.(map[string]any), "title")
		delete(tool.(map[string]any), "annotations")
	}
	assert.Equal(t, want, got)
	require.Len(t, want["tools"], len(fixtureTools(t)), "every tool the app declares, in both")
	require.NotEmpty(t, want["resourceTemplates"])
	require.NotEmpty(t, want["prompts"])
}

// outcome is what a client got for a request: the result, or the JSON-RPC
// error's code and message.
func outcome(t *testing.T, res any, err error) any {
	t.Helper()
	if err != nil {
		var werr *jsonrpc.Error
		require.True(t, errors.As(err, &werr), "want a JSON-RPC error, got %T: %v", err, err)
		return map[string]any{"code": werr.Code, "message": werr.Message}
	}
	return generic(t, res)
}

// TestSameToolResults: good and bad calls get the same answers in both
// hostings, word for word: results (structured content included), the
// tools' own isError messages, the library's argument checks, the host's
// generic error, and -32602 for missing arguments and unknown tools.
func TestSameToolResults(t *testing.T) {
	az := testenv.SharedAzurite(t)
	triggers, self := bothHostings(t, az)
	az.PutBlob(t, container, blobName("parity-present"), []byte("print('both')"))
	over := strings.Repeat("x", fixtureLimit+1)
	tests := []struct {
		name string
		tool string
		args map[string]any
		want string // a part of the answer, so the case shows what it tests
	}{
		{"hello", "hello", nil, helloText},
		{"hello with arguments it ignores", "hello", map[string]any{"unexpected": 1}, helloText},
		{"an item that is there", "get", map[string]any{"key": "parity-present"}, `"structuredContent"`},
		{"a missing item", "get", map[string]any{"key": "parity-never"}, notFound("parity-never")},
		{"a key of the wrong type", "get", map[string]any{"key": 42}, "Argument 'key' must be a string, not a number."},
		{"a bad key", "get", map[string]any{"key": "../x"}, "Invalid key"},
		{"an empty key", "get", map[string]any{"key": ""}, "Invalid key"},
		{"no key at all", "get", map[string]any{}, "Please provide: key"},
		{"a null key", "get", map[string]any{"key": nil}, "Please provide: key"},
		{"a key of a megabyte", "get", map[string]any{"key": strings.Repeat("k", 1<<20)}, "An error occurred invoking 'get'."},
		{"put: both missing", "put", map[string]any{}, "Please provide: key, value"},
		{"put: a value of the wrong type", "put", map[string]any{"key": "parity-x", "value": true}, "Argument 'value' must be a string, not a boolean."},
		{"put: a bad key", "put", map[string]any{"key": "a/b", "value": "x"}, "Invalid key"},
		{"put: one byte over the limit", "put", map[string]any{"key": "parity-x", "value": over}, "is too large: 1048577 bytes"},
		{"remove: a missing item", "remove", map[string]any{"key": "parity-never"}, notFound("parity-never")},
		{"keys: none", "keys", map[string]any{"prefix": "parity-none"}, `{\"keys\":[]}`},
		{"keys: an argument it does not take, ignored", "keys", map[string]any{"prefix": "parity-none", "limit": 3}, `{\"keys\":[]}`},
		{"echo: every kind of argument", "echo", map[string]any{"text": "a", "repeatCount": 2, "loud": true, "tags": []string{"t"}}, "AA t"},
		{"echo: an integer of the wrong type", "echo", map[string]any{"text": "a", "repeatCount": "ten"}, "Argument 'repeatCount' must be an integer, not a string."},
		// What the input schema says is what is checked, the same in both.
		{"echo: an integer written 2.0", "echo", map[string]any{"text": "a", "repeatCount": json.RawMessage(`2.0`)}, `"echoed":"aa"`},
		{"echo: an integer written 2e0", "echo", map[string]any{"text": "a", "repeatCount": json.RawMessage(`2e0`)}, `"echoed":"aa"`},
		{"echo: a fractional integer", "echo", map[string]any{"text": "a", "repeatCount": json.RawMessage(`2.5`)}, "Argument 'repeatCount' must be an integer, not 2.5."},
		{"echo: an array of the wrong type", "echo", map[string]any{"text": "a", "tags": []any{"t", 1}}, "must be a string, not a number."},
		{"echo: nothing to echo", "echo", map[string]any{"text": ""}, "Nothing to echo."},
		// K (U+212A, the Kelvin sign) folds to k in encoding/json, which
		// would have read this member as key: the host read the blob of
		// the other.
		{"a key that differs only by case folding", "get", map[string]any{"key": "parity-present", "\u212aey": "../x"}, `"structuredContent"`},
		{"an unknown tool", "nosuchtool", nil, "Unknown tool: 'nosuchtool'"},
	}
	before := az.Listing(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tryCall(triggers, tt.tool, tt.args)
			want := outcome(t, res, err)
			res, err = tryCall(self, tt.tool, tt.args)
			got := outcome(t, res, err)
			assert.Equal(t, want, got)
			b, _ := json.Marshal(got)
			assert.Contains(t, string(b), tt.want)
		})
	}
	assert.Equal(t, before, az.Listing(t), "no failed call wrote anything")
}

// TestResourcesAndPromptsByHosting: reads and prompts that work answer the
// same in both hostings; failures differ by design. The extension answers
// every failed read or prompt with -32603 "An error occurred."; the self
// hosting says what is wrong.
func TestResourcesAndPromptsByHosting(t *testing.T) {
	az := testenv.SharedAzurite(t)
	triggers, self := bothHostings(t, az)
	az.PutBlob(t, container, blobName("parity-res"), []byte("def f(): pass"))

	read := func(s *mcp.ClientSession, uri string) any {
		res, err := s.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: uri})
		if err != nil {
			return outcome(t, nil, err)
		}
		// The contents; go-sdk adds cache hints (ttlMs, cacheScope) of
		// its own, set only where it answers the read itself.
		return outcome(t, res.Contents, nil)
	}
	prompt := func(s *mcp.ClientSession, args map[string]string) any {
		res, err := s.GetPrompt(t.Context(), &mcp.GetPromptParams{Name: "describe", Arguments: args})
		return outcome(t, res, err)
	}
	rpcErr := func(code int64, msg string) any { return map[string]any{"code": float64(code), "message": msg} }

	t.Run("the same answers", func(t *testing.T) {
		assert.Equal(t, read(triggers, "item://parity-res"), read(self, "item://parity-res"))
		assert.Equal(t, prompt(triggers, map[string]string{"key": "parity-res", "style": "briefly"}),
			prompt(self, map[string]string{"key": "parity-res", "style": "briefly"}))
		missing := rpcErr(jsonrpc.CodeInvalidParams, "One or more required prompt arguments are missing values. Please provide: key")
		assert.Equal(t, missing, generic(t, prompt(triggers, map[string]string{"style": "x"})))
		assert.Equal(t, missing, generic(t, prompt(self, map[string]string{"style": "x"})))
	})
	t.Run("failures: the extension's -32603, the self hosting's message", func(t *testing.T) {
		tests := []struct {
			name           string
			triggers, self any
			got            func(*mcp.ClientSession) any
		}{
			{"a missing item as a resource",
				rpcErr(jsonrpc.CodeInternalError, "An error occurred."),
				rpcErr(jsonrpc.CodeInvalidParams, notFound("parity-gone")),
				func(s *mcp.ClientSession) any { return read(s, "item://parity-gone") }},
			{"a bad key as a resource",
				rpcErr(jsonrpc.CodeInternalError, "An error occurred."),
				rpcErr(jsonrpc.CodeInvalidParams, badKey(".hidden")),
				func(s *mcp.ClientSession) any { return read(s, "item://.hidden") }},
			{"an unknown resource",
				rpcErr(jsonrpc.CodeInvalidParams, "Unknown resource: 'other://x'"),
				rpcErr(jsonrpc.CodeInvalidParams, "Resource not found"),
				func(s *mcp.ClientSession) any { return read(s, "other://x") }},
			{"a prompt for a missing item",
				rpcErr(jsonrpc.CodeInternalError, "An error occurred."),
				rpcErr(jsonrpc.CodeInvalidParams, notFound("parity-gone")),
				func(s *mcp.ClientSession) any { return prompt(s, map[string]string{"key": "parity-gone"}) }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				assert.Equal(t, tt.triggers, generic(t, tt.got(triggers)), "triggers")
				assert.Equal(t, tt.self, generic(t, tt.got(self)), "self")
			})
		}
	})
}
