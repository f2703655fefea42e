package decl

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type typedInput struct {
	Name  string   `json:"name" jsonschema:"A name."`
	Count int      `json:"count,omitempty" jsonschema:"A count."`
	Ratio float64  `json:"ratio,omitempty" jsonschema:"A ratio."`
	On    bool     `json:"on,omitempty" jsonschema:"A switch."`
	Tags  []string `json:"tags,omitempty" jsonschema:"Tags."`
	Inner struct {
		X string `json:"x" jsonschema:"X."`
	} `json:"inner,omitzero" jsonschema:"An object."`
}

func echoTool() *Tool {
	return &Tool{
		Name:        "echo",
		Description: "Echo.",
		Blobs:       []Blob{BlobIn("file", "c/{mcptoolargs.name}.json")},
		Handler: Typed(func(_ context.Context, _ *Call, in typedInput) (string, error) {
			b, _ := json.Marshal(in)
			return string(b), nil
		}),
	}
}

func rawArgs(t *testing.T, js string) json.RawMessage {
	t.Helper()
	require.True(t, json.Valid([]byte(js)), js)
	return json.RawMessage(js)
}

// TestRunDecodes: the arguments reach the function typed; a value of the
// wrong type is an Invalid error naming the argument and both types, and
// nothing is converted.
func TestRunDecodes(t *testing.T) {
	tests := []struct {
		args string
		want string // the function's output, or the error message
		err  bool
	}{
		{args: `{"name":"a","count":2,"ratio":0.5,"on":true,"tags":["x"],"inner":{"x":"y"}}`, want: `{"name":"a","count":2,"ratio":0.5,"on":true,"tags":["x"],"inner":{"x":"y"}}`},
		{args: `{"name":"a","unknown":[1,2]}`, err: true, want: "Unknown argument 'unknown'; the arguments are 'name', 'count', 'ratio', 'on', 'tags', 'inner'."},
		{args: `{"name":12}`, err: true, want: "Argument 'name' must be a string, not a number."},
		{args: `{"name":true}`, err: true, want: "Argument 'name' must be a string, not a boolean."},
		{args: `{"name":"a","count":"2"}`, err: true, want: "Argument 'count' must be an integer, not a string."},
		{args: `{"name":"a","count":1.5}`, err: true, want: "Argument 'count' must be an integer, not 1.5."},
		{args: `{"name":"a","count":2.0}`, want: `{"name":"a","count":2}`},
		{args: `{"name":"a","count":9223372036854775808}`, err: true, want: "Argument 'count' must be an integer between -9223372036854775808 and 9223372036854775807."},
		{args: `{"name":"a","count":-9223372036854775808}`, want: `{"name":"a","count":-9223372036854775808}`},
		{args: `{"name":"a","ratio":1e400}`, err: true, want: "Argument 'ratio' must be a number between -1.7976931348623157e+308 and 1.7976931348623157e+308."},
		{args: `{"name":"a","inner":{}}`, err: true, want: "Argument 'inner.x' is missing."},
		{args: `{"name":"a","inner":{"x":"1","y":2}}`, err: true, want: "Unknown argument 'inner.y'; the members of 'inner' are 'x'."},
		{args: `{"name":null}`, err: true, want: "Argument 'name' is missing."},
		{args: `{"name":"a","tags":null,"count":null}`, want: `{"name":"a"}`},
		{args: `[1]`, err: true, want: "The arguments must be a JSON object, not an array."},
		{args: `{"name":"a",}`, err: true, want: "The arguments are not valid JSON."},
		{args: `{"name":"a","on":"yes"}`, err: true, want: "Argument 'on' must be a boolean, not a string."},
		{args: `{"name":"a","tags":"x"}`, err: true, want: "Argument 'tags' must be an array, not a string."},
		{args: `{"name":"a","inner":{"x":[]}}`, err: true, want: "Argument 'inner.x' must be a string, not an array."},
		{args: `{"name":"a","inner":"x"}`, err: true, want: "Argument 'inner' must be an object, not a string."},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			res, err := echoTool().Run(context.Background(), &Call{Args: json.RawMessage(tt.args)})
			if tt.err {
				var e *Error
				require.ErrorAs(t, err, &e)
				assert.Equal(t, Invalid, e.Code)
				assert.Equal(t, tt.want, e.Message)
				return
			}
			require.NoError(t, err)
			assert.JSONEq(t, tt.want, res.Text)
		})
	}
}

// TestRunPathArgs: an argument in a blob path must be exactly the text the
// host used for the path.
func TestRunPathArgs(t *testing.T) {
	tool := echoTool()
	assert.Equal(t, []string{"name"}, tool.PathArgs())
	_, err := tool.Run(context.Background(), &Call{Args: rawArgs(t, `{"name":"a1"}`), PathArgs: map[string]string{"name": "a1"}})
	require.NoError(t, err)
	_, err = tool.Run(context.Background(), &Call{Args: rawArgs(t, `{"name":"a1"}`), PathArgs: map[string]string{"name": "A1"}})
	assert.ErrorContains(t, err, "does not match the text the host used for the blob path")
	_, err = tool.Run(context.Background(), &Call{Args: rawArgs(t, `{"name":"a1"}`), PathArgs: map[string]string{}})
	assert.ErrorContains(t, err, "does not match", "absent from mcptoolargs")
}

type structured struct {
	N int `json:"n" jsonschema:"N."`
}

type withText struct {
	N int `json:"n" jsonschema:"N."`
}

func (w withText) Text() string { return "n is " + string(rune('0'+w.N)) }

