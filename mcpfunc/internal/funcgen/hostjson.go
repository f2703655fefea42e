package funcgen

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/rawjson"
)

// HostFile is the function app's host.json, relative to its root.
const HostFile = "host.json"

// The members of host.json's extensions.mcp that generation owns: the MCP
// extension's server name, version and instructions (McpOptions in
// Azure/azure-functions-mcp-extension
// src/Microsoft.Azure.Functions.Extensions.Mcp/Configuration/McpOptions.cs
// @cd0d1e8c), which initialize answers in the trigger hosting.
const (
	memberName         = "serverName"
	memberVersion      = "serverVersion"
	memberInstructions = "instructions"
)

// serverMembers is the extensions.mcp block info gives, in the order
// written: a member the app leaves empty is left out, so that the
// extension's default applies (1.0.0 for the version, no instructions).
func serverMembers(info decl.ServerInfo) [][2]string {
	var out [][2]string
	for _, m := range [][2]string{{memberName, info.Name}, {memberVersion, info.Version}, {memberInstructions, info.Instructions}} {
		if m[1] != "" {
			out = append(out, m)
		}
	}
	return out
}

// HostJSON returns host.json's text src with extensions.mcp's serverName,
// serverVersion and instructions set from info, and every other byte as it
// was: the members of extensions.mcp that generation does not own (system,
// messageOptions, …) are kept as written, after the three. A host.json
// already saying what info says is returned as it is, however it is
// formatted; one without extensions or extensions.mcp gets them, as the
// last member of the object they belong to, indented as the file is.
//
// Member names are matched ignoring case, as the host's configuration reads
// them; a name that appears twice is an error, as is an extensions or
// extensions.mcp that is not an object: those are for a person to fix.
func HostJSON(src []byte, info decl.ServerInfo) ([]byte, error) {
	h, err := locate(src)
	if err != nil {
		return nil, err
	}
	want := serverMembers(info)
	if h.mcp != nil && same(h.have, want) {
		return src, nil
	}
	f := h.format
	switch {
	case h.ext == nil:
		ind := h.top.memberIndent(src, f)
		block := f.object(ind, [][]byte{f.member("mcp", f.object(ind+f.unit, f.members(want)))})
		return h.top.insert(src, f, "extensions", block), nil
	case h.mcp == nil:
		return h.extObj.insert(src, f, "mcp", f.object(h.extObj.memberIndent(src, f), f.members(want))), nil
	}
	// Rewrite the block: the three first, then the rest as written.
	pieces := f.members(want)
	for _, m := range h.mcpObj.members {
		if !owned(m.name) {
			pieces = append(pieces, src[m.key:m.end])
		}
	}
	out := append([]byte(nil), src[:h.mcp.val]...)
	out = append(out, f.object(f.indentAt(src, h.mcp.key), pieces)...)
	return append(out, src[h.mcp.end:]...), nil
}

// serverDrift says how host.json's text src differs from info's block:
// "says extensions.mcp.serverName is …, the App's Name is …", one clause per
// member; "" when HostJSON would leave it as it is.
func serverDrift(src []byte, info decl.ServerInfo) (string, error) {
	h, err := locate(src)
	if err != nil {
		return "", err
	}
	if h.mcp != nil && same(h.have, serverMembers(info)) {
		return "", nil
	}
	if h.mcp == nil {
		return "has no extensions.mcp block (the server's name, version and instructions the App gives)", nil
	}
	var out []string
	for _, m := range [][3]string{{memberName, info.Name, "Name"}, {memberVersion, info.Version, "Version"}, {memberInstructions, info.Instructions, "Instructions"}} {
		got, want := "missing", "empty, so the member goes"
		if m[1] != "" {
			_, want = quotePair("", m[1])
		}
		switch v := h.have[m[0]]; {
		case v != nil && *v == m[1]:
			continue
		case v != nil && m[1] != "":
			got, want = quotePair(*v, m[1])
		case v != nil:
			got, _ = quotePair(*v, "")
		case h.present[m[0]]:
			got = "not a string"
		case m[1] == "":
			continue
		}
		out = append(out, fmt.Sprintf("extensions.mcp.%s is %s, the App's %s is %s", m[0], got, m[2], want))
	}
	return "says " + strings.Join(out, "; "), nil
}

