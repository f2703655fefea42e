package snippet

import (
	"strconv"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc"
	"remote-mcp-functions-go/mcpfunc/mcpfunctest"
)

// host runs the sample's functions, with maxBytes as the content limit,
// as the Functions host runs them (mcpfunctest), over an in-memory
// storage.
func host(t *testing.T, maxBytes int) *mcpfunctest.Host {
	t.Helper()
	s := New(maxBytes)
	return mcpfunctest.New(t, &mcpfunc.App{
		Name:            "snippets",
		Instructions:    Instructions,
		MaxContentBytes: s.MaxBytes,
		Tools:           []*mcpfunc.Tool{s.Get(), s.Save(), s.List(), s.Delete()},
		Resources:       []*mcpfunc.Resource{s.Resource(), s.Browser()},
		Prompts:         []*mcpfunc.Prompt{s.Review()},
	})
}

// refused is the isError result of a refusal with msg.
func refused(msg string) mcpfunctest.Result { return mcpfunctest.Result{Text: msg, IsError: true} }

// requireRPCError checks the JSON-RPC error the extension answers with.
func requireRPCError(t *testing.T, err error, code int64, msg string) {
	t.Helper()
	var rpcErr *jsonrpc.Error
	require.ErrorAs(t, err, &rpcErr)
	assert.Equal(t, code, rpcErr.Code)
	assert.Equal(t, msg, rpcErr.Message)
}

// logged is every line the functions logged.
func logged(h *mcpfunctest.Host) string { return strings.Join(h.Logs(), "\n") }

func TestValidateName(t *testing.T) {
	valid := []string{"a", "a1", "my-snippet_v2.py", "A.B", strings.Repeat("x", 128), "-lead", "_lead", "a..b"}
	invalid := []string{"", ".hidden", "..", "../x", "a/b", `a\b`, "a b", "snip?x", "é", strings.Repeat("x", 129), "a\x00", "%2e%2e"}
	for _, name := range valid {
		t.Run("valid "+name[:min(len(name), 10)], func(t *testing.T) {
			assert.NoError(t, ValidateName(name))
		})
	}
	for _, name := range invalid {
		t.Run("invalid "+name[:min(len(name), 10)], func(t *testing.T) {
			err := ValidateName(name)
			var te *mcpfunc.Error
			require.ErrorAs(t, err, &te)
			assert.Equal(t, mcpfunc.Invalid, te.Code)
			assert.Contains(t, te.Message, "Invalid snippet name")
		})
	}
	t.Run("long names are cut in the message", func(t *testing.T) {
		err := ValidateName(strings.Repeat("x", 500))
		assert.Less(t, len(err.Error()), 200)
	})
}

func TestGet(t *testing.T) {
	tests := []struct {
		name  string
		args  map[string]any
		blob  *string // the blob at snippets/<name>.json; nil for none
		want  mcpfunctest.Result
		wantS string // the structured content
	}{
		{name: "found", args: map[string]any{"snippetname": "a1"}, blob: ptr("print(1)"),
			want: mcpfunctest.Result{Text: "print(1)"}, wantS: `{"name":"a1","content":"print(1)"}`},
		{name: "empty content is still found", args: map[string]any{"snippetname": "a1"}, blob: ptr(""),
			want: mcpfunctest.Result{Text: ""}, wantS: `{"name":"a1","content":""}`},
		{name: "content that is JSON null text", args: map[string]any{"snippetname": "a1"}, blob: ptr("null"),
			want: mcpfunctest.Result{Text: "null"}, wantS: `{"name":"a1","content":"null"}`},
		{name: "missing", args: map[string]any{"snippetname": "nope"}, want: refused("Snippet 'nope' not found.")},
		{name: "empty name", args: map[string]any{"snippetname": ""}, want: refused("No snippet name provided")},
		{name: "bad name is refused even if the host found a blob", args: map[string]any{"snippetname": "../secret"}, blob: ptr("x"),
			want: refused(`Invalid snippet name "../secret": use 1-128 letters, digits, '.', '_' or '-', not starting with '.'.`)},
		{name: "a number is not a name", args: map[string]any{"snippetname": 12}, blob: ptr("x"),
			want: refused("Argument 'snippetname' must be a string, not a number.")},
		{name: "true is not a name (the host would read True.json)", args: map[string]any{"snippetname": true}, blob: ptr("x"),
			want: refused("Argument 'snippetname' must be a string, not a boolean.")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := host(t, 0)
			if tt.blob != nil {
				// Where the host reads from: the name's text, as the
				// extension prints the argument (true as True).
				name := map[any]string{true: "True", 12: "12"}[tt.args["snippetname"]]
				if s, ok := tt.args["snippetname"].(string); ok {
					name = s
				}
				h.SetBlob(Container, name+".json", []byte(*tt.blob))
			}
			res, err := h.CallTool("getsnippet", tt.args)
			require.NoError(t, err)
			structured := res.Structured
			res.Structured = nil
			assert.Equal(t, tt.want, res)
			if tt.wantS != "" {
				assert.JSONEq(t, tt.wantS, string(structured))
			}
			if tt.blob != nil && len(*tt.blob) > 4 {
				assert.NotContains(t, logged(h), *tt.blob, "logs never carry snippet contents")
			}
		})
	}

	// No name at all: the host refuses the call before the function runs.
	_, err := host(t, 0).CallTool("getsnippet", map[string]any{})
	requireRPCError(t, err, -32602, "One or more required tool properties are missing values. Please provide: snippetname")
}

