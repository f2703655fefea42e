package e2e

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/fixture"
	"remote-mcp-functions-go/mcpfunc/internal/hosting"
	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// TestFunctions drives the fixture's functions beyond plain tools
// through each hosting, on each transport it serves: the item://{key}
// resource template, the describe prompt, and keys and remove, which
// reach storage through the app's own client (mcpfunc.Call.Storage), each
// with a real Azurite. Resource and prompt failures are the extension's
// -32603 in the trigger hosting and say what is wrong in the self hosting.
func TestFunctions(t *testing.T) {
	az := testenv.SharedAzurite(t)
	forEachHosting(t, func(t *testing.T, h hostingCase) { functions(t, h, az) })
}

func functions(t *testing.T, h hostingCase, az *testenv.Azurite) {
	srv := h.start(t, serverOptions{Storage: az.ConnectionString()})
	self := h.mode == hosting.Self
	for _, tr := range transportsOf(srv) {
		t.Run(tr.name, func(t *testing.T) {
			s := connect(t, tr.dial(srv, nil))
			p := "fn-" + h.name[:4] + "-" + tr.name + "-"

			t.Run("resource template", func(t *testing.T) {
				list, err := s.ListResourceTemplates(t.Context(), nil)
				require.NoError(t, err)
				require.Len(t, list.ResourceTemplates, 1)
				rt := list.ResourceTemplates[0]
				assert.Equal(t, "item://{key}", rt.URITemplate)
				assert.Equal(t, "item", rt.Name)
				assert.Equal(t, "Item", rt.Title)
				assert.Equal(t, "text/plain", rt.MIMEType)
				assert.Equal(t, "An item's text, by key.", rt.Description)
				static, err := s.ListResources(t.Context(), nil)
				require.NoError(t, err)
				require.Len(t, static.Resources, 1, "a template is listed only with the templates")
				assert.Equal(t, fixture.ViewURI, static.Resources[0].URI)

				put(t, s, p+"res", "line 1\nline 2")
				got, err := s.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: "item://" + p + "res"})
				require.NoError(t, err)
				require.Len(t, got.Contents, 1)
				assert.Equal(t, "item://"+p+"res", got.Contents[0].URI)
				assert.Equal(t, "text/plain", got.Contents[0].MIMEType)
				assert.Equal(t, "line 1\nline 2", got.Contents[0].Text)

				before := az.Listing(t)
				// The self hosting's messages: the function's own, the
				// template matched as the extension matches it (literal
				// text case-insensitively, a parameter taken raw).
				selfSays := map[string]string{
					"item://" + p + "never-put": notFound(p + "never-put"),
					"item://..":                 badKey(".."),
					"item://a%2Fb":              badKey("a%2Fb"),
					"ITEM://" + p + "x y":       badKey(p + "x y"),
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
				_, err = s.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: "item://a/b"})
				assert.Equal(t, unknown("item://a/b"), rpcError(t, err).Message, "a parameter never spans a /")
				assert.Equal(t, before, az.Listing(t), "reads write nothing")
			})

			t.Run("view", func(t *testing.T) {
				// The resource's metadata is its _meta in resources/list
				// (DefaultResourceRegistry.cs 92 @cd0d1e8c), and not on
				// the read contents, which the extension builds from the
				// trigger's uri and mimeType alone
				// (ResourceReturnValueBinder.cs): the same in both
				// hostings.
				static, err := s.ListResources(t.Context(), nil)
				require.NoError(t, err)
				require.Len(t, static.Resources, 1)
				assert.Equal(t, map[string]any{
					"uri": "ui://items/view", "name": "items_view", "title": "Items", "description": "A view of the items' keys.",
					"mimeType": "text/html;profile=mcp-app", "_meta": map[string]any{"ui": map[string]any{"prefersBorder": true}},
				}, generic(t, static.Resources[0]))
				got, err := s.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: "ui://items/view"})
				require.NoError(t, err)
				require.Len(t, got.Contents, 1)
				assert.Equal(t, map[string]any{"uri": "ui://items/view", "mimeType": "text/html;profile=mcp-app", "text": fixture.ViewHTML},
					generic(t, got.Contents[0]), "the page as the function returned it, no _meta")
			})

			t.Run("prompt", func(t *testing.T) {
				list, err := s.ListPrompts(t.Context(), nil)
				require.NoError(t, err)
				require.Len(t, list.Prompts, 1)
				pr := list.Prompts[0]
				assert.Equal(t, "describe", pr.Name)
				assert.Equal(t, "Describe an item", pr.Title)
				require.Len(t, pr.Arguments, 2)
				assert.Equal(t, "key", pr.Arguments[0].Name)
				assert.True(t, pr.Arguments[0].Required)
				assert.Equal(t, "style", pr.Arguments[1].Name)
				assert.False(t, pr.Arguments[1].Required)

				put(t, s, p+"rev", "def f(x): return x*2")
				got, err := s.GetPrompt(t.Context(), &mcp.GetPromptParams{Name: "describe", Arguments: map[string]string{"key": p + "rev", "style": "briefly"}})
				require.NoError(t, err)
				require.Len(t, got.Messages, 1)
				assert.Equal(t, mcp.Role("user"), got.Messages[0].Role)
				assert.Equal(t, "Describe item '"+p+"rev' briefly:\n\ndef f(x): return x*2", got.Messages[0].Content.(*mcp.TextContent).Text)

				_, err = s.GetPrompt(t.Context(), &mcp.GetPromptParams{Name: "describe", Arguments: map[string]string{"style": "x"}})
				werr := rpcError(t, err)
				assert.Equal(t, int64(jsonrpc.CodeInvalidParams), werr.Code)
				assert.Equal(t, "One or more required prompt arguments are missing values. Please provide: key", werr.Message)
				_, err = s.GetPrompt(t.Context(), &mcp.GetPromptParams{Name: "describe", Arguments: map[string]string{"key": p + "never"}})
				never, unknown := "An error occurred.", "Unknown prompt: 'nosuchprompt'"
				if self {
					never, unknown = notFound(p+"never"), `unknown prompt "nosuchprompt"`
				}
				assert.Equal(t, never, rpcError(t, err).Message)
				_, err = s.GetPrompt(t.Context(), &mcp.GetPromptParams{Name: "nosuchprompt"})
				assert.Equal(t, unknown, rpcError(t, err).Message)
			})

			t.Run("keys and remove", func(t *testing.T) {
				prefix := p + "list-"
				var want []any
				for i := range 3 {
					key := fmt.Sprintf("%s%d", prefix, i)
					put(t, s, key, fmt.Sprint(i))
					want = append(want, key)
				}
				listed := func(prefix string) any {
					t.Helper()
					res := call(t, s, "keys", map[string]any{"prefix": prefix})
					require.False(t, res.IsError, text(res))
					sc := generic(t, res.StructuredContent)
					var fromText any
					require.NoError(t, json.Unmarshal([]byte(text(res)), &fromText), "the text is the structured content's JSON: %s", text(res))
					assert.Equal(t, sc, fromText)
					return sc
				}
				assert.Equal(t, map[string]any{"keys": want}, listed(prefix))
				assert.Equal(t, map[string]any{"keys": []any{}}, listed(p+"none-"))

				requireText(t, call(t, s, "remove", map[string]any{"key": prefix + "0"}), "Removed '"+prefix+"0'")
				requireToolError(t, call(t, s, "get", map[string]any{"key": prefix + "0"}), notFound(prefix+"0"))
				requireToolError(t, call(t, s, "remove", map[string]any{"key": prefix + "0"}), notFound(prefix+"0"))
				_, stillThere := az.Blob(t, container, blobName(prefix+"1"))
				assert.True(t, stillThere, "only the one named is removed")
				assert.Equal(t, map[string]any{"keys": want[1:]}, listed(prefix))

				before := az.Listing(t)
				requireToolError(t, call(t, s, "remove", map[string]any{"key": "../" + prefix + "1"}), badKey("../"+prefix+"1"))
				assert.Equal(t, before, az.Listing(t))
			})
		})
	}
}

