package mcpfunctest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc"
	"remote-mcp-functions-go/mcpfunc/internal/fixture"
	"remote-mcp-functions-go/mcpfunc/mcpfunctest"
)

func fixtureHost(t *testing.T) *mcpfunctest.Host {
	t.Helper()
	app, err := fixture.New()
	require.NoError(t, err)
	return mcpfunctest.New(t, app)
}

func requireRPCError(t *testing.T, err error, code int64, msg string) {
	t.Helper()
	var rpcErr *jsonrpc.Error
	require.ErrorAs(t, err, &rpcErr)
	assert.Equal(t, code, rpcErr.Code)
	assert.Equal(t, msg, rpcErr.Message)
}

// A blob output binding writes what the function gave it once the call
// succeeds; the input binding reads it back by the same argument.
func TestBlobsRoundTrip(t *testing.T) {
	h := fixtureHost(t)
	// "test" is itself valid base64: the host would decode it, unless the
	// handler sends the bytes' base64.
	res, err := h.CallTool("put", map[string]any{"key": "a1", "value": "test"})
	require.NoError(t, err)
	assert.Equal(t, mcpfunctest.Result{Text: "Put 'a1'"}, res)
	data, ok := h.Blob("items", "a1.txt")
	require.True(t, ok)
	assert.Equal(t, "test", string(data))

	res, err = h.CallTool("get", map[string]any{"key": "a1"})
	require.NoError(t, err)
	assert.Equal(t, "test", res.Text)
	assert.JSONEq(t, `{"key":"a1","value":"test"}`, string(res.Structured))

	res, err = h.CallTool("get", map[string]any{"key": "nope"})
	require.NoError(t, err)
	assert.Equal(t, mcpfunctest.Result{Text: "Item 'nope' not found.", IsError: true}, res)
}

// A refused call writes nothing.
func TestRefusalWritesNothing(t *testing.T) {
	h := fixtureHost(t)
	res, err := h.CallTool("put", map[string]any{"key": "../x", "value": "v"})
	require.NoError(t, err)
	assert.True(t, res.IsError)
	assert.Contains(t, res.Text, `Invalid key "../x"`)
	res, err = h.CallTool("put", map[string]any{"key": true, "value": "v"})
	require.NoError(t, err)
	assert.Equal(t, mcpfunctest.Result{Text: "Argument 'key' must be a string, not a boolean.", IsError: true}, res)
	_, ok := h.Blob("items", "True.txt")
	assert.False(t, ok, "the path the host would have built")
}

// What the extension refuses before any function runs is a JSON-RPC
// error, with its code and words.
func TestExtensionErrors(t *testing.T) {
	h := fixtureHost(t)
	_, err := h.CallTool("put", map[string]any{"key": "a1"})
	requireRPCError(t, err, -32602, "One or more required tool properties are missing values. Please provide: value")
	_, err = h.CallTool("put", map[string]any{"key": nil, "value": "x"})
	requireRPCError(t, err, -32602, "One or more required tool properties are missing values. Please provide: key") // null is missing
	_, err = h.CallTool("put", nil)
	requireRPCError(t, err, -32602, "One or more required tool properties are missing values. Please provide: key, value")
	_, err = h.CallTool("nosuch", nil)
	requireRPCError(t, err, -32602, "Unknown tool: 'nosuch'")
	_, err = h.CallTool("echo", []string{"not", "an", "object"})
	requireRPCError(t, err, -32602, "arguments must be a JSON object")
	_, err = h.GetPrompt("describe", map[string]string{"style": "briefly"})
	requireRPCError(t, err, -32602, "One or more required prompt arguments are missing values. Please provide: key")
	_, err = h.GetPrompt("nosuch", nil)
	requireRPCError(t, err, -32602, "Unknown prompt: 'nosuch'")
	_, err = h.ReadResource("other://a1")
	requireRPCError(t, err, -32602, "Unknown resource: 'other://a1'")
	_, err = h.ReadResource("not a uri")
	requireRPCError(t, err, -32603, "An error occurred.")
}

