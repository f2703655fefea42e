package funcapp

import (
	"regexp"
	"strings"
)

// URITemplate matches requested URIs against a resource template as the
// MCP extension does (ResourceUriHelper.cs @cd0d1e8c): literal text
// case-insensitively, and each {parameter} as one or more characters other
// than / ? # (& # after a ? or &), taken raw, without percent-decoding.
type URITemplate struct {
	re     *regexp.Regexp
	params []string
}

// CompileURITemplate compiles a resource's URI template.
func CompileURITemplate(uri string) *URITemplate {
	t := &URITemplate{}
	for _, m := range templateParam.FindAllStringSubmatch(uri, -1) {
		t.params = append(t.params, m[1])
	}
	var b strings.Builder
	b.WriteString(`(?i)^`)
	rest := uri
	for rest != "" {
		open := strings.IndexByte(rest, '{')
		end := strings.IndexByte(rest, '}')
		if open < 0 || end < open {
			b.WriteString(regexp.QuoteMeta(rest))
			break
		}
		b.WriteString(regexp.QuoteMeta(rest[:open]))
		class := `[^/?#]+`
		if open > 0 && (rest[open-1] == '?' || rest[open-1] == '&') {
			class = `[^&#]+`
		}
		b.WriteString(`(` + class + `)`)
		rest = rest[end+1:]
	}
	b.WriteString(`$`)
	t.re = regexp.MustCompile(b.String())
	return t
}

// Match reports whether uri is one of the template's resources, and its
// parameters by name.
func (t *URITemplate) Match(uri string) (map[string]string, bool) {
	m := t.re.FindStringSubmatch(uri)
	if m == nil {
		return nil, false
	}
	params := make(map[string]string, len(t.params))
	for i, p := range t.params {
		params[p] = m[i+1]
	}
	return params, true
}
