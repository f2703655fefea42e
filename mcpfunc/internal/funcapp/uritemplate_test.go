package funcapp_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
)

// The extension's matching: literal text case-insensitively, a parameter
// one or more characters other than / ? #, raw.
func TestURITemplateMatch(t *testing.T) {
	tests := []struct {
		template, uri string
		want          map[string]string // nil: no match
	}{
		{"item://{name}", "item://demo", map[string]string{"name": "demo"}},
		{"item://{name}", "ITEM://demo", map[string]string{"name": "demo"}},
		{"item://{name}", "item://a%2Fb", map[string]string{"name": "a%2Fb"}},
		{"item://{name}", "item://a b", map[string]string{"name": "a b"}},
		{"item://{name}", "item://a/b", nil},
		{"item://{name}", "item://", nil},
		{"item://{name}", "item://a?x=1", nil},
		{"file://{dir}/{name}", "file://src/main.go", map[string]string{"dir": "src", "name": "main.go"}},
		// Right after ? or &, a parameter may hold / but not & or #.
		{"search://q?{term}&{page}", "search://q?a/b&2", map[string]string{"term": "a/b", "page": "2"}},
		{"search://q?{term}", "search://q?a&b", nil},
		{"item://{name}.txt", "item://a.b.txt", map[string]string{"name": "a.b"}},
		{"static://one", "static://one", map[string]string{}},
	}
	for _, tt := range tests {
		got, ok := funcapp.CompileURITemplate(tt.template).Match(tt.uri)
		assert.Equal(t, tt.want != nil, ok, "%s against %s", tt.uri, tt.template)
		if tt.want != nil {
			assert.Equal(t, tt.want, got, "%s against %s", tt.uri, tt.template)
		}
	}
}

// The extension's lookup (DefaultResourceRegistry.TryGetResource): a
// static URI first, case-insensitively, then the templates in the order
// they were registered.
func TestResourceTable(t *testing.T) {
	var tbl funcapp.ResourceTable[string]
	tbl.Add("item://{name}", "template")
	tbl.Add("item://{dir}", "later template")
	tbl.Add("item://index", "static")
	for _, tt := range []struct{ uri, want, param string }{
		{"item://index", "static", ""},
		{"ITEM://INDEX", "static", ""},
		{"ITEM://demo", "template", "demo"},
		{"item://a/b", "", ""},
		{"other://demo", "", ""},
	} {
		got, params, ok := tbl.Match(tt.uri)
		assert.Equal(t, tt.want != "", ok, tt.uri)
		assert.Equal(t, tt.want, got, tt.uri)
		if tt.param != "" {
			assert.Equal(t, map[string]string{"name": tt.param}, params, tt.uri)
		}
	}
}

// ParseFunction checks a function.json from memory as Load checks files.
func TestParseFunction(t *testing.T) {
	f, err := funcapp.ParseFunction("get", "gen/get/function.json", []byte(goodFunction))
	if assert.NoError(t, err) {
		assert.Equal(t, []string{"id"}, f.ToolTrigger().Required())
		assert.NotNil(t, f.Blobs(funcapp.In)[0].Template, "paths are parsed")
	}
	_, err = funcapp.ParseFunction("bad", "gen/bad/function.json", []byte(`{"bindings":[]}`))
	assert.ErrorContains(t, err, "gen/bad/function.json: bindings: no bindings")
	_, err = funcapp.ParseFunction("bad", "gen/bad/function.json", []byte(`{`))
	assert.ErrorContains(t, err, "gen/bad/function.json: not valid JSON")
}
