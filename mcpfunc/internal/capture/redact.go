package capture

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Redaction edits the body in place: it finds each secret value, however
// deep in JSON text inside strings, and replaces exactly the bytes that
// spell it at the outermost level, written with the escapes found there.
// Every other byte stays as the host sent it, escapes included, so a
// capture shows the host's encoding levels as they are.

// Redact returns body, indented and with its secrets replaced by
// "REDACTED", followed by a newline; or a note of its size when it is
// empty, too large or not JSON.
func Redact(body []byte) []byte {
	body = bytes.TrimSpace(body)
	switch {
	case len(body) == 0:
		return []byte("(empty)\n")
	case len(body) > MaxBodyBytes:
		return fmt.Appendf(nil, "(%d bytes, over the %d written: not recorded)\n", len(body), MaxBodyBytes)
	case !json.Valid(body):
		return fmt.Appendf(nil, "(%d bytes that are not JSON: not recorded, they cannot be redacted with certainty)\n", len(body))
	}
	r := &redactor{}
	edits, err := r.value(body, 0)
	if err != nil {
		return fmt.Appendf(nil, "(%d bytes: not recorded, the redaction failed: %v)\n", len(body), err)
	}
	out := apply(body, edits)
	for _, q := range queryCredential {
		out = q.ReplaceAll(out, []byte("${1}"+Redacted))
	}
	// A credential header's value must be gone, in whatever form.
	for _, s := range r.secrets {
		if len(s) >= 4 && bytes.Contains(out, s) {
			return fmt.Appendf(nil, "(%d bytes: not recorded, a credential survived the redaction)\n", len(body))
		}
	}
	var ind bytes.Buffer
	if err := json.Indent(&ind, out, "", "  "); err != nil {
		return fmt.Appendf(nil, "(%d bytes: not recorded, the redaction failed: %v)\n", len(body), err)
	}
	ind.WriteByte('\n')
	return ind.Bytes()
}

// queryCredential is a credential in a URL query: the function key
// (code=) or a signature or token. Its '&' may be written \u0026, with as
// many backslashes as the JSON levels around it have (.NET's
// System.Text.Json escapes '&' so by default); and a URL inside another
// URL's query has its own query percent-encoded (%26code%3D…), where the
// value ends at the next %26.
var queryCredential = []*regexp.Regexp{
	regexp.MustCompile(`(?i)((?:[?&]|\\+u0026)(?:code|sig|token|access_token)=)[^&"\\\s#]*`),
	regexp.MustCompile(`(?i)((?:%3F|%26)(?:code|sig|token|access_token)%3D)(?:[^&"\\\s#%]|%(?:[013-9a-f][0-9a-f]|2[0-57-9a-f]))*`),
}

// secretName is a member whose value is a credential wherever it is: the
// headers that carry one, should they appear outside a headers object.
// (Argument names such as key or code are the app's own and are kept.)
func secretName(name string) bool {
	switch strings.ToLower(name) {
	case "x-functions-key", "authorization", "proxy-authorization", "cookie", "set-cookie":
		return true
	}
	return false
}

// maxDepth bounds the recursion, as the handler bounds a payload's depth.
const maxDepth = 128

// edit replaces text[start:end] with repl.
type edit struct {
	start, end int
	repl       []byte
}

func (e edit) shift(by int) edit { return edit{e.start + by, e.end + by, e.repl} }

type redactor struct {
	// secrets are the decoded values of credential members, checked for
	// in the result.
	secrets [][]byte
}

// value returns the edits that redact v, one JSON value without
// surrounding space, in v's coordinates.
func (r *redactor) value(v []byte, depth int) ([]edit, error) {
	if depth > maxDepth {
		return nil, errors.New("nested too deeply")
	}
	switch v[0] {
	case '{':
		return r.object(v, depth, false)
	case '[':
		var edits []edit
		err := members(v, func(_ string, start, end int) error {
			e, err := r.value(v[start:end], depth+1)
			for _, x := range e {
				edits = append(edits, x.shift(start))
			}
			return err
		})
		return edits, err
	case '"':
		return r.str(v, depth)
	}
	return nil, nil
}

