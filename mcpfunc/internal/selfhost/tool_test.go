package selfhost

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/decl"
)

// tools/list holds what the extension would list for each declaration's
// function.json (toolProperties as {"type":"object",…,"required":[…]},
// the outputSchema as declared); initialize presents the server as told,
// stateless, without listChanged or subscribe.
func TestListing(t *testing.T) {
	e := newEnv(t, testFunctions())
	cs := e.connect(nil)
	init := cs.InitializeResult()
	assert.Equal(t, "Test server", init.ServerInfo.Name)
	assert.Equal(t, "9.9.9", init.ServerInfo.Version)
	assert.Equal(t, "Use the tools.", init.Instructions)
	caps, _ := json.Marshal(init.Capabilities)
	assert.JSONEq(t, `{"logging":{},"prompts":{},"resources":{},"tools":{}}`, string(caps))

	res, err := cs.ListTools(t.Context(), nil)
	require.NoError(t, err)
	got := map[string]string{}
	for _, tool := range res.Tools {
		b, _ := json.Marshal(tool)
		got[tool.Name] = string(b)
	}
	assert.JSONEq(t, `{"name":"getnote","description":"Get a note.",
		"inputSchema":{"type":"object","properties":{"name":{"type":"string","description":"A name."}},"required":["name"]},
		"outputSchema":{"type":"object","properties":{"name":{"type":"string","description":"The name."},"text":{"type":"string","description":"The text."}},"required":["name","text"],"additionalProperties":false}}`, got["getnote"])
	assert.JSONEq(t, `{"name":"hello","description":"Hello.","inputSchema":{"type":"object","properties":{},"required":[]}}`, got["hello"])
	assert.Len(t, got, 5)

	tmpl, err := cs.ListResourceTemplates(t.Context(), nil)
	require.NoError(t, err)
	require.Len(t, tmpl.ResourceTemplates, 1)
	rt := tmpl.ResourceTemplates[0]
	assert.Equal(t, []string{"note://{name}", "note", "Note", "A note.", "text/plain"}, []string{rt.URITemplate, rt.Name, rt.Title, rt.Description, rt.MIMEType})

	prompts, err := cs.ListPrompts(t.Context(), nil)
	require.NoError(t, err)
	require.Len(t, prompts.Prompts, 1)
	b, _ := json.Marshal(prompts.Prompts[0])
	assert.JSONEq(t, `{"name":"reviewnote","title":"Review","description":"Review a note.","arguments":[
		{"name":"name","description":"The note.","required":true},{"name":"focus","description":"What to look at."}]}`, string(b))
}

func call(t *testing.T, cs *mcp.ClientSession, name string, args any) *mcp.CallToolResult {
	t.Helper()
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: name, Arguments: args})
	require.NoError(t, err)
	return res
}

// Calls run the declarations with the bindings the host would resolve:
// the output written where the path says, the input read back, a missing
// blob the function's own message.
func TestCallsUseTheBindings(t *testing.T) {
	e := newEnv(t, testFunctions())
	cs := e.connect(nil)

	res := call(t, cs, "savenote", map[string]any{"name": "n1", "content": "some text"})
	assert.False(t, res.IsError)
	assert.Equal(t, "saved n1", textOf(t, res))
	b, ok := e.store.Get("notes/n1.txt")
	require.True(t, ok)
	assert.Equal(t, "some text", string(b))

	res = call(t, cs, "getnote", map[string]any{"name": "n1"})
	assert.False(t, res.IsError)
	assert.JSONEq(t, `{"name":"n1","text":"some text"}`, textOf(t, res), "without a Text method, the output's JSON")
	sc, _ := json.Marshal(res.StructuredContent)
	assert.JSONEq(t, `{"name":"n1","text":"some text"}`, string(sc))

	res = call(t, cs, "getnote", map[string]any{"name": "never"})
	assert.True(t, res.IsError)
	assert.Equal(t, "Note 'never' not found.", textOf(t, res))
	assert.Equal(t, "hi", textOf(t, call(t, cs, "hello", nil)))
}

// Each failure gets the answer the trigger hosting gives it (errors.go),
// and a failed call writes nothing.
func TestToolFailures(t *testing.T) {
	e := newEnv(t, testFunctions())
	cs := e.connect(nil)
	tests := []struct {
		name string
		tool string
		args any
		want string
	}{
		{"the function's own message", "savenote", map[string]any{"name": "x", "content": ""}, "Nothing to save."},
		{"wrong type: mcpfunc's message", "savenote", map[string]any{"name": "x", "content": 42}, "Argument 'content' must be a string, not a number."},
		{"a path argument of the wrong type", "getnote", map[string]any{"name": true}, "Argument 'name' must be a string, not a boolean."},
		{"a plain tool's message: the host's generic error", "plainfail", nil, "An error occurred invoking 'plainfail'."},
		{"a bug: no details", "bug", nil, "Internal error in tool 'bug'; the function logs have the details."},
		{"a blob name storage refuses", "getnote", map[string]any{"name": strings.Repeat("n", 2000)}, "An error occurred invoking 'getnote'."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := call(t, cs, tt.tool, tt.args)
			assert.True(t, res.IsError)
			assert.Equal(t, tt.want, textOf(t, res))
		})
	}
	assert.Equal(t, 0, e.store.Writes(), "a failed call writes nothing")
	logs := e.logs.String()
	assert.Contains(t, logs, "nil pointer somewhere, with details", "the bug's details are logged")
	assert.Contains(t, logs, "storage allows 1024", "why storage refused is logged")

	e.store.FailReads(errors.New("dial tcp: connection refused"))
	res := call(t, cs, "getnote", map[string]any{"name": "n"})
	assert.Equal(t, "An error occurred invoking 'getnote'.", textOf(t, res), "storage down: the host's generic error")
}

