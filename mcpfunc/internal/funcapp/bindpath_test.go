package funcapp

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPathTemplate(t *testing.T) {
	data := map[string]string{
		"mcptoolargs.snippetname": "a1", "mcptoolargs.dir": "x",
		"sys.methodname": "getsnippet", "sys.randguid": "0f8fad5b-d9cb-469f-a165-70867728950e",
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
		{name: "literal only", path: "snippets/fixed.json", want: "snippets/fixed.json"},
		{name: "argument", path: "snippets/{mcptoolargs.snippetname}.json", want: "snippets/a1.json", exprs: []Expr{{"mcptoolargs", "snippetname"}}},
		{name: "names as written", path: "{MCPToolArgs.SnippetName}/{mcptoolargs.dir}", want: "a1/x", exprs: []Expr{{"MCPToolArgs", "SnippetName"}, {"mcptoolargs", "dir"}}},
		{name: "sys members", path: "logs/{sys.MethodName}/{sys.randguid}", want: "logs/getsnippet/0f8fad5b-d9cb-469f-a165-70867728950e"},
		{name: "a plain name", path: "snippets/{name}.json", want: "snippets/from-a-template.json", exprs: []Expr{{"name", ""}}},
		{name: "no binding data", path: "snippets/{mcptoolargs.other}.json", wantErr: `no binding data for {mcptoolargs.other}`},
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
		"snippets/{mcptoolargs.snippetname.json", // unclosed
		"snippets/{a{b}}.json",                   // nested
		"snippets/x}.json",                       // stray close
		"snippets/{}.json",                       // empty
		"snippets/{mcptoolargs.}.json",           // no member
		"snippets/{.x}.json",                     // no name
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
	for _, s := range []string{"snippets/{mcptoolargs.snippetname}.json", "{a}{b.c}", "x{", "}", "{{}}", "a.b/{c.d.e}"} {
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
