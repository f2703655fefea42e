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

// ResourceTable finds the resource a requested URI names, as the
// extension's registry does (DefaultResourceRegistry.TryGetResource
// @cd0d1e8c): a static resource first, its URI compared case-insensitively
// (a dictionary with StringComparer.OrdinalIgnoreCase), then each template
// in the order added (URITemplate). Both hostings look resources up with
// it, so a URI such as NOTE://name reads the same resource in both.
type ResourceTable[T any] struct {
	static    []tableEntry[T]
	templates []tableEntry[T]
}

type tableEntry[T any] struct {
	uri      string
	template *URITemplate
	v        T
}

// Add adds the resource v with uri: a template when uri has {parameters}.
func (t *ResourceTable[T]) Add(uri string, v T) {
	tmpl := CompileURITemplate(uri)
	if len(tmpl.params) == 0 {
		t.static = append(t.static, tableEntry[T]{uri: uri, v: v})
		return
	}
	t.templates = append(t.templates, tableEntry[T]{uri: uri, template: tmpl, v: v})
}

// Match finds the resource uri names, with a template's parameters (nil
// for a static resource).
func (t *ResourceTable[T]) Match(uri string) (v T, params map[string]string, ok bool) {
	for _, e := range t.static {
		if strings.EqualFold(e.uri, uri) {
			return e.v, nil, true
		}
	}
	for _, e := range t.templates {
		if params, ok := e.template.Match(uri); ok {
			return e.v, params, true
		}
	}
	return v, nil, false
}