func TestRunStructuredOutput(t *testing.T) {
	plain := &Tool{Name: "s", Description: "S.", Handler: Typed(func(context.Context, *Call, struct{}) (structured, error) { return structured{N: 3}, nil })}
	res, err := plain.Run(context.Background(), &Call{})
	require.NoError(t, err)
	assert.JSONEq(t, `{"n":3}`, string(res.Structured))
	assert.Equal(t, `{"n":3}`, res.Text, "without a Text method the text is the JSON")

	texted := &Tool{Name: "t", Description: "T.", Handler: Typed(func(context.Context, *Call, struct{}) (withText, error) { return withText{N: 4}, nil })}
	res, err = texted.Run(context.Background(), &Call{})
	require.NoError(t, err)
	assert.Equal(t, "n is 4", res.Text)
	out, err := texted.OutputSchema()
	require.NoError(t, err)
	assert.Equal(t, []string{"n"}, out.Required)

	text := &Tool{Name: "x", Description: "X.", Handler: Typed(func(context.Context, *Call, struct{}) (string, error) { return "hi", nil })}
	out, err = text.OutputSchema()
	require.NoError(t, err)
	assert.Nil(t, out, "a text tool has no output schema")
}

func TestRunOutputs(t *testing.T) {
	tool := &Tool{Name: "w", Description: "W.", Blobs: []Blob{BlobOut("file", "c/x")}, Handler: Typed(func(_ context.Context, call *Call, _ struct{}) (string, error) {
		call.Output("file", []byte("data"))
		return "ok", nil
	})}
	res, err := tool.Run(context.Background(), &Call{})
	require.NoError(t, err)
	assert.Equal(t, map[string][]byte{"file": []byte("data")}, res.Outputs)
}

// TestCheck: declarations the host could not serve as meant are refused
// before anything is generated.
func TestCheck(t *testing.T) {
	ok := func(context.Context, *Call, typedInput) (string, error) { return "", nil }
	type noDesc struct {
		A string `json:"a"`
	}
	tests := []struct {
		name string
		tool *Tool
		want string
	}{
		{"bad name", &Tool{Name: "a b", Description: "D.", Handler: Typed(ok)}, "the name must be"},
		{"no description", &Tool{Name: "a", Handler: Typed(ok)}, "a description is needed"},
		{"no handler", &Tool{Name: "a", Description: "D."}, "no handler"},
		{"an argument without description", &Tool{Name: "a", Description: "D.", Handler: Typed(func(context.Context, *Call, noDesc) (string, error) { return "", nil })}, `argument "a" has no description`},
		{"input not a struct", &Tool{Name: "a", Description: "D.", Handler: Typed(func(context.Context, *Call, string) (string, error) { return "", nil })}, "the input must be a struct"},
		{"output not an object", &Tool{Name: "a", Description: "D.", Handler: Typed(func(context.Context, *Call, struct{}) ([]int, error) { return nil, nil })}, "structured output must be an object"},
		{"plain with arguments", &Tool{Name: "a", Description: "D.", Plain: true, Handler: Typed(ok)}, "a plain tool takes no arguments"},
		{"path names no argument", &Tool{Name: "a", Description: "D.", Blobs: []Blob{BlobIn("file", "c/{mcptoolargs.nope}")}, Handler: Typed(ok)}, "{mcptoolargs.nope} is not an argument"},
		{"path argument optional", &Tool{Name: "a", Description: "D.", Blobs: []Blob{BlobIn("file", "c/{mcptoolargs.tags}")}, Handler: Typed(ok)}, `argument "tags" must be a string`},
		{"path argument not required", &Tool{Name: "a", Description: "D.", Blobs: []Blob{BlobIn("file", "c/{mcptoolargs.count}")}, Handler: Typed(ok)}, `argument "count" must be a string`},
		{"bad binding name", &Tool{Name: "a", Description: "D.", Blobs: []Blob{BlobIn("my-file", "c/x")}, Handler: Typed(ok)}, `blob binding name "my-file"`},
		{"path not closed", &Tool{Name: "a", Description: "D.", Blobs: []Blob{BlobIn("file", "c/{mcptoolargs.name")}, Handler: Typed(ok)}, `binding "file": binding path "c/{mcptoolargs.name": unclosed {`},
		{"path argument in other case", &Tool{Name: "a", Description: "D.", Blobs: []Blob{BlobIn("file", "c/{MCPToolArgs.nope}")}, Handler: Typed(ok)}, "{mcptoolargs.nope} is not an argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorContains(t, tt.tool.Check(), tt.want)
		})
	}
	assert.NoError(t, echoTool().Check())

	type optionalName struct {
		Name string `json:"name,omitempty" jsonschema:"A name."`
	}
	opt := &Tool{Name: "a", Description: "D.", Blobs: []Blob{BlobIn("file", "c/{mcptoolargs.name}")},
		Handler: Typed(func(context.Context, *Call, optionalName) (string, error) { return "", nil })}
	assert.ErrorContains(t, opt.Check(), `argument "name" must be required`)
}

func TestWithSchema(t *testing.T) {
	tool := echoTool()
	tool.Handler = tool.Handler.WithSchema(func(s *jsonschema.Schema) { s.Properties["name"].Enum = []any{"a", "b"} })
	s, err := tool.InputSchema()
	require.NoError(t, err)
	b, _ := json.Marshal(s.Properties["name"])
	assert.True(t, strings.Contains(string(b), `"enum":["a","b"]`), string(b))
}