func TestSave(t *testing.T) {
	tests := []struct {
		name string
		args map[string]any
		want string // the content written; empty for a refusal
		msg  string // the refusal
	}{
		{name: "saved", args: map[string]any{"snippetname": "a1", "snippet": "print(1)"}, want: "print(1)"},
		{name: "base64-looking content", args: map[string]any{"snippetname": "a1", "snippet": "test"}, want: "test"},
		{name: "exactly at the limit", args: map[string]any{"snippetname": "a1", "snippet": strings.Repeat("x", 16)}, want: strings.Repeat("x", 16)},
		{name: "over the limit", args: map[string]any{"snippetname": "a1", "snippet": strings.Repeat("x", 17)}, msg: "Snippet 'a1' is too large: 17 bytes, the limit is 16 bytes."},
		{name: "limit counts bytes, not characters", args: map[string]any{"snippetname": "a1", "snippet": strings.Repeat("é", 9)}, msg: "Snippet 'a1' is too large: 18 bytes, the limit is 16 bytes."},
		{name: "empty content", args: map[string]any{"snippetname": "a1", "snippet": ""}, msg: "No snippet content provided"},
		{name: "empty name", args: map[string]any{"snippetname": "", "snippet": "x"}, msg: "No snippet name provided"},
		{name: "bad name", args: map[string]any{"snippetname": "a/b", "snippet": "x"}, msg: `Invalid snippet name "a/b": use 1-128 letters, digits, '.', '_' or '-', not starting with '.'.`},
		{name: "content given as an object is refused, not converted", args: map[string]any{"snippetname": "a1", "snippet": map[string]any{"a": 1}}, msg: "Argument 'snippet' must be a string, not an object."},
		{name: "a number name is refused before anything is written", args: map[string]any{"snippetname": 1.0, "snippet": "x"}, msg: "Argument 'snippetname' must be a string, not a number."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := host(t, 16)
			res, err := h.CallTool("savesnippet", tt.args)
			require.NoError(t, err)
			if tt.msg != "" {
				assert.Equal(t, refused(tt.msg), res)
				for _, name := range []string{"a1.json", "a/b.json", "1.json", ".json"} {
					_, written := h.Blob(Container, name)
					assert.False(t, written, "nothing written at %s", name)
				}
				return
			}
			assert.Equal(t, mcpfunctest.Result{Text: "Snippet 'a1' saved successfully"}, res, "the name, not the content")
			got, ok := h.Blob(Container, "a1.json")
			require.True(t, ok)
			assert.Equal(t, tt.want, string(got))
			assert.Equal(t, []string{"Saved snippet 'a1' (" + strconv.Itoa(len(tt.want)) + " bytes)"}, h.Logs())
		})
	}

	// A name or content left out: the host refuses the call first.
	h := host(t, 16)
	_, err := h.CallTool("savesnippet", map[string]any{"snippetname": "a1"})
	requireRPCError(t, err, -32602, "One or more required tool properties are missing values. Please provide: snippet")
	_, err = h.CallTool("savesnippet", map[string]any{"snippet": "x"})
	requireRPCError(t, err, -32602, "One or more required tool properties are missing values. Please provide: snippetname")
}