// hostFile is where a host.json's server block is: nil parts are absent.
type hostFile struct {
	format
	top, extObj, mcpObj *object
	ext, mcp            *member
	have                map[string]*string // the owned members' string values
	present             map[string]bool    // the owned members there, strings or not
}

func locate(src []byte) (*hostFile, error) {
	h := &hostFile{format: format{unit: "  "}}
	var err error
	if h.top, err = parseObject(src, rawjson.SkipSpace(src, 0)); err != nil {
		return nil, fmt.Errorf("%s: %w", HostFile, err)
	}
	if end := rawjson.SkipSpace(src, h.top.end); end != len(src) {
		return nil, fmt.Errorf("%s: text after the object, at byte %d", HostFile, end)
	}
	if len(h.top.members) > 0 {
		h.unit, h.pretty = lineIndent(src, h.top.members[0].key)
		h.pretty = h.pretty && h.unit != ""
	}
	if h.ext, err = h.top.only("extensions"); err != nil || h.ext == nil {
		return h, err
	}
	if h.extObj, err = parseObject(src, h.ext.val); err != nil {
		return nil, fmt.Errorf("%s: extensions: %w: fix it, then run make generate", HostFile, err)
	}
	if h.mcp, err = h.extObj.only("mcp"); err != nil || h.mcp == nil {
		return h, err
	}
	if h.mcpObj, err = parseObject(src, h.mcp.val); err != nil {
		return nil, fmt.Errorf("%s: extensions.mcp: %w: fix it, then run make generate", HostFile, err)
	}
	h.have, h.present = map[string]*string{}, map[string]bool{}
	for _, n := range []string{memberName, memberVersion, memberInstructions} {
		m, err := h.mcpObj.only(n)
		if err != nil || m == nil {
			if err != nil {
				return nil, err
			}
			continue
		}
		h.present[n] = true
		if rawjson.Kind(src, m.val) != '"' {
			continue
		}
		s, _, err := rawjson.String(src, m.val)
		if err != nil {
			return nil, fmt.Errorf("%s: extensions.mcp.%s: %w", HostFile, n, err)
		}
		h.have[n] = &s
	}
	return h, nil
}

// quotePair quotes got and want, each cut to a length that fits on a
// line, around where they first differ.
func quotePair(got, want string) (string, string) {
	const limit, before = 60, 20
	g, w := []rune(got), []rune(want)
	from := 0
	for from < len(g) && from < len(w) && g[from] == w[from] {
		from++
	}
	from = max(0, from-before)
	cut := func(r []rune) string {
		if len(r) <= limit {
			return fmt.Sprintf("%q", string(r))
		}
		start := min(from, len(r)-limit)
		q := fmt.Sprintf("%q", string(r[start:start+limit]))
		if start > 0 {
			q = "…" + q
		}
		if start+limit < len(r) {
			q += "…"
		}
		return q
	}
	return cut(g), cut(w)
}

func owned(name string) bool {
	for _, n := range []string{memberName, memberVersion, memberInstructions} {
		if strings.EqualFold(name, n) {
			return true
		}
	}
	return false
}

// same says whether have (member → its string value; nil when absent or
// not a string) holds exactly want.
func same(have map[string]*string, want [][2]string) bool {
	wanted := map[string]string{}
	for _, m := range want {
		wanted[m[0]] = m[1]
	}
	for _, n := range []string{memberName, memberVersion, memberInstructions} {
		w, ok := wanted[n]
		h := have[n]
		if ok != (h != nil) || (ok && *h != w) {
			return false
		}
	}
	return true
}

// object is a JSON object in a text: where it starts and its members.
type object struct {
	start, end int // '{' and just after '}'
	members    []member
}

// member is one member of an object: its name and where its key and
// value start, and where the value ends.
type member struct {
	name          string
	key, val, end int
}

// maxDepth bounds the nesting HostJSON reads: far more than a host.json has.
const maxDepth = 64

