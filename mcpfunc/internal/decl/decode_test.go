package decl

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type fileInput struct {
	FileName string `json:"fileName" jsonschema:"The file."`
}

func fileTool(got *string) *Tool {
	return &Tool{Name: "fetch", Description: "Fetch.", Blobs: []Blob{BlobIn("file", "files/{mcptoolargs.fileName}")},
		Handler: Typed(func(_ context.Context, _ *Call, in fileInput) (string, error) { *got = in.FileName; return "", nil })}
}

// TestExactNames: an argument is the member whose name is exactly the
// field's. encoding/json also takes a member whose name differs only in
// case, the last one winning: with {"fileName":"a","filename":"../evil"}
// the host builds the blob path from "a" and the function would see
// "../evil".
func TestExactNames(t *testing.T) {
	var got string
	tool := fileTool(&got)
	for _, args := range []string{
		`{"fileName":"a","filename":"../evil"}`,
		`{"FILENAME":"../evil","fileName":"a","FileName":"../evil"}`,
		`{"\u0066ileName":"a"}`, // escapes in a name are its text
	} {
		got = ""
		_, err := tool.Run(context.Background(), &Call{Args: json.RawMessage(args), PathArgs: map[string]string{"fileName": "a"}})
		require.NoError(t, err, args)
		assert.Equal(t, "a", got, args)
	}
	_, err := tool.Run(context.Background(), &Call{Args: json.RawMessage(`{"filename":"../evil"}`)})
	requireInvalid(t, err, "Argument 'fileName' is missing.")
	_, err = tool.Run(context.Background(), &Call{Args: json.RawMessage(`{"fileName":"b"}`), PathArgs: map[string]string{"fileName": "a"}})
	requireInvalid(t, err, "Argument 'fileName' does not match the text the host used for the blob path.")
}

func requireInvalid(t *testing.T, err error, msg string) {
	t.Helper()
	var e *Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, Invalid, e.Code)
	assert.Equal(t, msg, e.Message)
}

type rulesInput struct {
	Mode   string            `json:"mode,omitempty" jsonschema:"Mode."`
	Level  float64           `json:"level,omitempty" jsonschema:"Level."`
	Step   int               `json:"step,omitempty" jsonschema:"Step."`
	Code   string            `json:"code,omitempty" jsonschema:"Code."`
	Kind   string            `json:"kind,omitempty" jsonschema:"Kind."`
	Tags   []string          `json:"tags,omitempty" jsonschema:"Tags."`
	Labels map[string]string `json:"labels,omitempty" jsonschema:"Labels."`
	Size   int               `json:"size,omitempty" jsonschema:"Size."`
	Extra  any               `json:"extra,omitempty" jsonschema:"Anything."`
	Small  int8              `json:"small,omitempty" jsonschema:"Small."`
	Count  uint              `json:"count,omitempty" jsonschema:"Count."`
}

func rulesTool(got *rulesInput) *Tool {
	return &Tool{Name: "rules", Description: "Rules.", Handler: Typed(func(_ context.Context, _ *Call, in rulesInput) (string, error) {
		*got = in
		return "", nil
	}).WithSchema(func(s *jsonschema.Schema) {
		f := func(v float64) *float64 { return &v }
		n := func(v int) *int { return &v }
		p := s.Properties
		p["mode"].Enum = []any{"fast", "slow"}
		p["level"].ExclusiveMinimum, p["level"].ExclusiveMaximum = f(0), f(1)
		p["step"].MultipleOf = f(5)
		p["code"].MinLength, p["code"].MaxLength, p["code"].Pattern = n(2), n(4), "^[^0-9]+$"
		var c any = "thing"
		p["kind"].Const = &c
		p["tags"].MinItems, p["tags"].MaxItems, p["tags"].UniqueItems = n(1), n(3), true
		p["labels"].MaxProperties = n(1)
		p["size"].Default = json.RawMessage(`10`)
		p["extra"].Enum = []any{1, "one", []any{1}}
	})}
}