// A saved snippet reads back, by the tool, the resource and the prompt.
func TestSaveThenRead(t *testing.T) {
	h := host(t, 0)
	_, err := h.CallTool("savesnippet", map[string]any{"snippetname": "a1", "snippet": "x = 1"})
	require.NoError(t, err)
	res, err := h.CallTool("getsnippet", map[string]any{"snippetname": "a1"})
	require.NoError(t, err)
	assert.Equal(t, "x = 1", res.Text)
	text, err := h.ReadResource("snippet://a1")
	require.NoError(t, err)
	assert.Equal(t, "x = 1", text)
	text, err = h.GetPrompt("reviewsnippet", map[string]string{"snippetname": "a1"})
	require.NoError(t, err)
	assert.Contains(t, text, "x = 1")
}

func TestNewDefaultLimit(t *testing.T) {
	assert.Equal(t, 1<<20, New(0).MaxBytes)
	assert.Equal(t, 1<<20, New(-1).MaxBytes)
	assert.Equal(t, 5, New(5).MaxBytes)
}

func TestFromEnv(t *testing.T) {
	t.Setenv(MaxBytesSetting, "")
	s, err := FromEnv()
	require.NoError(t, err)
	assert.Equal(t, DefaultMaxBytes, s.MaxBytes, "unset means the default")
	t.Setenv(MaxBytesSetting, "2048")
	s, err = FromEnv()
	require.NoError(t, err)
	assert.Equal(t, 2048, s.MaxBytes)
	for _, bad := range []string{"0", "-1", "1MB", "x"} {
		t.Setenv(MaxBytesSetting, bad)
		_, err := FromEnv()
		assert.ErrorContains(t, err, MaxBytesSetting, bad)
	}
}

func TestResource(t *testing.T) {
	h := host(t, 0)
	h.SetBlob(Container, "a1.json", []byte("print(1)"))
	text, err := h.ReadResource("snippet://a1")
	require.NoError(t, err)
	assert.Equal(t, "print(1)", text)
	assert.Contains(t, logged(h), "Read snippet 'a1' as a resource (8 bytes)")

	// A resource has no isError: the client gets -32603, the reason is in
	// the log.
	_, err = h.ReadResource("snippet://nope")
	requireRPCError(t, err, -32603, "An error occurred.")
	assert.Contains(t, logged(h), "Snippet 'nope' not found.")
	h.SetBlob(Container, "...json", []byte("secret"))
	_, err = h.ReadResource("snippet://..")
	requireRPCError(t, err, -32603, "An error occurred.")
	assert.Contains(t, logged(h), `Invalid snippet name ".."`)
}

func TestReviewPrompt(t *testing.T) {
	h := host(t, 0)
	h.SetBlob(Container, "a1.json", []byte("x = 1"))
	text, err := h.GetPrompt("reviewsnippet", map[string]string{"snippetname": "a1"})
	require.NoError(t, err)
	assert.Equal(t, "Please review the code snippet 'a1'. Point out bugs, unclear parts and risky constructs, and suggest concrete improvements.\n\n```\nx = 1\n```\n", text)

	// A fence inside the snippet cannot close the prompt's.
	h.SetBlob(Container, "md.json", []byte("```go\n````\n"))
	text, err = h.GetPrompt("reviewsnippet", map[string]string{"snippetname": "md", "focus": "clarity"})
	require.NoError(t, err)
	assert.Contains(t, text, ", paying most attention to clarity.")
	assert.Contains(t, text, "\n\n`````\n```go\n````\n\n`````\n")

	_, err = h.GetPrompt("reviewsnippet", map[string]string{"snippetname": "nope"})
	requireRPCError(t, err, -32603, "An error occurred.")
	assert.Contains(t, logged(h), "Snippet 'nope' not found.")
	_, err = h.GetPrompt("reviewsnippet", map[string]string{"focus": "naming"})
	requireRPCError(t, err, -32602, "One or more required prompt arguments are missing values. Please provide: snippetname")
}