func parseObject(src []byte, at int) (*object, error) {
	if rawjson.Kind(src, at) != '{' {
		return nil, errors.New("not a JSON object")
	}
	o := &object{start: at}
	next := rawjson.SkipSpace(src, at+1) // where the next member's key starts
	end, err := rawjson.Object(src, at, func(name []byte, val int) (int, error) {
		end, err := rawjson.Skip(src, val, maxDepth)
		if err != nil {
			return end, err
		}
		o.members = append(o.members, member{name: string(name), key: next, val: val, end: end})
		// After the value: spaces, a comma, spaces, the next key.
		next = rawjson.SkipSpace(src, rawjson.SkipSpace(src, end)+1)
		return end, nil
	})
	if err != nil {
		return nil, err
	}
	o.end = end
	return o, nil
}

// only finds the member named name (ignoring case), nil when there is
// none; two are an error.
func (o *object) only(name string) (*member, error) {
	var found *member
	for i := range o.members {
		if strings.EqualFold(o.members[i].name, name) {
			if found != nil {
				return nil, fmt.Errorf("%s: %q appears twice in an object: keep one, then run make generate", HostFile, name)
			}
			found = &o.members[i]
		}
	}
	return found, nil
}

// insert returns src with name: value added as o's last member.
func (o *object) insert(src []byte, f format, name string, value []byte) []byte {
	if len(o.members) == 0 {
		// {} becomes an object of one member, closed where it opened.
		out := append([]byte(nil), src[:o.start]...)
		out = append(out, f.object(f.indentAt(src, o.start), [][]byte{f.member(name, value)})...)
		return append(out, src[o.end:]...)
	}
	last := o.members[len(o.members)-1]
	out := append([]byte(nil), src[:last.end]...)
	out = append(out, ',')
	if f.pretty {
		out = append(out, '\n')
		out = append(out, f.indentAt(src, last.key)...)
	}
	out = append(out, f.member(name, value)...)
	return append(out, src[last.end:]...)
}

// memberIndent is the indentation of o's members: its last one's, or
// one unit more than the line o opens on.
func (o *object) memberIndent(src []byte, f format) string {
	if len(o.members) > 0 {
		return f.indentAt(src, o.members[len(o.members)-1].key)
	}
	return f.indentAt(src, o.start) + f.unit
}

// format is how the host.json at hand is laid out: indented by unit, one
// member a line, or all on one line.
type format struct {
	unit   string
	pretty bool
}

// indentAt is the indentation of the line holding src[i].
func (f format) indentAt(src []byte, i int) string {
	if !f.pretty {
		return ""
	}
	start := bytes.LastIndexByte(src[:i], '\n') + 1
	j := start
	for j < i && (src[j] == ' ' || src[j] == '\t') {
		j++
	}
	return string(src[start:j])
}

// lineIndent is what precedes src[i] on its line, when that is only
// spaces and tabs.
func lineIndent(src []byte, i int) (string, bool) {
	start := bytes.LastIndexByte(src[:i], '\n') + 1
	pre := src[start:i]
	if len(bytes.Trim(pre, " \t")) > 0 || start == 0 {
		return "", false
	}
	return string(pre), true
}

// member writes "name": value.
func (f format) member(name string, value []byte) []byte {
	b := rawjson.AppendEscaped([]byte{'"'}, name, 1)
	b = append(b, '"', ':')
	if f.pretty {
		b = append(b, ' ')
	}
	return append(b, value...)
}

// members writes string members.
func (f format) members(ms [][2]string) [][]byte {
	out := make([][]byte, len(ms))
	for i, m := range ms {
		v := rawjson.AppendEscaped([]byte{'"'}, m[1], 1)
		out[i] = f.member(m[0], append(v, '"'))
	}
	return out
}

// object writes an object of the given members whose closing brace is
// indented by indent, its members by one unit more.
func (f format) object(indent string, pieces [][]byte) []byte {
	if len(pieces) == 0 {
		return []byte("{}")
	}
	b := []byte{'{'}
	for i, p := range pieces {
		if i > 0 {
			b = append(b, ',')
		}
		if f.pretty {
			b = append(b, '\n')
			b = append(b, indent+f.unit...)
		}
		b = append(b, p...)
	}
	if f.pretty {
		b = append(b, '\n')
		b = append(b, indent...)
	}
	return append(b, '}')
}
