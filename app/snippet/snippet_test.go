package snippet

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc"
)

// call is a tool call with args encoded as a client encodes them, and the
// host's path text for each (as the extension prints a JSON value).
func call(args map[string]any, inputs map[string]mcpfunc.Input) (*mcpfunc.Call, *[]string) {
	return newCall(args, inputs)
}

func newCall(args map[string]any, inputs map[string]mcpfunc.Input) (*mcpfunc.Call, *[]string) {
	var logs []string
	raw, err := json.Marshal(args)
	if err != nil {
		panic(err)
	}
	path := map[string]string{}
	for k, v := range args {
		b, _ := json.Marshal(v)
		if s, ok := v.(string); ok {
			path[k] = s
		} else {
			path[k] = string(b)
		}
	}
	return &mcpfunc.Call{Args: raw, PathArgs: path, Inputs: inputs, Log: func(m string) { logs = append(logs, m) }}, &logs
}

func TestHello(t *testing.T) {
	res, err := Hello.Run(context.Background(), &mcpfunc.Call{})
	require.NoError(t, err)
	assert.Equal(t, "Hello I am MCPTool!", res.Text)
	assert.Empty(t, res.Outputs)
	res, err = Hello.Run(context.Background(), &mcpfunc.Call{Args: json.RawMessage(`{"unexpected":1}`)})
	require.NoError(t, err, "unknown arguments are ignored, as the host ignores them")
	assert.Equal(t, "Hello I am MCPTool!", res.Text)
}

// TestDeclarations: each declaration is sound on its own (package mcpfunc's
// checks); what the host makes of it is checked on the generated
// function.json files.
func TestDeclarations(t *testing.T) {
	svc := New(0)
	for _, tool := range []*mcpfunc.Tool{Hello, svc.GetTool(), svc.SaveTool()} {
		assert.NoError(t, tool.Check(), tool.Name)
	}
}

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
	svc := New(0)
	tests := []struct {
		name    string
		args    map[string]any
		blob    mcpfunc.Input
		want    string
		code    mcpfunc.Code
		message string
	}{
		{name: "found", args: map[string]any{"snippetname": "a1"}, blob: mcpfunc.Input{Text: "print(1)", Present: true}, want: "print(1)"},
		{name: "empty content is still found", args: map[string]any{"snippetname": "a1"}, blob: mcpfunc.Input{Present: true}, want: ""},
		{name: "content that is JSON null text", args: map[string]any{"snippetname": "a1"}, blob: mcpfunc.Input{Text: "null", Present: true}, want: "null"},
		{name: "missing", args: map[string]any{"snippetname": "nope"}, code: mcpfunc.NotFound, message: "Snippet 'nope' not found."},
		{name: "no name: the schema's required (the host refuses it first)", args: map[string]any{}, code: mcpfunc.Invalid, message: "Argument 'snippetname' is missing."},
		{name: "empty name", args: map[string]any{"snippetname": ""}, code: mcpfunc.Invalid, message: "No snippet name provided"},
		{name: "bad name is refused even if the host found a blob", args: map[string]any{"snippetname": "../secret"}, blob: mcpfunc.Input{Text: "x", Present: true}, code: mcpfunc.Invalid, message: `Invalid snippet name "../secret"`},
		{name: "a number is not a name", args: map[string]any{"snippetname": float64(12)}, blob: mcpfunc.Input{Text: "x", Present: true}, code: mcpfunc.Invalid, message: "Argument 'snippetname' must be a string, not a number."},
		{name: "true is not a name (the host would read True.json)", args: map[string]any{"snippetname": true}, blob: mcpfunc.Input{Text: "x", Present: true}, code: mcpfunc.Invalid, message: "Argument 'snippetname' must be a string, not a boolean."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, logs := call(tt.args, map[string]mcpfunc.Input{BlobBinding: tt.blob})
			res, err := svc.GetTool().Run(context.Background(), c)
			if tt.code != "" {
				var te *mcpfunc.Error
				require.ErrorAs(t, err, &te)
				assert.Equal(t, tt.code, te.Code)
				assert.Contains(t, te.Message, tt.message)
				assert.Nil(t, res)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, res.Text)
			assert.Empty(t, res.Outputs, "getsnippet writes nothing")
			for _, l := range *logs {
				if tt.want != "" {
					assert.NotContains(t, l, tt.want, "logs never carry snippet contents")
				}
			}
		})
	}
}

