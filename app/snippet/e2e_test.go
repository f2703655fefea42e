package snippet_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/mcpfunctest"
)

// The sample end to end: the repository's handler (package handler, the
// app of package app) built and served as make start serves it, in both
// hostings, with Azurite for storage (mcpfunctest.Serve), driven by the
// go-sdk client. What the unit tests check in process is checked here
// through the real host encodings, bindings and storage; each case runs in
// both hostings with the same expectation, but where the hostings differ
// by design (a failed resource read or prompt: the MCP extension's -32603,
// or the self hosting's message).

// One Azurite and one build of each hosting for the package's tests.
func TestMain(m *testing.M) { mcpfunctest.Main(m) }

// limit is the content limit when SNIPPET_MAX_BYTES is unset: 1 MiB.
const limit = 1 << 20

type hosted struct {
	name string
	self bool
	srv  *mcpfunctest.Server
}

// serveBoth serves the app in each hosting with settings.
func serveBoth(t *testing.T, settings map[string]string) []hosted {
	t.Helper()
	var out []hosted
	for _, h := range []string{"triggers", "self"} {
		srv := mcpfunctest.Serve(t, mcpfunctest.ServeOptions{Hosting: h, Settings: settings})
		out = append(out, hosted{name: h, self: h == "self", srv: srv})
	}
	return out
}

func call(t *testing.T, s *mcp.ClientSession, tool string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	res, err := s.CallTool(t.Context(), &mcp.CallToolParams{Name: tool, Arguments: args})
	require.NoError(t, err, "tools/call %s", tool)
	return res
}