// object redacts an object's members; all says every member's value is a
// secret (the members of a headers object).
func (r *redactor) object(v []byte, depth int, all bool) ([]edit, error) {
	var edits []edit
	err := members(v, func(name string, start, end int) error {
		val := v[start:end]
		switch {
		case all || secretName(name):
			if string(val) == "null" || string(val) == `"`+Redacted+`"` {
				return nil
			}
			if secretName(name) && val[0] == '"' {
				var s string
				if json.Unmarshal(val, &s) == nil {
					r.secrets = append(r.secrets, []byte(s))
				}
			}
			edits = append(edits, edit{start, end, []byte(`"` + Redacted + `"`)})
			return nil
		case strings.EqualFold(name, "headers") && val[0] == '{':
			e, err := r.object(val, depth+1, true)
			for _, x := range e {
				edits = append(edits, x.shift(start))
			}
			return err
		default:
			e, err := r.value(val, depth+1)
			for _, x := range e {
				edits = append(edits, x.shift(start))
			}
			return err
		}
	})
	return edits, err
}

// str redacts JSON text inside a string (the host's context, itself
// inside a string): the edits found in the decoded text are mapped back
// onto the string's raw bytes.
func (r *redactor) str(v []byte, depth int) ([]edit, error) {
	raw := v[1 : len(v)-1]
	if !mayHoldJSON(raw) {
		return nil, nil
	}
	text, pos, err := unescape(raw)
	if err != nil {
		return nil, err
	}
	trimmed := bytes.TrimLeft(text, " \t\r\n")
	lead := len(text) - len(trimmed)
	trimmed = bytes.TrimRight(trimmed, " \t\r\n")
	if len(trimmed) == 0 || !strings.ContainsRune(`{["`, rune(trimmed[0])) || !json.Valid(trimmed) {
		return nil, nil
	}
	inner, err := r.value(trimmed, depth+1)
	if err != nil || len(inner) == 0 {
		return nil, err
	}
	edits := make([]edit, 0, len(inner))
	for _, e := range inner {
		a, b := pos[e.start+lead], pos[e.end+lead]
		edits = append(edits, edit{1 + a, 1 + b, escapeLike(e.repl, raw[a:b])})
	}
	return edits, nil
}

// mayHoldJSON reports whether a string's raw content starts, after
// space, with what an object, an array or a string starts with: the cheap
// test before decoding it.
func mayHoldJSON(raw []byte) bool {
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			switch c {
			case ' ', '\t', '\r', '\n':
				i++
				continue
			}
			return c == '{' || c == '['
		}
		if i+1 >= len(raw) {
			return false
		}
		n, out, err := escape(raw[i:])
		if err != nil {
			return false
		}
		switch string(out) {
		case " ", "\t", "\r", "\n":
			i += n
			continue
		}
		return string(out) == `"` || string(out) == "{" || string(out) == "["
	}
	return false
}

// members calls f with each member of the object or element of the array
// v: its name ("" in an array) and where its value is in v.
func members(v []byte, f func(name string, start, end int) error) error {
	dec := json.NewDecoder(bytes.NewReader(v))
	if _, err := dec.Token(); err != nil {
		return err
	}
	object := v[0] == '{'
	for dec.More() {
		name := ""
		if object {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			name, _ = tok.(string)
		}
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return err
		}
		end := int(dec.InputOffset())
		start := end - len(val)
		if start < 0 || !bytes.Equal(v[start:end], val) {
			return errors.New("lost track of a value's place")
		}
		if err := f(name, start, end); err != nil {
			return err
		}
	}
	return nil
}