// TestFunctionsWithInspector: the pinned Inspector CLI lists and reads
// the template, gets the prompt, lists and removes, in each hosting.
func TestFunctionsWithInspector(t *testing.T) {
	az := testenv.SharedAzurite(t)
	forEachHosting(t, func(t *testing.T, h hostingCase) {
		dh := h.start(t, serverOptions{Storage: az.ConnectionString(), Key: testKey}).Endpoints()
		functionsWithInspector(t, dh, az, "insp-fn-"+h.name)
	})
}

func functionsWithInspector(t *testing.T, dh *testenv.Endpoint, az *testenv.Azurite, key string) {
	az.PutBlob(t, container, blobName(key), []byte("print('hi')"))
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
	assert.Equal(t, "item://{key}", templates.ResourceTemplates[0].URITemplate)

	var read struct {
		Contents []struct{ URI, MimeType, Text string } `json:"contents"`
	}
	require.NoError(t, json.Unmarshal(run(t, "--method", "resources/read", "--uri", "item://"+key), &read))
	require.Len(t, read.Contents, 1)
	assert.Equal(t, "print('hi')", read.Contents[0].Text)

	var prompt struct {
		Messages []struct {
			Role    string
			Content struct{ Text string }
		} `json:"messages"`
	}
	require.NoError(t, json.Unmarshal(run(t, "--method", "prompts/get", "--prompt-name", "describe", "--prompt-args", "key="+key, "style=briefly"), &prompt))
	require.Len(t, prompt.Messages, 1)
	assert.Equal(t, "Describe item '"+key+"' briefly:\n\nprint('hi')", prompt.Messages[0].Content.Text)

	callText := func(raw json.RawMessage) callResult {
		var res callResult
		require.NoError(t, json.Unmarshal(raw, &res), "%s", raw)
		return res
	}
	res := callText(run(t, "--method", "tools/call", "--tool-name", "keys", "--tool-arg", "prefix="+key))
	require.False(t, res.IsError)
	assert.JSONEq(t, `{"keys":["`+key+`"]}`, res.Content[0].Text)
	res = callText(run(t, "--method", "tools/call", "--tool-name", "remove", "--tool-arg", "key="+key))
	assert.Equal(t, "Removed '"+key+"'", res.Content[0].Text)
	_, exists := az.Blob(t, container, blobName(key))
	assert.False(t, exists)
}