// Typed arguments of each kind, and structured output with its text.
func TestTypedArguments(t *testing.T) {
	h := fixtureHost(t)
	res, err := h.CallTool("echo", map[string]any{"text": "ab", "repeatCount": 2, "loud": true, "tags": []string{"x", "y"}})
	require.NoError(t, err)
	assert.Equal(t, "ABAB x,y", res.Text)
	assert.JSONEq(t, `{"echoed":"ABAB","tags":["x","y"]}`, string(res.Structured))
	assert.False(t, res.IsError)

	// Arguments as the client wrote them: 2.0 is an integer.
	res, err = h.CallTool("echo", json.RawMessage(`{"text":"a","repeatCount":2.0}`))
	require.NoError(t, err)
	assert.Equal(t, "aa", res.Text)

	res, err = h.CallTool("echo", map[string]any{"text": "a", "repeatCount": 2.5})
	require.NoError(t, err)
	assert.Equal(t, mcpfunctest.Result{Text: "Argument 'repeatCount' must be an integer, not 2.5.", IsError: true}, res)
	res, err = h.CallTool("echo", map[string]any{"text": ""})
	require.NoError(t, err)
	assert.Equal(t, mcpfunctest.Result{Text: "Nothing to echo.", IsError: true}, res)
	assert.Contains(t, h.Logs(), "Echoed 4 bytes", "the first call's log")
}

// A plain tool answers its text.
func TestPlainTool(t *testing.T) {
	res, err := fixtureHost(t).CallTool("hello", nil)
	require.NoError(t, err)
	assert.Equal(t, mcpfunctest.Result{Text: "Hello from the fixture."}, res)
}

// A resource template's parameters reach the binding path; its failure is
// the extension's -32603.
func TestResource(t *testing.T) {
	h := fixtureHost(t)
	h.SetBlob("items", "a1.txt", []byte("print(1)"))
	text, err := h.ReadResource("item://a1")
	require.NoError(t, err)
	assert.Equal(t, "print(1)", text)
	text, err = h.ReadResource("ITEM://a1")
	require.NoError(t, err, "the scheme matches case-insensitively, as the extension matches it")
	assert.Equal(t, "print(1)", text)
	_, err = h.ReadResource("item://nope")
	requireRPCError(t, err, -32603, "An error occurred.")
}

func TestPrompt(t *testing.T) {
	h := fixtureHost(t)
	h.SetBlob("items", "a1.txt", []byte("x = 1"))
	text, err := h.GetPrompt("describe", map[string]string{"key": "a1", "style": "briefly"})
	require.NoError(t, err)
	assert.Equal(t, "Describe item 'a1' briefly:\n\nx = 1", text)
	_, err = h.GetPrompt("describe", map[string]string{"key": "nope"})
	requireRPCError(t, err, -32603, "An error occurred.")
}

// The functions' own storage is the same in-memory storage as the
// bindings'.
func TestStorage(t *testing.T) {
	h := fixtureHost(t)
	for _, k := range []string{"b", "a", "c"} {
		_, err := h.CallTool("put", map[string]any{"key": k, "value": k})
		require.NoError(t, err)
	}
	h.SetBlob("items", "notes.md", []byte("not an item"))
	res, err := h.CallTool("keys", nil)
	require.NoError(t, err)
	assert.JSONEq(t, `{"keys":["a","b","c"]}`, string(res.Structured))

	res, err = h.CallTool("remove", map[string]any{"key": "b"})
	require.NoError(t, err)
	assert.Equal(t, "Removed 'b'", res.Text)
	_, ok := h.Blob("items", "b.txt")
	assert.False(t, ok)
	res, err = h.CallTool("remove", map[string]any{"key": "b"})
	require.NoError(t, err)
	assert.Equal(t, mcpfunctest.Result{Text: "Item 'b' not found.", IsError: true}, res)
}

// FailStorage fails the functions' storage with the error given, and the
// bindings as the host fails a call whose binding fails.
func TestFailStorage(t *testing.T) {
	h := fixtureHost(t)
	h.SetBlob("items", "a.txt", []byte("a"))
	h.FailStorage(fmt.Errorf("no answer in 20s: %w", mcpfunc.ErrUnconfirmed))
	res, err := h.CallTool("remove", map[string]any{"key": "a"})
	require.NoError(t, err)
	assert.Equal(t, mcpfunctest.Result{Text: "Item 'a' may or may not have been removed.", IsError: true}, res)
	res, err = h.CallTool("get", map[string]any{"key": "a"})
	require.NoError(t, err)
	assert.Equal(t, mcpfunctest.Result{Text: "An error occurred invoking 'get'.", IsError: true}, res)

	h.FailStorage(errors.New("connection refused"))
	res, err = h.CallTool("keys", nil)
	require.NoError(t, err)
	assert.Equal(t, mcpfunctest.Result{Text: "Storage did not answer.", IsError: true}, res)
	assert.Contains(t, strings.Join(h.Logs(), "\n"), "list: connection refused")

	h.FailStorage(nil)
	res, err = h.CallTool("get", map[string]any{"key": "a"})
	require.NoError(t, err)
	assert.Equal(t, "a", res.Text, "healed, and nothing was removed")
}

