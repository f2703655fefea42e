package e2e

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/hosting"
	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// TestSnippetFunctions drives the functions beyond the seed's three
// through each hosting, on each transport it serves: structured content,
// the snippet:// resource template, the review prompt, listing and
// deleting, each with a real Azurite. Resource and prompt failures are
// the extension's -32603 in the trigger hosting and say what is wrong in
// the self hosting.
func TestSnippetFunctions(t *testing.T) {
	az := testenv.SharedAzurite(t)
	forEachHosting(t, func(t *testing.T, h hostingCase) { snippetFunctions(t, h, az) })
}

func snippetFunctions(t *testing.T, h hostingCase, az *testenv.Azurite) {
	dh := h.start(t, serverOptions{Storage: az.ConnectionString()})
	self := h.mode == hosting.Self
	for _, tr := range transportsOf(dh) {
		t.Run(tr.name, func(t *testing.T) {
			s := connect(t, tr.dial(dh, nil))
			p := "fn-" + h.name[:4] + "-" + tr.name + "-"
			save := func(name, content string) {
				t.Helper()
				requireText(t, call(t, s, "savesnippet", map[string]any{"snippetname": name, "snippet": content}), fmt.Sprintf("Snippet '%s' saved successfully", name))
			}

			t.Run("getsnippet structured content", func(t *testing.T) {
				save(p+"get", "print(1)")
				res := call(t, s, "getsnippet", map[string]any{"snippetname": p + "get"})
				requireText(t, res, "print(1)")
				assert.Equal(t, map[string]any{"name": p + "get", "content": "print(1)"}, generic(t, res.StructuredContent))
				missing := call(t, s, "getsnippet", map[string]any{"snippetname": p + "nope"})
				requireToolError(t, missing, fmt.Sprintf("Snippet '%s' not found.", p+"nope"))
				assert.Nil(t, missing.StructuredContent)
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
				static, err := s.ListResources(t.Context(), nil)
				require.NoError(t, err)
				assert.Empty(t, static.Resources, "a template is listed only with the templates")

				save(p+"res", "line 1\nline 2")
				got, err := s.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: "snippet://" + p + "res"})
				require.NoError(t, err)
				require.Len(t, got.Contents, 1)
				assert.Equal(t, "snippet://"+p+"res", got.Contents[0].URI)
				assert.Equal(t, "text/plain", got.Contents[0].MIMEType)
				assert.Equal(t, "line 1\nline 2", got.Contents[0].Text)

				before := az.Listing(t)
				// The self hosting's messages: the function's own, the
				// template matched as the extension matches it (literal
				// text case-insensitively, a parameter taken raw).
				selfSays := map[string]string{
					"snippet://" + p + "never-saved": fmt.Sprintf("Snippet '%s' not found.", p+"never-saved"),
					"snippet://..":                   `Invalid snippet name "..": use 1-128 letters, digits, '.', '_' or '-', not starting with '.'.`,
					"snippet://a%2Fb":                `Invalid snippet name "a%2Fb": use 1-128 letters, digits, '.', '_' or '-', not starting with '.'.`,
					"SNIPPET://" + p + "x y":         fmt.Sprintf(`Invalid snippet name "%sx y": use 1-128 letters, digits, '.', '_' or '-', not starting with '.'.`, p),
				}
				for uri, msg := range selfSays {
					_, err := s.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: uri})
					werr := rpcError(t, err)
					if self {
						assert.Equal(t, int64(jsonrpc.CodeInvalidParams), werr.Code, uri)
						assert.Equal(t, msg, werr.Message, uri)
						continue
					}
					assert.Equal(t, int64(jsonrpc.CodeInternalError), werr.Code, uri)
					assert.Equal(t, "An error occurred.", werr.Message, "the extension carries no message of its own for %s", uri)
				}
				unknown := func(uri string) string {
					if self {
						return "Resource not found"
					}
					return "Unknown resource: '" + uri + "'"
				}
				_, err = s.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: "other://x"})
				werr := rpcError(t, err)
				assert.Equal(t, int64(jsonrpc.CodeInvalidParams), werr.Code)
				assert.Equal(t, unknown("other://x"), werr.Message)
				_, err = s.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: "snippet://a/b"})
				assert.Equal(t, unknown("snippet://a/b"), rpcError(t, err).Message, "a parameter never spans a /")
				assert.Equal(t, before, az.Listing(t), "reads write nothing")
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

				save(p+"rev", "def f(x): return x*2")
				got, err := s.GetPrompt(t.Context(), &mcp.GetPromptParams{Name: "reviewsnippet", Arguments: map[string]string{"snippetname": p + "rev", "focus": "naming"}})
				require.NoError(t, err)
				require.Len(t, got.Messages, 1)
				assert.Equal(t, mcp.Role("user"), got.Messages[0].Role)
				text := got.Messages[0].Content.(*mcp.TextContent).Text
				assert.True(t, strings.HasPrefix(text, "Please review the code snippet '"+p+"rev', paying most attention to naming."), text)
				assert.Contains(t, text, "```\ndef f(x): return x*2\n```")

				_, err = s.GetPrompt(t.Context(), &mcp.GetPromptParams{Name: "reviewsnippet", Arguments: map[string]string{"focus": "x"}})
				werr := rpcError(t, err)
				assert.Equal(t, int64(jsonrpc.CodeInvalidParams), werr.Code)
				assert.Equal(t, "One or more required prompt arguments are missing values. Please provide: snippetname", werr.Message)
				_, err = s.GetPrompt(t.Context(), &mcp.GetPromptParams{Name: "reviewsnippet", Arguments: map[string]string{"snippetname": p + "never"}})
				never, unknown := "An error occurred.", "Unknown prompt: 'nosuchprompt'"
				if self {
					never, unknown = fmt.Sprintf("Snippet '%s' not found.", p+"never"), `unknown prompt "nosuchprompt"`
				}
				assert.Equal(t, never, rpcError(t, err).Message)
				_, err = s.GetPrompt(t.Context(), &mcp.GetPromptParams{Name: "nosuchprompt"})
				assert.Equal(t, unknown, rpcError(t, err).Message)
			})

			t.Run("list pages and delete", func(t *testing.T) {
				prefix := p + "page-"
				var want []string
				for i := range 5 {
					name := fmt.Sprintf("%s%d", prefix, i)
					save(name, strings.Repeat("x", i+1))
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
					args = map[string]any{"prefix": prefix, "limit": 2, "cursor": next}
				}
				assert.Equal(t, want, got)
				assert.Equal(t, 3, pages, "5 snippets, 2 a page")
				assert.Equal(t, float64(3), sizes[prefix+"2"])

				requireText(t, call(t, s, "deletesnippet", map[string]any{"snippetname": prefix + "0"}), fmt.Sprintf("Snippet '%s' deleted.", prefix+"0"))
				requireToolError(t, call(t, s, "getsnippet", map[string]any{"snippetname": prefix + "0"}), fmt.Sprintf("Snippet '%s' not found.", prefix+"0"))
				requireToolError(t, call(t, s, "deletesnippet", map[string]any{"snippetname": prefix + "0"}), fmt.Sprintf("Snippet '%s' not found.", prefix+"0"))
				_, stillThere := az.Blob(t, container, blobName(prefix+"1"))
				assert.True(t, stillThere, "only the one named is deleted")

				before := az.Listing(t)
				res := call(t, s, "deletesnippet", map[string]any{"snippetname": "../" + prefix + "1"})
				require.True(t, res.IsError)
				assert.True(t, strings.HasPrefix(text(res), "Invalid snippet name"), text(res))
				requireToolError(t, call(t, s, "listsnippets", map[string]any{"limit": 5000}), "Argument 'limit' must be between 1 and 1000.")
				assert.Equal(t, before, az.Listing(t))
			})
		})
	}
}