func text(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

func requireText(t *testing.T, res *mcp.CallToolResult, want string) {
	t.Helper()
	require.False(t, res.IsError, "isError: %q", text(res))
	require.Len(t, res.Content, 1)
	require.Equal(t, want, text(res))
}

func requireToolError(t *testing.T, res *mcp.CallToolResult, want string) {
	t.Helper()
	require.True(t, res.IsError, "want isError, got %q", text(res))
	require.Equal(t, want, text(res))
}

func rpcError(t *testing.T, err error) *jsonrpc.Error {
	t.Helper()
	var werr *jsonrpc.Error
	require.True(t, errors.As(err, &werr), "want a JSON-RPC error, got %T: %v", err, err)
	return werr
}

func generic(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var g any
	require.NoError(t, json.Unmarshal(b, &g))
	return g
}

func saveArgs(name, content string) map[string]any {
	return map[string]any{"snippetname": name, "snippet": content}
}

func saved(name string) string    { return "Snippet '" + name + "' saved successfully" }
func notFound(name string) string { return "Snippet '" + name + "' not found." }

// badName is the name rule's message, the name quoted as Go quotes it and
// cut after 40 characters.
func badName(quoted string) string {
	return "Invalid snippet name " + quoted + ": use 1-128 letters, digits, '.', '_' or '-', not starting with '.'."
}

// TestSnippetsEndToEnd drives every snippet function through each
// hosting.
func TestSnippetsEndToEnd(t *testing.T) {
	for _, h := range serveBoth(t, nil) {
		t.Run(h.name, func(t *testing.T) {
			srv, s, p := h.srv, h.srv.Session, "e2e-"+h.name+"-"

			t.Run("tools/list", func(t *testing.T) {
				res, err := s.ListTools(t.Context(), nil)
				require.NoError(t, err)
				required := map[string][]any{}
				for _, tool := range res.Tools {
					required[tool.Name], _ = generic(t, tool.InputSchema).(map[string]any)["required"].([]any)
				}
				for _, name := range []string{"hello", "getsnippet", "savesnippet", "listsnippets", "deletesnippet"} {
					assert.Contains(t, required, name)
				}
				assert.Equal(t, []any{"snippetname", "snippet"}, required["savesnippet"], "both, in this order")
				assert.Equal(t, []any{"snippetname"}, required["getsnippet"])

				// Titles and annotations: the self hosting lists them; the
				// MCP extension lists neither (docs/hostings.md).
				hints := map[string]any{}
				for _, tool := range res.Tools {
					if tool.Title != "" || tool.Annotations != nil {
						hints[tool.Name] = map[string]any{"title": tool.Title, "annotations": generic(t, tool.Annotations)}
					}
				}
				if !h.self {
					assert.Empty(t, hints)
					return
				}
				hint := func(title string, readOnly, destructive, idempotent bool) any {
					return map[string]any{"title": title, "annotations": map[string]any{
						"readOnlyHint": readOnly, "destructiveHint": destructive, "idempotentHint": idempotent, "openWorldHint": false}}
				}
				assert.Equal(t, map[string]any{
					"hello":         map[string]any{"title": "", "annotations": map[string]any{"readOnlyHint": true, "destructiveHint": false, "idempotentHint": true, "openWorldHint": false}},
					"getsnippet":    hint("Get a snippet", true, false, true),
					"listsnippets":  hint("List snippets", true, false, true),
					"savesnippet":   hint("Save a snippet", false, true, true),
					"deletesnippet": hint("Delete a snippet", false, true, true),
				}, hints)
			})

			t.Run("save, get, list, delete", func(t *testing.T) {
				name, content := p+"round-trip", "def f():\n    return \"é\\n\"\n"
				requireText(t, call(t, s, "savesnippet", saveArgs(name, content)), saved(name))
				blob, found := srv.Blob("snippets", name+".json")
				require.True(t, found, "stored as snippets/<name>.json")
				assert.Equal(t, content, string(blob), "as raw text, byte for byte")

				res := call(t, s, "getsnippet", map[string]any{"snippetname": name})
				requireText(t, res, content)
				assert.Equal(t, map[string]any{"name": name, "content": content}, generic(t, res.StructuredContent))

				res = call(t, s, "listsnippets", map[string]any{"prefix": name})
				require.False(t, res.IsError, text(res))
				list := generic(t, res.StructuredContent).(map[string]any)["snippets"].([]any)
				require.Len(t, list, 1)
				assert.Equal(t, name, list[0].(map[string]any)["name"])
				assert.Equal(t, float64(len(content)), list[0].(map[string]any)["size"])
				assert.True(t, strings.HasPrefix(text(res), fmt.Sprintf("%s (%d bytes, saved ", name, len(content))), text(res))
				// After the text, a link to the snippet resource, which
				// reads the snippet.
				require.Len(t, res.Content, 2)
				assert.Equal(t, map[string]any{"type": "resource_link", "uri": "snippet://" + name, "name": name, "mimeType": "text/plain"}, generic(t, res.Content[1]))
				read, err := s.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: res.Content[1].(*mcp.ResourceLink).URI})
				require.NoError(t, err)
				require.Len(t, read.Contents, 1)
				assert.Equal(t, content, read.Contents[0].Text)
				assert.Equal(t, "text/plain", read.Contents[0].MIMEType, "what the link said")

				requireText(t, call(t, s, "deletesnippet", map[string]any{"snippetname": name}), "Snippet '"+name+"' deleted.")
				_, found = srv.Blob("snippets", name+".json")
				assert.False(t, found)
				requireToolError(t, call(t, s, "getsnippet", map[string]any{"snippetname": name}), notFound(name))
				requireToolError(t, call(t, s, "deletesnippet", map[string]any{"snippetname": name}), notFound(name))
				requireText(t, call(t, s, "listsnippets", map[string]any{"prefix": name}), "No snippets.")

				// What another program (the Python sample) stored reads back.
				srv.SetBlob("snippets", p+"from-python.json", []byte("print('hi')\n"))
				requireText(t, call(t, s, "getsnippet", map[string]any{"snippetname": p + "from-python"}), "print('hi')\n")
			})

			t.Run("names", func(t *testing.T) {
				srv.SetBlob("snippets", "a/b.json", []byte("not for a bad name"))
				names := map[string]string{
					"../x":                   `"../x"`,
					"a/b":                    `"a/b"`,
					".hidden":                `".hidden"`,
					"has space":              `"has space"`,
					"tab\tname":              `"tab\tname"`,
					"ünïcode":                `"ünïcode"`,
					strings.Repeat("n", 129): `"` + strings.Repeat("n", 40) + `"…`,
				}
				for _, name := range slices.Sorted(maps.Keys(names)) {
					t.Run(name[:min(len(name), 20)], func(t *testing.T) {
						before := srv.Blobs()
						requireToolError(t, call(t, s, "savesnippet", saveArgs(name, "x")), badName(names[name]))
						requireToolError(t, call(t, s, "getsnippet", map[string]any{"snippetname": name}), badName(names[name]))
						requireToolError(t, call(t, s, "deletesnippet", map[string]any{"snippetname": name}), badName(names[name]))
						assert.Equal(t, before, srv.Blobs(), "nothing is written or deleted")
					})
				}
				longest := p + strings.Repeat("n", 128-len(p))
				requireText(t, call(t, s, "savesnippet", saveArgs(longest, "ok")), saved(longest))
				requireText(t, call(t, s, "getsnippet", map[string]any{"snippetname": longest}), "ok")

				before := srv.Blobs()
				requireToolError(t, call(t, s, "savesnippet", saveArgs("", "x")), "No snippet name provided")
				requireToolError(t, call(t, s, "savesnippet", saveArgs(p+"empty", "")), "No snippet content provided")
				requireToolError(t, call(t, s, "getsnippet", map[string]any{"snippetname": ""}), "No snippet name provided")
				assert.Equal(t, before, srv.Blobs())
			})

			t.Run("content at and over the limit", func(t *testing.T) {
				tooLarge := func(name string, n int) string {
					return fmt.Sprintf("Snippet '%s' is too large: %d bytes, the limit is %d bytes.", name, n, limit)
				}
				// Far past the limit in the host's encoding, the trigger
				// hosting's handler reads no more of the call and the
				// library says so; self-hosted, the tool does.
				farOver := func(name string, n int) string {
					if h.self {
						return tooLarge(name, n)
					}
					return fmt.Sprintf("The call is too large: this server takes arguments and blobs of up to %d bytes.", limit)
				}
				tests := []struct {
					name, content, want string
				}{
					{p + "at-limit", strings.Repeat("\x01", limit), ""},
					{p + "one-over", strings.Repeat("\x01", limit+1), tooLarge(p+"one-over", limit+1)},
					{p + "twice", strings.Repeat("x", 2*limit), tooLarge(p+"twice", 2*limit)},
					{p + "far-over", strings.Repeat("\x01", 1_677_672), farOver(p+"far-over", 1_677_672)},
				}
				for _, tt := range tests {
					before := srv.Blobs()
					res := call(t, s, "savesnippet", saveArgs(tt.name, tt.content))
					if tt.want == "" {
						requireText(t, res, saved(tt.name))
						blob, _ := srv.Blob("snippets", tt.name+".json")
						assert.Equal(t, tt.content, string(blob))
						requireText(t, call(t, s, "getsnippet", map[string]any{"snippetname": tt.name}), tt.content)
						continue
					}
					requireToolError(t, res, tt.want)
					assert.Equal(t, before, srv.Blobs(), "nothing is written for %s", tt.name)
				}
			})

			t.Run("list pages", func(t *testing.T) {
				prefix := p + "page-"
				var want []string
				for i := range 5 {
					name := fmt.Sprintf("%s%d", prefix, i)
					requireText(t, call(t, s, "savesnippet", saveArgs(name, strings.Repeat("x", i+1))), saved(name))
					want = append(want, name)
				}
				var got []string
				sizes := map[string]float64{}
				args := map[string]any{"prefix": prefix, "limit": 2}
				pages := 0
				for {
					pages++
					require.Less(t, pages, 10)
					res := call(t, s, "listsnippets", args)
					require.False(t, res.IsError, text(res))
					sc := generic(t, res.StructuredContent).(map[string]any)
					for _, it := range sc["snippets"].([]any) {
						m := it.(map[string]any)
						got = append(got, m["name"].(string))
						sizes[m["name"].(string)] = m["size"].(float64)
						assert.Contains(t, text(res), m["name"].(string))
					}
					next, _ := sc["nextCursor"].(string)
					if next == "" {
						break
					}
					assert.Contains(t, text(res), "call listsnippets again with cursor", "the text says how to go on")
					args = map[string]any{"prefix": prefix, "limit": 2, "cursor": next}
				}
				assert.Equal(t, want, got)
				assert.Equal(t, 3, pages, "5 snippets, 2 a page")
				assert.Equal(t, float64(3), sizes[prefix+"2"])

				// A cursor given for one prefix is refused for another.
				res := call(t, s, "listsnippets", map[string]any{"prefix": prefix, "limit": 2})
				next := generic(t, res.StructuredContent).(map[string]any)["nextCursor"].(string)
				const foreign = "That cursor is not one listsnippets gave for this prefix: pass the nextCursor of the previous page as it is, with the same prefix, or leave cursor out to list from the start."
				requireToolError(t, call(t, s, "listsnippets", map[string]any{"prefix": p, "cursor": next}), foreign)
			})

			t.Run("list arguments", func(t *testing.T) {
				const foreign = "That cursor is not one listsnippets gave for this prefix: pass the nextCursor of the previous page as it is, with the same prefix, or leave cursor out to list from the start."
				none := p + "none-"
				tests := []struct {
					args map[string]any
					want string
					err  bool
				}{
					{map[string]any{"prefix": none, "limit": json.RawMessage(`5.0`)}, "No snippets.", false},
					{map[string]any{"prefix": none, "limit": json.RawMessage(`5e0`)}, "No snippets.", false},
					{map[string]any{"limit": "ten"}, "Argument 'limit' must be an integer, not a string.", true},
					{map[string]any{"limit": json.RawMessage(`5.5`)}, "Argument 'limit' must be an integer, not 5.5.", true},
					{map[string]any{"limit": 5000}, "Argument 'limit' must be between 1 and 1000.", true},
					{map[string]any{"limit": json.RawMessage(`1e9`)}, "Argument 'limit' must be between 1 and 1000.", true},
					{map[string]any{"limit": json.RawMessage(`1000000000`)}, "Argument 'limit' must be between 1 and 1000.", true},
					{map[string]any{"limit": 0}, "Argument 'limit' must be between 1 and 1000.", true},
					{map[string]any{"pagesize": 3}, "Unknown argument 'pagesize'; the arguments are 'prefix', 'limit', 'cursor'.", true},
					{map[string]any{"cursor": p + "page-0.json"}, foreign, true},
					{map[string]any{"cursor": "a\u0000b"}, foreign, true},
				}
				for _, tt := range tests {
					res := call(t, s, "listsnippets", tt.args)
					if tt.err {
						requireToolError(t, res, tt.want)
					} else {
						requireText(t, res, tt.want)
					}
				}
			})

			t.Run("resource template", func(t *testing.T) {
				list, err := s.ListResourceTemplates(t.Context(), nil)
				require.NoError(t, err)
				require.Len(t, list.ResourceTemplates, 1)
				rt := list.ResourceTemplates[0]
				assert.Equal(t, "snippet://{name}", rt.URITemplate)
				assert.Equal(t, "snippet", rt.Name)
				assert.Equal(t, "text/plain", rt.MIMEType)
				assert.Equal(t, "A saved code snippet, by name.", rt.Description)

				requireText(t, call(t, s, "savesnippet", saveArgs(p+"res", "line 1\nline 2")), saved(p+"res"))
				got, err := s.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: "snippet://" + p + "res"})
				require.NoError(t, err)
				require.Len(t, got.Contents, 1)
				assert.Equal(t, "snippet://"+p+"res", got.Contents[0].URI)
				assert.Equal(t, "text/plain", got.Contents[0].MIMEType)
				assert.Equal(t, "line 1\nline 2", got.Contents[0].Text)

				before := srv.Blobs()
				selfSays := map[string]string{
					"snippet://" + p + "never-saved": notFound(p + "never-saved"),
					"snippet://..":                   badName(`".."`),
					"snippet://a%2Fb":                badName(`"a%2Fb"`),
				}
				for uri, msg := range selfSays {
					_, err := s.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: uri})
					werr := rpcError(t, err)
					if h.self {
						assert.Equal(t, int64(jsonrpc.CodeInvalidParams), werr.Code, uri)
						assert.Equal(t, msg, werr.Message, uri)
						continue
					}
					assert.Equal(t, int64(jsonrpc.CodeInternalError), werr.Code, uri)
					assert.Equal(t, "An error occurred.", werr.Message, "the extension carries no message of its own for %s", uri)
				}
				assert.Equal(t, before, srv.Blobs(), "reads write nothing")
			})

			t.Run("review prompt", func(t *testing.T) {
				list, err := s.ListPrompts(t.Context(), nil)
				require.NoError(t, err)
				require.Len(t, list.Prompts, 1)
				pr := list.Prompts[0]
				assert.Equal(t, "reviewsnippet", pr.Name)
				require.Len(t, pr.Arguments, 2)
				assert.Equal(t, "snippetname", pr.Arguments[0].Name)
				assert.True(t, pr.Arguments[0].Required)
				assert.Equal(t, "focus", pr.Arguments[1].Name)
				assert.False(t, pr.Arguments[1].Required)

				requireText(t, call(t, s, "savesnippet", saveArgs(p+"rev", "def f(x): return x*2")), saved(p+"rev"))
				got, err := s.GetPrompt(t.Context(), &mcp.GetPromptParams{Name: "reviewsnippet", Arguments: map[string]string{"snippetname": p + "rev", "focus": "naming"}})
				require.NoError(t, err)
				require.Len(t, got.Messages, 1)
				assert.Equal(t, mcp.Role("user"), got.Messages[0].Role)
				msg := got.Messages[0].Content.(*mcp.TextContent).Text
				assert.True(t, strings.HasPrefix(msg, "Please review the code snippet '"+p+"rev', paying most attention to naming."), msg)
				assert.Contains(t, msg, "```\ndef f(x): return x*2\n```")

				_, err = s.GetPrompt(t.Context(), &mcp.GetPromptParams{Name: "reviewsnippet", Arguments: map[string]string{"focus": "x"}})
				werr := rpcError(t, err)
				assert.Equal(t, int64(jsonrpc.CodeInvalidParams), werr.Code)
				assert.Equal(t, "One or more required prompt arguments are missing values. Please provide: snippetname", werr.Message)
				_, err = s.GetPrompt(t.Context(), &mcp.GetPromptParams{Name: "reviewsnippet", Arguments: map[string]string{"snippetname": p + "never"}})
				never := "An error occurred."
				if h.self {
					never = notFound(p + "never")
				}
				assert.Equal(t, never, rpcError(t, err).Message)
			})

			t.Run("protocol", func(t *testing.T) {
				// The self hosting speaks the newest protocol with the
				// client Serve connects (go-sdk's, which tries 2026-07-28
				// first): every case above ran at it. The MCP extension
				// speaks 2025-06-18 at most.
				want := "2025-06-18"
				if h.self {
					want = "2026-07-28"
				}
				assert.Equal(t, want, s.InitializeResult().ProtocolVersion)
			})

			t.Run("completions", func(t *testing.T) {
				template := &mcp.CompleteReference{Type: "ref/resource", URI: "snippet://{name}"}
				prompt := &mcp.CompleteReference{Type: "ref/prompt", Name: "reviewsnippet"}
				complete := func(ref *mcp.CompleteReference, arg, value string) (*mcp.CompleteResult, error) {
					return s.Complete(t.Context(), &mcp.CompleteParams{Ref: ref, Argument: mcp.CompleteParamsArgument{Name: arg, Value: value}})
				}
				for _, name := range []string{"cmp-alps", "cmp-alpha", "cmp-beta"} {
					requireText(t, call(t, s, "savesnippet", saveArgs(p+name, "x")), saved(p+name))
				}
				srv.SetBlob("snippets", p+"cmp-al.txt", []byte("not a snippet: no .json"))
				if !h.self {
					// The MCP extension serves no completions: its C# SDK
					// answers the method as unknown (docs/hostings.md).
					assert.Nil(t, s.InitializeResult().Capabilities.Completions)
					_, err := complete(template, "name", p+"cmp-al")
					werr := rpcError(t, err)
					assert.Equal(t, int64(jsonrpc.CodeMethodNotFound), werr.Code)
					assert.Equal(t, "Method 'completion/complete' is not available.", werr.Message)
					return
				}
				assert.NotNil(t, s.InitializeResult().Capabilities.Completions)
				for _, c := range []struct {
					ref  *mcp.CompleteReference
					arg  string
					want []string
				}{{template, "name", []string{p + "cmp-alpha", p + "cmp-alps"}}, {prompt, "snippetname", []string{p + "cmp-alpha", p + "cmp-alps"}}, {prompt, "focus", []string{}}} {
					res, err := complete(c.ref, c.arg, p+"cmp-al")
					require.NoError(t, err)
					assert.Equal(t, mcp.CompletionResultDetails{Values: c.want, Total: len(c.want)}, res.Completion, "%s %s", c.ref.Type, c.arg)
				}
				before := srv.Blobs()
				for _, bad := range []string{"../", "a/b", ".x"} {
					res, err := complete(template, "name", bad)
					require.NoError(t, err, bad)
					assert.Empty(t, res.Completion.Values, "no name starts with %q", bad)
				}
				assert.Equal(t, before, srv.Blobs(), "completions write nothing")
			})
		})
	}
}