// TestSchemaRules: each rule the schema states is checked, with a message
// that says what the argument must be.
func TestSchemaRules(t *testing.T) {
	var got rulesInput
	tool := rulesTool(&got)
	require.NoError(t, tool.Check())
	for _, tt := range []struct{ args, msg string }{
		{`{"mode":"medium"}`, `Argument 'mode' must be one of "fast", "slow".`},
		{`{"level":0}`, "Argument 'level' must be greater than 0 and less than 1."},
		{`{"level":1}`, "Argument 'level' must be greater than 0 and less than 1."},
		{`{"step":7}`, "Argument 'step' must be a multiple of 5."},
		{`{"code":"a"}`, "Argument 'code' must be 2 to 4 characters long."},
		{`{"code":"abcde"}`, "Argument 'code' must be 2 to 4 characters long."},
		{`{"code":"12"}`, "Argument 'code' must match the pattern ^[^0-9]+$."},
		{`{"kind":"other"}`, `Argument 'kind' must be "thing".`},
		{`{"tags":[]}`, "Argument 'tags' must have 1 to 3 items."},
		{`{"tags":["a","a"]}`, "Argument 'tags' must not repeat an item."},
		{`{"tags":["a",1]}`, "Argument 'tags[1]' must be a string, not a number."},
		{`{"labels":{"a":"1","b":"2"}}`, "Argument 'labels' must have at most 1 members."},
		{`{"labels":{"a":1}}`, "Argument 'labels.a' must be a string, not a number."},
		{`{"extra":2}`, `Argument 'extra' must be one of 1, "one", [1].`},
		{`{"small":128}`, "Argument 'small' must be between -128 and 127."},
		{`{"count":-1}`, "Argument 'count' must be at least 0."},
		{`{"count":18446744073709551616}`, "Argument 'count' must be an integer between 0 and 18446744073709551615."},
	} {
		_, err := tool.Run(context.Background(), &Call{Args: json.RawMessage(tt.args)})
		requireInvalid(t, err, tt.msg)
	}
	for args, want := range map[string]rulesInput{
		`{"mode":"slow","level":0.5,"step":10,"code":"ab","kind":"thing"}`: {Mode: "slow", Level: 0.5, Step: 10, Code: "ab", Kind: "thing", Size: 10},
		`{"tags":["a","b"],"labels":{"x":"y"},"size":3}`:                   {Tags: []string{"a", "b"}, Labels: map[string]string{"x": "y"}, Size: 3},
		`{"extra":[1.0],"size":null}`:                                      {Extra: []any{1.0}, Size: 10},
		`{"code":"日本"}`:                                                    {Code: "日本", Size: 10},
	} {
		got = rulesInput{}
		_, err := tool.Run(context.Background(), &Call{Args: json.RawMessage(args)})
		require.NoError(t, err, args)
		assert.Equal(t, want, got, args)
	}
}

// TestPlainToolIgnoresUnknownArguments: a tool listed in the plain form
// (toolProperties) shows clients a schema without additionalProperties,
// as the host builds it, so other arguments are ignored; one listed whole
// refuses them.
func TestPlainToolIgnoresUnknownArguments(t *testing.T) {
	var got string
	plain := fileTool(&got)
	_, flat, err := plain.Properties()
	require.NoError(t, err)
	require.True(t, flat)
	_, err = plain.Run(context.Background(), &Call{Args: json.RawMessage(`{"fileName":"a","other":1}`)})
	require.NoError(t, err)

	whole := fileTool(&got)
	whole.Handler = whole.Handler.WithSchema(func(s *jsonschema.Schema) { n := 8; s.Properties["fileName"].MaxLength = &n })
	_, flat, err = whole.Properties()
	require.NoError(t, err)
	require.False(t, flat)
	_, err = whole.Run(context.Background(), &Call{Args: json.RawMessage(`{"fileName":"a","other":1}`)})
	requireInvalid(t, err, "Unknown argument 'other'; the arguments are 'fileName'.")
}

// TestSchemaWithoutNull: optional pointers and slices are typed as what
// they hold; null still means left out.
func TestSchemaWithoutNull(t *testing.T) {
	type optional struct {
		N *int     `json:"n,omitempty" jsonschema:"N."`
		L []string `json:"l,omitempty" jsonschema:"L."`
		P *struct {
			X *string `json:"x,omitempty" jsonschema:"X."`
		} `json:"p,omitempty" jsonschema:"P."`
	}
	var got optional
	tool := &Tool{Name: "opt", Description: "Opt.", Handler: Typed(func(_ context.Context, _ *Call, in optional) (string, error) { got = in; return "", nil })}
	s, err := tool.InputSchema()
	require.NoError(t, err)
	b, _ := json.Marshal(s)
	assert.NotContains(t, string(b), "null")
	assert.Equal(t, "integer", s.Properties["n"].Type)
	assert.Equal(t, "string", s.Properties["p"].Properties["x"].Type)
	_, err = tool.Run(context.Background(), &Call{Args: json.RawMessage(`{"n":null,"l":null,"p":{"x":null}}`)})
	require.NoError(t, err)
	assert.Nil(t, got.N)
	assert.Nil(t, got.L)
	require.NotNil(t, got.P)
	assert.Nil(t, got.P.X)
}