// generic is v as encoding/json would decode it.
func generic(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	var g any
	require.NoError(t, json.Unmarshal(b, &g))
	return g
}

// TestSnippetFunctionsWithInspector: the pinned Inspector CLI lists and
// reads the template, gets the prompt, lists and deletes, as
// docs/local.md#connect-the-mcp-inspector shows, in each hosting.
func TestSnippetFunctionsWithInspector(t *testing.T) {
	az := testenv.SharedAzurite(t)
	forEachHosting(t, func(t *testing.T, h hostingCase) {
		dh := h.start(t, serverOptions{Storage: az.ConnectionString(), Key: testKey}).Endpoints()
		snippetFunctionsWithInspector(t, dh, az)
	})
}

func snippetFunctionsWithInspector(t *testing.T, dh *testenv.Endpoint, az *testenv.Azurite) {
	az.PutBlob(t, container, blobName("insp-fn"), []byte("print('hi')"))
	base := []string{dh.URL + "?code=" + url.QueryEscape(testKey), "--transport", "http", "--format", "json", "--stored-auth-only"}
	run := func(t *testing.T, args ...string) json.RawMessage {
		t.Helper()
		r := testenv.Inspector(t, append(slices.Clone(base), args...)...)
		require.Equal(t, inspectorOK, r.ExitCode, "stdout: %s\nstderr: %s", r.Stdout, r.Stderr)
		var out inspectorOutput
		require.NoError(t, json.Unmarshal(r.Stdout, &out), "%s", r.Stdout)
		return out.Result
	}
	var templates struct {
		ResourceTemplates []struct{ URITemplate string } `json:"resourceTemplates"`
	}
	require.NoError(t, json.Unmarshal(run(t, "--method", "resources/templates/list"), &templates))
	require.Len(t, templates.ResourceTemplates, 1)
	assert.Equal(t, "snippet://{name}", templates.ResourceTemplates[0].URITemplate)

	var read struct {
		Contents []struct{ URI, MimeType, Text string } `json:"contents"`
	}
	require.NoError(t, json.Unmarshal(run(t, "--method", "resources/read", "--uri", "snippet://insp-fn"), &read))
	require.Len(t, read.Contents, 1)
	assert.Equal(t, "print('hi')", read.Contents[0].Text)

	var prompt struct {
		Messages []struct {
			Role    string
			Content struct{ Text string }
		} `json:"messages"`
	}
	require.NoError(t, json.Unmarshal(run(t, "--method", "prompts/get", "--prompt-name", "reviewsnippet", "--prompt-args", "snippetname=insp-fn", "focus=naming"), &prompt))
	require.Len(t, prompt.Messages, 1)
	assert.Contains(t, prompt.Messages[0].Content.Text, "print('hi')")
	assert.Contains(t, prompt.Messages[0].Content.Text, "naming")

	callText := func(raw json.RawMessage) callResult {
		var res callResult
		require.NoError(t, json.Unmarshal(raw, &res), "%s", raw)
		return res
	}
	res := callText(run(t, "--method", "tools/call", "--tool-name", "listsnippets", "--tool-arg", "prefix=insp-fn", "limit=10"))
	require.False(t, res.IsError)
	assert.Contains(t, res.Content[0].Text, "insp-fn (11 bytes")
	res = callText(run(t, "--method", "tools/call", "--tool-name", "deletesnippet", "--tool-arg", "snippetname=insp-fn"))
	assert.Equal(t, "Snippet 'insp-fn' deleted.", res.Content[0].Text)
	_, exists := az.Blob(t, container, blobName("insp-fn"))
	assert.False(t, exists)
}