// unescape decodes a JSON string's raw content as encoding/json does, and
// says where in raw each decoded byte came from: pos[i] is the raw offset
// of the character or escape that gave byte i, pos[len(text)] is len(raw).
func unescape(raw []byte) (text []byte, pos []int, err error) {
	text = make([]byte, 0, len(raw))
	pos = make([]int, 0, len(raw)+1)
	for i := 0; i < len(raw); {
		c := raw[i]
		if c != '\\' {
			text, pos = append(text, c), append(pos, i)
			i++
			continue
		}
		if i+1 >= len(raw) {
			return nil, nil, errors.New("a string ends in a backslash")
		}
		n, out, err := escape(raw[i:])
		if err != nil {
			return nil, nil, err
		}
		for range out {
			pos = append(pos, i)
		}
		text = append(text, out...)
		i += n
	}
	return text, append(pos, len(raw)), nil
}

// escape decodes the escape at the start of s: its length and the bytes
// it stands for (a surrogate pair is one escape; a lone surrogate is
// U+FFFD, as encoding/json reads it).
func escape(s []byte) (int, []byte, error) {
	switch s[1] {
	case '"', '\\', '/':
		return 2, s[1:2], nil
	case 'b':
		return 2, []byte{'\b'}, nil
	case 'f':
		return 2, []byte{'\f'}, nil
	case 'n':
		return 2, []byte{'\n'}, nil
	case 'r':
		return 2, []byte{'\r'}, nil
	case 't':
		return 2, []byte{'\t'}, nil
	case 'u':
		r1, ok := hex4(s[2:])
		if !ok {
			return 0, nil, errors.New(`a bad \u escape`)
		}
		n, r := 6, rune(r1)
		if utf16.IsSurrogate(r) {
			r = utf8.RuneError
			if len(s) >= 12 && s[6] == '\\' && s[7] == 'u' {
				if r2, ok := hex4(s[8:]); ok {
					if d := utf16.DecodeRune(rune(r1), rune(r2)); d != utf8.RuneError {
						n, r = 12, d
					}
				}
			}
		}
		return n, utf8.AppendRune(nil, r), nil
	}
	return 0, nil, fmt.Errorf("a bad escape %q", s[:2])
}

func hex4(s []byte) (uint16, bool) {
	if len(s) < 4 {
		return 0, false
	}
	v, err := strconv.ParseUint(string(s[:4]), 16, 16)
	return uint16(v), err == nil
}

// escapeLike writes text (letters, quotes and backslashes: a redaction
// mark at some level) as string content, escaping quotes and backslashes
// the way raw, the bytes it replaces, does: \" or \u0022, \\ or \u005C.
func escapeLike(text, raw []byte) []byte {
	quote, backslash := []byte(`\"`), []byte(`\\`)
	seenQ, seenB := false, false
	for i := 0; i < len(raw); {
		if raw[i] != '\\' || i+1 >= len(raw) {
			i++
			continue
		}
		n, out, err := escape(raw[i:])
		if err != nil {
			break
		}
		switch {
		case string(out) == `"` && !seenQ:
			quote, seenQ = raw[i:i+n], true
		case string(out) == `\` && !seenB:
			backslash, seenB = raw[i:i+n], true
		}
		i += n
	}
	var out []byte
	for _, c := range text {
		switch c {
		case '"':
			out = append(out, quote...)
		case '\\':
			out = append(out, backslash...)
		default:
			out = append(out, c)
		}
	}
	return out
}

// apply makes the edits, which do not overlap, on text.
func apply(text []byte, edits []edit) []byte {
	if len(edits) == 0 {
		return text
	}
	slices.SortFunc(edits, func(a, b edit) int { return a.start - b.start })
	out := make([]byte, 0, len(text))
	at := 0
	for _, e := range edits {
		out = append(out, text[at:e.start]...)
		out = append(out, e.repl...)
		at = e.end
	}
	return append(out, text[at:]...)
}