// TestSchemaCheckedAtDeclaration: a schema that says what the decoder
// would not check, or what the type cannot hold, is refused by Check, so
// that clients are never shown a rule that is not kept.
func TestSchemaCheckedAtDeclaration(t *testing.T) {
	for name, tt := range map[string]struct {
		adjust func(*jsonschema.Schema)
		want   string
	}{
		"anyOf":             {func(s *jsonschema.Schema) { s.Properties["mode"].AnyOf = []*jsonschema.Schema{{}} }, `mode: the schema keyword "anyOf" is not enforced`},
		"patternProperties": {func(s *jsonschema.Schema) { s.PatternProperties = map[string]*jsonschema.Schema{"x": {}} }, `the arguments: the schema keyword "patternProperties"`},
		"type changed":      {func(s *jsonschema.Schema) { s.Properties["step"].Type = "string" }, "step: the schema says string; the field holds integer"},
		"property dropped":  {func(s *jsonschema.Schema) { delete(s.Properties, "mode") }, `argument "mode" is a field of the input but not in its schema`},
		"bad default":       {func(s *jsonschema.Schema) { s.Properties["step"].Default = json.RawMessage(`"x"`) }, "the default of step: Argument 'step' must be an integer, not a string."},
		"bad pattern":       {func(s *jsonschema.Schema) { s.Properties["code"].Pattern = "(" }, `pattern "(" is not a Go (RE2) regular expression`},
	} {
		t.Run(name, func(t *testing.T) {
			tool := &Tool{Name: "rules", Description: "Rules.", Handler: Typed(func(context.Context, *Call, rulesInput) (string, error) { return "", nil }).WithSchema(tt.adjust)}
			assert.ErrorContains(t, tool.Check(), tt.want)
		})
	}
}

// fuzzInput has a field of each kind the decoder reads, all optional.
type fuzzInput struct {
	S   string            `json:"s,omitempty"`
	N   int               `json:"n,omitempty"`
	I8  int8              `json:"i8,omitempty"`
	U   uint16            `json:"u,omitempty"`
	F   float64           `json:"f,omitempty"`
	F32 float32           `json:"f32,omitempty"`
	B   bool              `json:"b,omitempty"`
	P   *string           `json:"p,omitempty"`
	PI  *int              `json:"pi,omitempty"`
	L   []int             `json:"l,omitempty"`
	M   map[string]string `json:"m,omitempty"`
	A   any               `json:"a,omitempty"`
	Sub struct {
		X string `json:"x,omitempty"`
		Y []bool `json:"y,omitempty"`
	} `json:"sub,omitzero"`
}

// caseFolded reports whether an object in data has a member whose name
// matches a field's only without regard to case, which encoding/json
// takes and the decoder does not.
func caseFolded(data []byte) bool {
	var v any
	if json.Unmarshal(data, &v) != nil {
		return false
	}
	names := []string{"s", "n", "i8", "u", "f", "f32", "b", "p", "pi", "l", "m", "a", "sub", "x", "y"}
	var walk func(v any, fields bool) bool
	walk = func(v any, fields bool) bool {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				for _, n := range names {
					if fields && k != n && strings.EqualFold(k, n) {
						return true
					}
				}
				if walk(e, k == "sub") {
					return true
				}
			}
		case []any:
			for _, e := range x {
				if walk(e, false) {
					return true
				}
			}
		}
		return false
	}
	return walk(v, true)
}

// FuzzDecode: whatever encoding/json reads into the input, the decoder
// reads the same (names matched exactly aside), and nothing panics.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"s":"a\u00e9\ud800","n":-3,"i8":127,"u":65535,"f":1.5e3,"f32":3.4e38,"b":true,"p":"x","pi":null,"l":[1,2],"m":{"k":"v"},"a":[{"z":null}],"sub":{"x":"y","y":[true]}}`,
		`{"n":1,"n":2,"m":{"a":"1"},"m":{"b":"2"},"sub":{"x":"1"},"sub":{"y":[]}}`,
		`{"l":[1,2,3],"l":[4],"a":1,"a":{"b":2}}`,
		`{"S":"case","n":5.0,"i8":300,"f32":1e39}`,
		`{"p":null,"l":null,"m":null,"a":null,"sub":null,"s":null}`,
		`{"s":"\xff\xfe","other":{"deep":[[[]]]}}`,
		`[]`, `null`, `{"n":1e2}`, `{"u":-0}`, `{"n":-0.0}`,
	} {
		f.Add([]byte(s))
	}
	s, err := jsonschema.ForType(reflect.TypeFor[fuzzInput](), nil)
	require.NoError(f, err)
	withoutNull(s)
	s.AdditionalProperties = nil
	s.Properties["sub"].AdditionalProperties = nil
	root, err := compile(reflect.TypeFor[fuzzInput](), s, "")
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, data []byte) {
		var got fuzzInput
		gotErr := root.decodeArgs(data, reflect.ValueOf(&got).Elem())
		var want fuzzInput
		if json.Unmarshal(data, &want) != nil || caseFolded(data) || !json.Valid(data) {
			return
		}
		if string(data) == "null" || len(strings.TrimSpace(string(data))) == 0 {
			return // no arguments
		}
		require.NoError(t, gotErr, "%s", data)
		require.Equal(t, want, got, "%s", data)
	})
}