// TestMaxBytesSetting: SNIPPET_MAX_BYTES, an app setting, reaches the
// sample in each hosting, in bytes.
func TestMaxBytesSetting(t *testing.T) {
	for _, h := range serveBoth(t, map[string]string{"SNIPPET_MAX_BYTES": "16"}) {
		t.Run(h.name, func(t *testing.T) {
			s := h.srv.Session
			ok, over := "max-ok-"+h.name, "max-over-"+h.name
			requireText(t, call(t, s, "savesnippet", saveArgs(ok, strings.Repeat("x", 16))), saved(ok))
			before := h.srv.Blobs()
			// One byte over, in fewer characters: the limit is in bytes.
			content := strings.Repeat("é", 8) + "x"
			requireToolError(t, call(t, s, "savesnippet", saveArgs(over, content)),
				fmt.Sprintf("Snippet '%s' is too large: 17 bytes, the limit is 16 bytes.", over))
			assert.Equal(t, before, h.srv.Blobs(), "nothing is written")
		})
	}
}

// TestVerifyInBothHostings: the handler's -verify (make verify) passes against
// the sample served as make start serves it, in both hostings, with a
// key and without, never prints the key, and its probe leaves no
// snippet behind: the storage, listed after, holds no verify-* blob.
func TestVerifyInBothHostings(t *testing.T) {
	const key = "sample-verify-key-5b1e"
	for _, hosting := range []string{"triggers", "self"} {
		for _, k := range []string{"", key} {
			t.Run(fmt.Sprintf("%s/key=%t", hosting, k != ""), func(t *testing.T) {
				srv := mcpfunctest.Serve(t, mcpfunctest.ServeOptions{Hosting: hosting, Key: k})
				out, err := srv.Verify()
				require.NoError(t, err, out)
				lines := strings.Split(strings.TrimSpace(out), "\n")
				assert.True(t, strings.HasPrefix(lines[len(lines)-1], "verify: PASS"), out)
				assert.Regexp(t, `streamable: probe of savesnippet +pass +called savesnippet, called getsnippet, called listsnippets, read snippet://verify-[0-9a-f]{12}, got reviewsnippet, called deletesnippet`, out,
					"the probe made and read a snippet of its own")
				assert.NotContains(t, out, key)
				if k != "" {
					assert.Contains(t, out, "streamable: refused without the key")
				}
				if hosting == "triggers" {
					assert.Contains(t, out, "sse: probe of savesnippet")
				}
				for name := range srv.Blobs() {
					assert.NotContains(t, name, "verify-", "probe data left behind")
				}
			})
		}
	}
}
