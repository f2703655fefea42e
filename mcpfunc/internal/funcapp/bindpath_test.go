package funcapp

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPathTemplate(t *testing.T) {
	data := map[string]string{
		"mcptoolargs.key": "a1", "mcptoolargs.dir": "x",
		"sys.methodname": "get", "sys.randguid": "0f8fad5b-d9cb-469f-a165-70867728950e",
		"name": "from-a-template",
	}
	lookup := func(e Expr) (string, bool) {
		key := strings.ToLower(e.Source)
		if e.Member != "" {
			key += "." + strings.ToLower(e.Member)
		}
		v, ok := data[key]
		return v, ok
	}
	tests := []struct {
		name, path string
		want       string
		exprs      []Expr
		wantErr    string
	}{
		{name: "literal only", path: "items/fixed.json", want: "items/fixed.json"},
		{name: "argument", path: "items/{mcptoolargs.key}.json", want: "items/a1.json", exprs: []Expr{{"mcptoolargs", "key"}}},
		{name: "names as written", path: "{MCPToolArgs.Key}/{mcptoolargs.dir}", want: "a1/x", exprs: []Expr{{"MCPToolArgs", "Key"}, {"mcptoolargs", "dir"}}},
		{name: "sys members", path: "logs/{sys.MethodName}/{sys.randguid}", want: "logs/get/0f8fad5b-d9cb-469f-a165-70867728950e"},
		{name: "a plain name", path: "items/{name}.json", want: "items/from-a-template.json", exprs: []Expr{{"name", ""}}},
		{name: "no binding data", path: "items/{mcptoolargs.other}.json", wantErr: `no binding data for {mcptoolargs.other}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePath(tt.path)
			require.NoError(t, err)
			assert.Equal(t, tt.path, p.String())
			if tt.exprs != nil {
				assert.Equal(t, tt.exprs, p.Exprs())
			}
			got, err := p.Resolve(lookup)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParsePathErrors(t *testing.T) {
	for _, path := range []string{
		"items/{mcptoolargs.key.json", // unclosed
		"items/{a{b}}.json",           // nested
		"items/x}.json",               // stray close
		"items/{}.json",               // empty
		"items/{mcptoolargs.}.json",   // no member
		"items/{.x}.json",             // no name
	} {
		t.Run(path, func(t *testing.T) {
			_, err := ParsePath(path)
			require.ErrorContains(t, err, path)
		})
	}
}

// FuzzParsePath: whatever the text, parsing never panics, and a parsed
// path resolves back to itself when every expression is its own text.
func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"items/{mcptoolargs.key}.json", "{a}{b.c}", "x{", "}", "{{}}", "a.b/{c.d.e}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		p, err := ParsePath(path)
		if err != nil {
			return
		}
		got, err := p.Resolve(func(e Expr) (string, bool) { return e.String(), true })
		if err != nil || got != path {
			t.Fatalf("ParsePath(%q) resolves to %q, %v", path, got, err)
		}
	})
}