// Before anything else, as the extension: a missing required argument is
// -32602 with its message, an unknown tool -32602 "Unknown tool".
func TestToolProtocolErrors(t *testing.T) {
	e := newEnv(t, testFunctions())
	cs := e.connect(nil)
	for _, tt := range []struct {
		tool string
		args any
		want string
	}{
		{"savenote", map[string]any{}, "One or more required tool properties are missing values. Please provide: name, content"},
		{"savenote", map[string]any{"name": "x", "content": nil}, "One or more required tool properties are missing values. Please provide: content"},
		{"nosuchtool", nil, "Unknown tool: 'nosuchtool'"},
	} {
		_, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: tt.tool, Arguments: tt.args})
		var werr *jsonrpc.Error
		require.ErrorAs(t, err, &werr)
		assert.Equal(t, int64(jsonrpc.CodeInvalidParams), werr.Code)
		assert.Equal(t, tt.want, werr.Message)
	}
	status, body, err := e.post(context.Background(), `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"savenote","arguments":[1]}}`, nil)
	require.NoError(t, err)
	assert.Equal(t, 200, status)
	assert.Contains(t, body, `"code":-32602`, "arguments that are no object")
	assert.Equal(t, 0, e.store.Writes())
}

// Resources and prompts resolve their bindings the same way and say what
// is wrong in a JSON-RPC error, which the extension cannot.
func TestResourcesAndPrompts(t *testing.T) {
	e := newEnv(t, testFunctions())
	cs := e.connect(nil)
	e.store.Set("notes/a%2Fb.txt", []byte("raw parameter"))
	e.store.Set("notes/n.txt", []byte("note text"))

	rr, err := cs.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: "note://n"})
	require.NoError(t, err)
	require.Len(t, rr.Contents, 1)
	assert.Equal(t, &mcp.ResourceContents{URI: "note://n", MIMEType: "text/plain", Text: "note text"}, rr.Contents[0])
	rr, err = cs.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: "note://a%2Fb"})
	require.NoError(t, err)
	assert.Equal(t, "raw parameter", rr.Contents[0].Text, "parameters raw, as the extension takes them")

	rpc := func(err error) *jsonrpc.Error {
		t.Helper()
		var werr *jsonrpc.Error
		require.ErrorAs(t, err, &werr)
		return werr
	}
	_, err = cs.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: "note://missing"})
	assert.Equal(t, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: "Note 'missing' not found."}, rpc(err))
	_, err = cs.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: "other://n"})
	assert.Equal(t, "Resource not found", rpc(err).Message)

	pr, err := cs.GetPrompt(t.Context(), &mcp.GetPromptParams{Name: "reviewnote", Arguments: map[string]string{"name": "n", "focus": "style"}})
	require.NoError(t, err)
	require.Len(t, pr.Messages, 1)
	assert.Equal(t, "user", string(pr.Messages[0].Role))
	assert.Equal(t, "Review n (style): note text", pr.Messages[0].Content.(*mcp.TextContent).Text)

	_, err = cs.GetPrompt(t.Context(), &mcp.GetPromptParams{Name: "reviewnote", Arguments: map[string]string{"focus": "x"}})
	assert.Equal(t, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: "One or more required prompt arguments are missing values. Please provide: name"}, rpc(err))
	_, err = cs.GetPrompt(t.Context(), &mcp.GetPromptParams{Name: "reviewnote", Arguments: map[string]string{"name": "gone"}})
	assert.Equal(t, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: "Note 'gone' not found."}, rpc(err))

	e.store.FailReads(errors.New("dial tcp: connection refused"))
	_, err = cs.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: "note://n"})
	assert.Equal(t, &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: "An error occurred."}, rpc(err), "storage down: nothing the client can act on")
	assert.Contains(t, e.logs.String(), "connection refused")
}

// A declaration the host could not serve, or a binding without storage,
// stops New.
func TestNewRefuses(t *testing.T) {
	_, err := New(testFunctions(), Options{Server: decl.ServerInfo{Name: "x"}})
	assert.ErrorContains(t, err, `no storage for connection "AzureWebJobsStorage"`)
	bad := &decl.Tool{Name: "bad name", Description: "D.", Handler: decl.Typed(func(context.Context, *decl.Call, struct{}) (string, error) { return "", nil })}
	_, err = New(decl.Functions{Tools: []*decl.Tool{bad}}, Options{Server: decl.ServerInfo{Name: "x"}})
	assert.ErrorContains(t, err, "the name must be")
}
