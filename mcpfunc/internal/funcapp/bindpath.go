package funcapp

import (
	"fmt"
	"strings"
)

// A PathTemplate is a binding path such as
// notes/{mcptoolargs.name}.txt: literal text and {…}
// expressions the host fills in from the invocation's binding data. It is
// the one grammar of binding paths in this app: the function-app checks
// validate with it and the local host resolves with it.
//
// An expression is a binding data name, optionally followed by a member:
// {name} or {source.member}, such as {mcptoolargs.name} or
// {sys.RandGuid}. Which names exist depends on the trigger (see
// [Function] checks); names match case-insensitively, as the host's
// binding data does. Braces do not nest and must close.
type PathTemplate struct {
	raw   string
	parts []pathPart
}

// Expr is one {…} of a path: Source is the binding data name, Member the
// part after the first '.', empty for {name}.
type Expr struct {
	Source, Member string
}

func (e Expr) String() string {
	if e.Member == "" {
		return "{" + e.Source + "}"
	}
	return "{" + e.Source + "." + e.Member + "}"
}

type pathPart struct {
	literal string
	expr    *Expr
}

// ParsePath parses a binding path.
func ParsePath(path string) (*PathTemplate, error) {
	t := &PathTemplate{raw: path}
	rest := path
	for rest != "" {
		open := strings.IndexAny(rest, "{}")
		if open < 0 {
			t.parts = append(t.parts, pathPart{literal: rest})
			break
		}
		if rest[open] == '}' {
			return nil, fmt.Errorf("binding path %q: '}' without '{'", path)
		}
		if open > 0 {
			t.parts = append(t.parts, pathPart{literal: rest[:open]})
		}
		end := strings.IndexAny(rest[open+1:], "{}")
		if end < 0 || rest[open+1+end] == '{' {
			return nil, fmt.Errorf("binding path %q: unclosed {", path)
		}
		body := rest[open+1 : open+1+end]
		source, member, dotted := strings.Cut(body, ".")
		if source == "" || (dotted && member == "") {
			return nil, fmt.Errorf("binding path %q: {%s}: want {name} or {name.member}", path, body)
		}
		t.parts = append(t.parts, pathPart{expr: &Expr{Source: source, Member: member}})
		rest = rest[open+1+end+1:]
	}
	return t, nil
}

// String is the path as declared.
func (t *PathTemplate) String() string { return t.raw }

// Exprs lists the path's expressions in order.
func (t *PathTemplate) Exprs() []Expr {
	var out []Expr
	for _, p := range t.parts {
		if p.expr != nil {
			out = append(out, *p.expr)
		}
	}
	return out
}

// Resolve fills in the path for one invocation. value returns an
// expression's text, or false when the binding data has none: the host
// then fails the invocation, and so does Resolve.
func (t *PathTemplate) Resolve(value func(Expr) (string, bool)) (string, error) {
	var b strings.Builder
	b.Grow(len(t.raw) + 32)
	for _, p := range t.parts {
		if p.expr == nil {
			b.WriteString(p.literal)
			continue
		}
		v, ok := value(*p.expr)
		if !ok {
			return "", fmt.Errorf("binding path %q: no binding data for %s", t.raw, p.expr)
		}
		b.WriteString(v)
	}
	return b.String(), nil
}
