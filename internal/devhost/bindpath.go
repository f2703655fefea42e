package devhost

import (
	"fmt"
	"strings"

	"remote-mcp-functions-go/internal/invoke"
)

// A PathTemplate is a blob binding path such as
// snippets/{mcptoolargs.snippetname}.json, parsed once at start so a call
// only fills in the blanks.
//
// The expressions the host resolves for an MCP tool are
// {mcptoolargs.<argument>} (the argument as text, as the extension puts it
// in mcptoolargs) and {sys.MethodName}, {sys.UtcNow} and {sys.RandGuid}.
// Names are matched case-insensitively, like the host's binding data.
type PathTemplate struct {
	raw   string
	parts []pathPart
}

type pathPart struct {
	literal string
	// For an expression: source is "mcptoolargs" or "sys", and field the
	// argument or sys member.
	source, field string
}

// ParsePath parses a binding path. An expression other than the ones above
// is an error, as is an unclosed brace.
func ParsePath(path string) (*PathTemplate, error) {
	t := &PathTemplate{raw: path}
	rest := path
	for rest != "" {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			t.parts = append(t.parts, pathPart{literal: rest})
			break
		}
		if open > 0 {
			t.parts = append(t.parts, pathPart{literal: rest[:open]})
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return nil, fmt.Errorf("binding path %q: unclosed {", path)
		}
		expr := rest[open+1 : open+end]
		source, field, ok := strings.Cut(expr, ".")
		source = strings.ToLower(source)
		switch {
		case !ok || field == "":
			return nil, fmt.Errorf("binding path %q: {%s}: want {mcptoolargs.<argument>} or {sys.<member>}", path, expr)
		case source == "mcptoolargs":
		case source == "sys":
			switch strings.ToLower(field) {
			case "methodname", "utcnow", "randguid":
			default:
				return nil, fmt.Errorf("binding path %q: {%s}: sys has MethodName, UtcNow and RandGuid", path, expr)
			}
		default:
			return nil, fmt.Errorf("binding path %q: {%s}: only mcptoolargs and sys are bound for an MCP tool", path, expr)
		}
		t.parts = append(t.parts, pathPart{source: source, field: field})
		rest = rest[open+end+1:]
	}
	return t, nil
}

// String is the path as declared.
func (t *PathTemplate) String() string { return t.raw }

// Resolve fills in the path for one call. args is mcptoolargs (nil when the
// client sent no arguments object). A missing argument is an error: the host
// fails the invocation when a binding path cannot be resolved.
func (t *PathTemplate) Resolve(args map[string]string, sys invoke.SysData) (string, error) {
	var b strings.Builder
	b.Grow(len(t.raw) + 32)
	for _, p := range t.parts {
		switch p.source {
		case "":
			b.WriteString(p.literal)
		case "sys":
			switch strings.ToLower(p.field) {
			case "methodname":
				b.WriteString(sys.MethodName)
			case "utcnow":
				b.WriteString(sys.UtcNow)
			case "randguid":
				b.WriteString(sys.RandGuid)
			}
		case "mcptoolargs":
			v, ok := lookupFold(args, p.field)
			if !ok {
				return "", fmt.Errorf("binding path %q: no argument %q to resolve {mcptoolargs.%s}", t.raw, p.field, p.field)
			}
			b.WriteString(v)
		}
	}
	return b.String(), nil
}

func lookupFold(m map[string]string, key string) (string, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return "", false
}
