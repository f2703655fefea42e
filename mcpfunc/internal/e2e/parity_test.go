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

	"remote-mcp-functions-go/app/snippet"
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
// both hostings.
func TestSameListings(t *testing.T) {
	az := testenv.SharedAzurite(t)
	triggers, self := bothHostings(t, az)

	ti, si := triggers.InitializeResult(), self.InitializeResult()
	assert.Equal(t, generic(t, ti.ServerInfo), generic(t, si.ServerInfo))
	assert.Equal(t, ti.Instructions, si.Instructions)
	assert.Equal(t, generic(t, ti.Capabilities), generic(t, si.Capabilities))
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
	assert.Equal(t, want, got)
	require.Len(t, want["tools"], len(repoTools(t)), "every tool the app declares, in both")
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
// tools' own isError messages, the host's generic error, and -32602 for
// missing arguments and unknown tools.
func TestSameToolResults(t *testing.T) {
	az := testenv.SharedAzurite(t)
	triggers, self := bothHostings(t, az)
	az.PutBlob(t, container, blobName("parity-present"), []byte("print('both')"))
	over := strings.Repeat("x", snippet.DefaultMaxBytes+1)
	tests := []struct {
		name string
		tool string
		args map[string]any
		want string // a part of the answer, so the case shows what it tests
	}{
		{"hello", "hello", nil, "Hello I am MCPTool!"},
		{"hello with arguments it ignores", "hello", map[string]any{"unexpected": 1}, "Hello I am MCPTool!"},
		{"a snippet that is there", "getsnippet", map[string]any{"snippetname": "parity-present"}, `"structuredContent"`},
		{"a missing snippet", "getsnippet", map[string]any{"snippetname": "parity-never"}, "Snippet 'parity-never' not found."},
		{"a name of the wrong type", "getsnippet", map[string]any{"snippetname": 42}, "Argument 'snippetname' must be a string, not a number."},
		{"a bad name", "getsnippet", map[string]any{"snippetname": "../x"}, "Invalid snippet name"},
		{"an empty name", "getsnippet", map[string]any{"snippetname": ""}, "No snippet name provided"},
		{"no name at all", "getsnippet", map[string]any{}, "Please provide: snippetname"},
		{"a null name", "getsnippet", map[string]any{"snippetname": nil}, "Please provide: snippetname"},
		{"a name of a megabyte", "getsnippet", map[string]any{"snippetname": strings.Repeat("n", 1<<20)}, "An error occurred invoking 'getsnippet'."},
		{"save: both missing", "savesnippet", map[string]any{}, "Please provide: snippetname, snippet"},
		{"save: content of the wrong type", "savesnippet", map[string]any{"snippetname": "parity-x", "snippet": true}, "Argument 'snippet' must be a string, not a boolean."},
		{"save: empty content", "savesnippet", map[string]any{"snippetname": "parity-x", "snippet": ""}, "No snippet content provided"},
		{"save: a bad name", "savesnippet", map[string]any{"snippetname": "a/b", "snippet": "x"}, "Invalid snippet name"},
		{"save: one byte over the limit", "savesnippet", map[string]any{"snippetname": "parity-x", "snippet": over}, "is too large: 1048577 bytes"},
		{"delete: a missing snippet", "deletesnippet", map[string]any{"snippetname": "parity-never"}, "Snippet 'parity-never' not found."},
		{"list: a limit of the wrong type", "listsnippets", map[string]any{"limit": "ten"}, "Argument 'limit' must be an integer, not a string."},
		// What the input schema says is what is checked, the same in both.
		{"list: a limit written 5.0", "listsnippets", map[string]any{"prefix": "parity-none", "limit": json.RawMessage(`5.0`)}, "No snippets."},
		{"list: a limit written 5e0", "listsnippets", map[string]any{"prefix": "parity-none", "limit": json.RawMessage(`5e0`)}, "No snippets."},
		{"list: a fractional limit", "listsnippets", map[string]any{"limit": json.RawMessage(`5.5`)}, "Argument 'limit' must be an integer, not 5.5."},
		{"list: a limit of 1e9", "listsnippets", map[string]any{"limit": json.RawMessage(`1e9`)}, "Argument 'limit' must be between 1 and 1000."},
		{"list: a limit of 1000000000", "listsnippets", map[string]any{"limit": json.RawMessage(`1000000000`)}, "Argument 'limit' must be between 1 and 1000."},
		{"list: an argument it does not take", "listsnippets", map[string]any{"pagesize": 3}, "Unknown argument 'pagesize'; the arguments are 'prefix', 'limit', 'cursor'."},
		{"list: a cursor it never gave", "listsnippets", map[string]any{"cursor": "parity-present.json"}, "That cursor is not one listsnippets gave for this prefix"},
		{"list: a cursor with a control character", "listsnippets", map[string]any{"cursor": "a\u0000b"}, "That cursor is not one listsnippets gave for this prefix"},
		// ſ folds to s in encoding/json, which would have read this
		// member as snippetname: the host read the blob of the other.
		{"a name that differs only by case folding", "getsnippet", map[string]any{"snippetname": "parity-present", "ſnippetname": "../x"}, `"structuredContent"`},
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
		res, err := s.GetPrompt(t.Context(), &mcp.GetPromptParams{Name: "reviewsnippet", Arguments: args})
		return outcome(t, res, err)
	}
	rpcErr := func(code int64, msg string) any { return map[string]any{"code": float64(code), "message": msg} }

	t.Run("the same answers", func(t *testing.T) {
		assert.Equal(t, read(triggers, "snippet://parity-res"), read(self, "snippet://parity-res"))
		assert.Equal(t, prompt(triggers, map[string]string{"snippetname": "parity-res", "focus": "naming"}),
			prompt(self, map[string]string{"snippetname": "parity-res", "focus": "naming"}))
		missing := rpcErr(jsonrpc.CodeInvalidParams, "One or more required prompt arguments are missing values. Please provide: snippetname")
		assert.Equal(t, missing, generic(t, prompt(triggers, map[string]string{"focus": "x"})))
		assert.Equal(t, missing, generic(t, prompt(self, map[string]string{"focus": "x"})))
	})
	t.Run("failures: the extension's -32603, the self hosting's message", func(t *testing.T) {
		tests := []struct {
			name           string
			triggers, self any
			got            func(*mcp.ClientSession) any
		}{
			{"a missing snippet as a resource",
				rpcErr(jsonrpc.CodeInternalError, "An error occurred."),
				rpcErr(jsonrpc.CodeInvalidParams, "Snippet 'parity-gone' not found."),
				func(s *mcp.ClientSession) any { return read(s, "snippet://parity-gone") }},
			{"a bad name as a resource",
				rpcErr(jsonrpc.CodeInternalError, "An error occurred."),
				rpcErr(jsonrpc.CodeInvalidParams, snippet.ValidateName(".hidden").Error()),
				func(s *mcp.ClientSession) any { return read(s, "snippet://.hidden") }},
			{"an unknown resource",
				rpcErr(jsonrpc.CodeInvalidParams, "Unknown resource: 'other://x'"),
				rpcErr(jsonrpc.CodeInvalidParams, "Resource not found"),
				func(s *mcp.ClientSession) any { return read(s, "other://x") }},
			{"a prompt for a missing snippet",
				rpcErr(jsonrpc.CodeInternalError, "An error occurred."),
				rpcErr(jsonrpc.CodeInvalidParams, "Snippet 'parity-gone' not found."),
				func(s *mcp.ClientSession) any { return prompt(s, map[string]string{"snippetname": "parity-gone"}) }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				assert.Equal(t, tt.triggers, generic(t, tt.got(triggers)), "triggers")
				assert.Equal(t, tt.self, generic(t, tt.got(self)), "self")
			})
		}
	})
}