// A function that panics or fails internally gets the generic answers;
// the test's log has why.
func TestInternalFailures(t *testing.T) {
	boom := &mcpfunc.Tool{Name: "boom", Description: "Fails.",
		Handler: mcpfunc.Typed(func(context.Context, *mcpfunc.Call, struct{}) (string, error) {
			return "", errors.New("disk on fire")
		})}
	panics := &mcpfunc.Tool{Name: "panics", Description: "Panics.",
		Handler: mcpfunc.Typed(func(context.Context, *mcpfunc.Call, struct {
			N int `json:"n" jsonschema:"A number."`
		}) (string, error) {
			panic("bug")
		})}
	type out struct {
		OK bool `json:"ok" jsonschema:"Whether it worked."`
	}
	richBoom := &mcpfunc.Tool{Name: "richboom", Description: "Fails.",
		Handler: mcpfunc.Typed(func(context.Context, *mcpfunc.Call, struct{}) (out, error) {
			return out{}, errors.New("disk on fire")
		})}
	h := mcpfunctest.New(t, &mcpfunc.App{Name: "t", Tools: []*mcpfunc.Tool{boom, panics, richBoom}})
	res, err := h.CallTool("boom", nil)
	require.NoError(t, err)
	assert.Equal(t, mcpfunctest.Result{Text: "An error occurred invoking 'boom'.", IsError: true}, res, "a plain tool's failure is the host's")
	res, err = h.CallTool("panics", map[string]any{"n": 1})
	require.NoError(t, err)
	assert.Equal(t, mcpfunctest.Result{Text: "An error occurred invoking 'panics'.", IsError: true}, res)
	res, err = h.CallTool("richboom", nil)
	require.NoError(t, err)
	assert.Equal(t, mcpfunctest.Result{Text: "Internal error in tool 'richboom'; the function logs have the details.", IsError: true}, res,
		"a tool with structured output says so itself, without the error")
}

// A declaration the library refuses fails the test with the reason.
func TestNewRefusesBadApps(t *testing.T) {
	for _, tt := range []struct {
		app  *mcpfunc.App
		want string
	}{
		{&mcpfunc.App{}, "the app needs a Name"},
		{&mcpfunc.App{Name: "t", Tools: []*mcpfunc.Tool{{Name: "bad name", Handler: fixture.Hello.Handler}}}, "bad name"},
	} {
		ft := &fatalT{TB: t}
		func() {
			defer func() { _ = recover() }()
			mcpfunctest.New(ft, tt.app)
		}()
		assert.Contains(t, ft.fatal, tt.want)
	}
}

// fatalT records Fatalf instead of ending the test.
type fatalT struct {
	testing.TB
	fatal string
}

func (f *fatalT) Fatalf(format string, args ...any) {
	f.fatal = fmt.Sprintf(format, args...)
	panic("fatal")
}

// TestRunProbes: the fixture's probes pass in process and leave no item
// behind; a probe that fails is named, with what it got.
func TestRunProbes(t *testing.T) {
	h := fixtureHost(t)
	require.NoError(t, h.RunProbes())
	res, err := h.CallTool("keys", nil)
	require.NoError(t, err)
	assert.JSONEq(t, `{"keys":[]}`, string(res.Structured), "the probes left items behind")

	app, err := fixture.New()
	require.NoError(t, err)
	hello := *app.Tools[0] // a copy: fixture.Hello is shared
	hello.Probe = func(ctx context.Context, c *mcpfunc.ProbeClient) error {
		_, err := c.CallTool(ctx, "nosuchtool", nil)
		return err
	}
	app.Tools[0] = &hello
	err = mcpfunctest.New(t, app).RunProbes()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "probe of tool hello: tools/call nosuchtool: Unknown tool: 'nosuchtool'")
}