func TestSave(t *testing.T) {
	svc := New(16)
	tests := []struct {
		name    string
		args    map[string]any
		want    string
		code    mcpfunc.Code
		message string
	}{
		{name: "saved", args: map[string]any{"snippetname": "a1", "snippet": "print(1)"}, want: "print(1)"},
		{name: "base64-looking content", args: map[string]any{"snippetname": "a1", "snippet": "test"}, want: "test"},
		{name: "exactly at the limit", args: map[string]any{"snippetname": "a1", "snippet": strings.Repeat("x", 16)}, want: strings.Repeat("x", 16)},
		{name: "over the limit", args: map[string]any{"snippetname": "a1", "snippet": strings.Repeat("x", 17)}, code: mcpfunc.TooLarge, message: "Snippet 'a1' is too large: 17 bytes, the limit is 16 bytes."},
		{name: "limit counts bytes, not characters", args: map[string]any{"snippetname": "a1", "snippet": strings.Repeat("é", 9)}, code: mcpfunc.TooLarge, message: "18 bytes"},
		{name: "no content: the schema's required (the host refuses it first)", args: map[string]any{"snippetname": "a1"}, code: mcpfunc.Invalid, message: "Argument 'snippet' is missing."},
		{name: "empty content", args: map[string]any{"snippetname": "a1", "snippet": ""}, code: mcpfunc.Invalid, message: "No snippet content provided"},
		{name: "no name", args: map[string]any{"snippet": "x"}, code: mcpfunc.Invalid, message: "Argument 'snippetname' is missing."},
		{name: "empty name", args: map[string]any{"snippetname": "", "snippet": "x"}, code: mcpfunc.Invalid, message: "No snippet name provided"},
		{name: "bad name", args: map[string]any{"snippetname": "a/b", "snippet": "x"}, code: mcpfunc.Invalid, message: "Invalid snippet name"},
		{name: "content given as an object is refused, not converted", args: map[string]any{"snippetname": "a1", "snippet": map[string]any{"a": float64(1)}}, code: mcpfunc.Invalid, message: "Argument 'snippet' must be a string, not an object."},
		{name: "a number name is refused before anything is written", args: map[string]any{"snippetname": 1.0, "snippet": "x"}, code: mcpfunc.Invalid, message: "Argument 'snippetname' must be a string, not a number."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, logs := call(tt.args, nil)
			res, err := svc.SaveTool().Run(context.Background(), c)
			if tt.code != "" {
				var te *mcpfunc.Error
				require.ErrorAs(t, err, &te)
				assert.Equal(t, tt.code, te.Code)
				assert.Contains(t, te.Message, tt.message)
				assert.Nil(t, res, "nothing to write")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "Snippet 'a1' saved successfully", res.Text, "the name, not the content")
			assert.Equal(t, map[string][]byte{BlobBinding: []byte(tt.want)}, res.Outputs)
			require.Len(t, *logs, 1)
			assert.NotContains(t, (*logs)[0], tt.want)
		})
	}
}

// TestNameMustMatchThePath: the name checked is the text the host built the
// blob path from; a host that put other text there gets no answer about it.
func TestNameMustMatchThePath(t *testing.T) {
	svc := New(0)
	c, _ := call(map[string]any{"snippetname": "a1", "snippet": "x"}, nil)
	c.PathArgs["snippetname"] = "A1"
	res, err := svc.SaveTool().Run(context.Background(), c)
	var te *mcpfunc.Error
	require.ErrorAs(t, err, &te)
	assert.Equal(t, mcpfunc.Invalid, te.Code)
	assert.Nil(t, res)

	// Without mcptoolargs (a host that sends none) the argument is used.
	c, _ = call(map[string]any{"snippetname": "a1", "snippet": "x"}, nil)
	c.PathArgs = nil
	res, err = svc.SaveTool().Run(context.Background(), c)
	require.NoError(t, err)
	assert.Equal(t, "Snippet 'a1' saved successfully", res.Text)
}

func TestNewDefaultLimit(t *testing.T) {
	assert.Equal(t, 1<<20, New(0).MaxBytes)
	assert.Equal(t, 1<<20, New(-1).MaxBytes)
	assert.Equal(t, 5, New(5).MaxBytes)
}
