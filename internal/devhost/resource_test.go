package devhost

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestCompileTemplate pins the extension's template matching
// (ResourceUriHelper.cs): literal text case-insensitive, a parameter one or
// more characters other than / ? #, values raw.
func TestCompileTemplate(t *testing.T) {
	re := compileTemplate("snippet://{name}")
	for uri, want := range map[string]string{
		"snippet://a1":    "a1",
		"SNIPPET://a1":    "a1",
		"snippet://..":    "..",
		"snippet://a%2Fb": "a%2Fb",
		"snippet://a b":   "a b",
		"snippet://a\\b":  "a\\b",
	} {
		m := re.FindStringSubmatch(uri)
		if assert.NotNil(t, m, uri) {
			assert.Equal(t, want, m[1], uri)
		}
	}
	for _, uri := range []string{"snippet://", "snippet://a/b", "snippet://a?x", "snippet://a#b", "other://a", "xsnippet://a"} {
		assert.Nil(t, re.FindStringSubmatch(uri), uri)
	}
	q := compileTemplate("db://items?{id}&{tag}")
	m := q.FindStringSubmatch("db://items?a/b&c?d")
	if assert.NotNil(t, m) {
		assert.Equal(t, []string{"a/b", "c?d"}, m[1:], "right after ? or & a parameter stops at & or # only")
	}
	assert.Nil(t, compileTemplate("db://items?id={id}").FindStringSubmatch("db://items?id=a/b"), "after = it stops at / as anywhere else")
	assert.NotNil(t, compileTemplate("a.b://x+y/{p}").FindStringSubmatch("a.b://x+y/z"), "literal text is quoted")
	assert.Nil(t, compileTemplate("a.b://x+y/{p}").FindStringSubmatch("aXb://xxy/z"))
}
