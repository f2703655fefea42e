// Package rawjson reads JSON text in place: it finds where values start
// and end, checks them, and unquotes strings, without decoding what a
// caller does not ask for. It is the one reader of the large JSON this app
// handles per call (the host's invocation payload, a call's arguments), so
// that each byte is looked at about once instead of once per decoding
// layer, and of the MCP servers' messages before go-sdk reads them
// (package rpcmsg); [AppendEscaped] writes text into JSON strings nested
// in JSON strings, as the host's answers are, in one pass; and [Marshal]
// encodes without HTML escaping, as the host and go-sdk write JSON.
//
// What it accepts is what encoding/json accepts (RFC 8259; a string may
// hold invalid UTF-8, which unquoting replaces with U+FFFD, as
// encoding/json does), with one addition: a nesting limit, given by the
// caller. Its functions take the text and an offset and return the offset
// after what they read, so a caller walks a document once, front to back.
//
// Strings are scanned eight bytes at a time: most of a payload is long
// strings, and in most of their bytes there is nothing to do.
package rawjson

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// SyntaxError is text that is not JSON, at byte Offset.
type SyntaxError struct {
	Offset int
	msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at byte %d: %s", e.Offset, e.msg)
}

// ErrTooDeep reports objects and arrays nested deeper than the caller's
// limit.
var ErrTooDeep = errors.New("JSON nested too deeply")

func syntaxError(at int, msg string) error { return &SyntaxError{Offset: at, msg: msg} }

// SkipSpace returns the offset of the first byte at or after i that is not
// JSON whitespace.
func SkipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// Kind is the kind of the value that starts at data[i]: '"', '{', '[',
// 't', 'f', 'n', or '0' for a number; 0 when there is none.
func Kind(data []byte, i int) byte {
	if i >= len(data) {
		return 0
	}
	switch c := data[i]; c {
	case '"', '{', '[', 't', 'f', 'n':
		return c
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return '0'
	}
	return 0
}

// Skip checks the value that starts at data[i] (no whitespace before it)
// and returns the offset after it. Objects and arrays may nest depth
// levels, the value itself counting as one.
func Skip(data []byte, i, depth int) (int, error) {
	switch Kind(data, i) {
	case '"':
		return skipString(data, i)
	case '0':
		return Number(data, i)
	case 't':
		return literal(data, i, "true")
	case 'f':
		return literal(data, i, "false")
	case 'n':
		return literal(data, i, "null")
	case '{', '[':
		return skipNested(data, i, depth)
	}
	if i >= len(data) {
		return i, syntaxError(i, "unexpected end")
	}
	return i, syntaxError(i, fmt.Sprintf("unexpected %q", data[i]))
}

// skipNested checks an object or array without recursion: kinds holds, per
// open level, whether it is an object.
func skipNested(data []byte, i, depth int) (int, error) {
	var stack [64]bool
	kinds := stack[:0]
	for {
		// At the start of a value.
		switch Kind(data, i) {
		case '{', '[':
			if len(kinds) == depth {
				return i, ErrTooDeep
			}
			object := data[i] == '{'
			i = SkipSpace(data, i+1)
			if i < len(data) && (object && data[i] == '}' || !object && data[i] == ']') {
				i++
				break // an empty one: a value that ended
			}
			kinds = append(kinds, object)
			if object {
				var err error
				if i, err = memberName(data, i); err != nil {
					return i, err
				}
			}
			continue
		default:
			var err error
			if i, err = Skip(data, i, 0); err != nil {
				return i, err
			}
		}
		// After a value: a comma and the next one, or the end of levels.
		for {
			if len(kinds) == 0 {
				return i, nil
			}
			object := kinds[len(kinds)-1]
			close := byte(']')
			if object {
				close = '}'
			}
			var done bool
			var err error
			if i, done, err = afterValue(data, i, close); err != nil {
				return i, err
			}
			if done {
				kinds = kinds[:len(kinds)-1]
				continue
			}
			if object {
				if i, err = memberName(data, i); err != nil {
					return i, err
				}
			}
			break
		}
	}
}

// afterValue reads what follows a value in an object or an array whose
// closing byte is close: a comma, returning the offset of the next value
// (or member), or close, returning the offset after it and done.
func afterValue(data []byte, i int, close byte) (next int, done bool, err error) {
	i = SkipSpace(data, i)
	if i >= len(data) {
		return i, false, syntaxError(i, "unexpected end")
	}
	switch data[i] {
	case ',':
		return SkipSpace(data, i+1), false, nil
	case close:
		return i + 1, true, nil
	}
	return i, false, syntaxError(i, "want ',' or '"+string(close)+"'")
}

// memberName checks a member's name and colon at data[i] and returns the
// offset of its value.
func memberName(data []byte, i int) (int, error) {
	if Kind(data, i) != '"' {
		return i, syntaxError(i, "want a member name")
	}
	i, err := skipString(data, i)
	if err != nil {
		return i, err
	}
	i = SkipSpace(data, i)
	if i >= len(data) || data[i] != ':' {
		return i, syntaxError(i, "want ':'")
	}
	return SkipSpace(data, i+1), nil
}

func literal(data []byte, i int, want string) (int, error) {
	if len(data)-i < len(want) || string(data[i:i+len(want)]) != want {
		return i, syntaxError(i, "want "+want)
	}
	return i + len(want), nil
}

// Number checks the number at data[i] and returns the offset after it.
func Number(data []byte, i int) (int, error) {
	start := i
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && '1' <= data[i] && data[i] <= '9':
		i = digits(data, i)
	default:
		return start, syntaxError(i, "want a digit")
	}
	if i < len(data) && data[i] == '.' {
		j := digits(data, i+1)
		if j == i+1 {
			return start, syntaxError(j, "want a digit after '.'")
		}
		i = j
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		j := digits(data, i)
		if j == i {
			return start, syntaxError(j, "want a digit in the exponent")
		}
		i = j
	}
	return i, nil
}

func digits(data []byte, i int) int {
	for i < len(data) && '0' <= data[i] && data[i] <= '9' {
		i++
	}
	return i
}

// Eight-byte words: a byte of interest in a string is '"', '\' or a control
// character; one at or over 0x80 starts a multi-byte character.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// special reports whether w holds '"', '\' or a byte under 0x20.
func special(w uint64) bool {
	quote := w ^ (ones * '"')
	backslash := w ^ (ones * '\\')
	return ((w-ones*0x20)|(quote-ones)|(backslash-ones))&^w&highs != 0
}

// plain marks the bytes a string holds as they are: all but '"', '\' and
// control characters.
var plain = func() (t [256]bool) {
	for c := range t {
		t[c] = c >= 0x20 && c != '"' && c != '\\'
	}
	return t
}()

// plainEnd returns the offset of the first '"', '\' or control character
// at or after i, or len(data); high reports whether a byte at or over 0x80
// came before it.
func plainEnd(data []byte, i int) (end int, high bool) {
	var seen uint64
	for i+8 <= len(data) {
		w := binary.LittleEndian.Uint64(data[i:])
		if special(w) {
			break
		}
		seen |= w
		i += 8
	}
	for i < len(data) && plain[data[i]] {
		seen |= uint64(data[i])
		i++
	}
	return i, seen&highs != 0
}

// skipString checks the string at data[i] and returns the offset after its
// closing quote.
func skipString(data []byte, i int) (int, error) {
	start := i
	i++
	for {
		i, _ = plainEnd(data, i)
		if i >= len(data) {
			return start, syntaxError(i, "unterminated string")
		}
		switch c := data[i]; {
		case c == '"':
			return i + 1, nil
		case c == '\\':
			n, err := escapeLen(data, i)
			if err != nil {
				return start, err
			}
			i += n
		default:
			return start, syntaxError(i, "control character in string")
		}
	}
}

// escapeLen checks the escape at data[i] ('\') and returns its length.
func escapeLen(data []byte, i int) (int, error) {
	if i+1 >= len(data) {
		return 0, syntaxError(i, "unterminated string")
	}
	if unescape[data[i+1]] != 0 {
		return 2, nil
	}
	switch data[i+1] {
	case 'u':
		if _, ok := hex4(data, i+2); !ok {
			return 0, syntaxError(i, `want four hex digits after \u`)
		}
		return 6, nil
	}
	return 0, syntaxError(i, "invalid escape")
}

func hex4(data []byte, i int) (rune, bool) {
	if i+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, c := range data[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// AppendString unquotes the string at data[i] onto dst and returns the
// result and the offset after the closing quote. Invalid UTF-8 and
// unpaired surrogate escapes become U+FFFD, as with encoding/json.
func AppendString(dst, data []byte, i int) ([]byte, int, error) {
	start := i
	if Kind(data, i) != '"' {
		return dst, i, syntaxError(i, "want a string")
	}
	i++
	// dst is written by index, eight bytes at a time where nothing needs
	// unescaping; n is its length. A run is what was copied since the
	// last escape: its UTF-8 is checked when it ends, if a byte of it was
	// at or over 0x80.
	n := len(dst)
	dst = dst[:cap(dst)]
	run, seen := n, uint64(0)
	for {
		if n+8 > len(dst) {
			dst = slices.Grow(dst[:n], len(dst)+64)
			dst = dst[:cap(dst)]
		}
		if i+8 <= len(data) {
			if w := binary.LittleEndian.Uint64(data[i:]); !special(w) {
				binary.LittleEndian.PutUint64(dst[n:], w)
				seen |= w
				n, i = n+8, i+8
				continue
			}
		}
		if i >= len(data) {
			return dst[:n], start, syntaxError(i, "unterminated string")
		}
		switch c := data[i]; {
		case plain[c]:
			dst[n] = c
			seen |= uint64(c)
			n, i = n+1, i+1
		case c == '"':
			if seen&highs != 0 {
				dst, n = validRun(dst, run, n)
			}
			return dst[:n], i + 1, nil
		case c == '\\':
			if seen&highs != 0 {
				dst, n = validRun(dst, run, n)
				if n+8 > len(dst) {
					dst = slices.Grow(dst[:n], 64)
					dst = dst[:cap(dst)]
				}
			}
			if i+1 < len(data) && unescape[data[i+1]] != 0 {
				dst[n] = unescape[data[i+1]]
				n, i = n+1, i+2
			} else {
				var err error
				var b []byte
				if b, i, err = appendEscape(dst[:n], data, i); err != nil {
					return dst[:n], start, err
				}
				n = len(b) // at most 4 bytes were added: dst had room for 8
			}
			run, seen = n, 0
		default:
			return dst[:n], start, syntaxError(i, "control character in string")
		}
	}
}

// validRun replaces the invalid UTF-8 in dst[run:n], returning dst (its
// length its capacity) and the new n.
func validRun(dst []byte, run, n int) ([]byte, int) {
	if utf8.Valid(dst[run:n]) {
		return dst, n
	}
	fixed := appendValid(nil, dst[run:n])
	dst = append(dst[:run], fixed...)
	return dst[:cap(dst)], len(dst)
}

// String unquotes the string at data[i]; see AppendString.
func String(data []byte, i int) (string, int, error) {
	// Without escapes or invalid UTF-8 the text is the bytes themselves:
	// one copy, no buffer.
	if Kind(data, i) != '"' {
		return "", i, syntaxError(i, "want a string")
	}
	end, high := plainEnd(data, i+1)
	if end < len(data) && data[end] == '"' && (!high || utf8.Valid(data[i+1:end])) {
		return string(data[i+1 : end]), end + 1, nil
	}
	b, end, err := AppendString(make([]byte, 0, 2*(end-i)+64), data, i)
	if err != nil || len(b) == 0 {
		return "", end, err
	}
	// b is not used again: the string can own it, as strings.Builder does.
	return unsafe.String(&b[0], len(b)), end, nil
}

// appendValid appends s with each invalid byte replaced by U+FFFD.
func appendValid(dst, s []byte) []byte {
	for len(s) > 0 {
		r, n := utf8.DecodeRune(s)
		if r == utf8.RuneError && n == 1 {
			dst = utf8.AppendRune(dst, utf8.RuneError)
		} else {
			dst = append(dst, s[:n]...)
		}
		s = s[n:]
	}
	return dst
}

// appendEscape appends the character of the escape at data[i].
func appendEscape(dst, data []byte, i int) ([]byte, int, error) {
	if i+1 >= len(data) {
		return dst, i, syntaxError(i, "unterminated string")
	}
	if c := unescape[data[i+1]]; c != 0 {
		return append(dst, c), i + 2, nil
	}
	switch data[i+1] {
	case 'u':
		r, ok := hex4(data, i+2)
		if !ok {
			return dst, i, syntaxError(i, `want four hex digits after \u`)
		}
		i += 6
		if utf16.IsSurrogate(r) {
			// A high surrogate followed by an escaped low one is one
			// character; anything else is U+FFFD, and what follows is
			// read on its own.
			if i+1 < len(data) && data[i] == '\\' && data[i+1] == 'u' {
				if r2, ok := hex4(data, i+2); ok {
					if c := utf16.DecodeRune(r, r2); c != utf8.RuneError {
						return utf8.AppendRune(dst, c), i + 6, nil
					}
				}
			}
			r = utf8.RuneError
		}
		return utf8.AppendRune(dst, r), i, nil
	}
	return dst, i, syntaxError(i, "invalid escape")
}

// unescape is the character of each two-byte escape, 0 for the others.
var unescape = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// Object reads the object at data[i] (no whitespace before it): for each
// member, member gets its name, unquoted, and the offset of its value, and
// returns the offset after the value, having read it. name is only valid
// during the call. Object returns the offset after the closing brace.
func Object(data []byte, i int, member func(name []byte, at int) (int, error)) (int, error) {
	if Kind(data, i) != '{' {
		return i, syntaxError(i, "want an object")
	}
	var scratch []byte // for names with escapes, which are rare
	i = SkipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return i + 1, nil
	}
	for {
		if Kind(data, i) != '"' {
			return i, syntaxError(i, "want a member name")
		}
		// A name without escapes is its own bytes.
		var name []byte
		end, _ := plainEnd(data, i+1)
		if end < len(data) && data[end] == '"' {
			name, end = data[i+1:end], end+1
		} else {
			var err error
			if scratch, end, err = AppendString(scratch[:0], data, i); err != nil {
				return end, err
			}
			name = scratch
		}
		i = SkipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return i, syntaxError(i, "want ':'")
		}
		var err error
		if i, err = member(name, SkipSpace(data, i+1)); err != nil {
			return i, err
		}
		var done bool
		if i, done, err = afterValue(data, i, '}'); done || err != nil {
			return i, err
		}
	}
}

// Array reads the array at data[i] (no whitespace before it): elem gets
// the offset of each element and returns the offset after it, having read
// it. Array returns the offset after the closing bracket.
func Array(data []byte, i int, elem func(at int) (int, error)) (int, error) {
	if Kind(data, i) != '[' {
		return i, syntaxError(i, "want an array")
	}
	i = SkipSpace(data, i+1)
	if i < len(data) && data[i] == ']' {
		return i + 1, nil
	}
	for {
		var err error
		if i, err = elem(i); err != nil {
			return i, err
		}
		var done bool
		if i, done, err = afterValue(data, i, ']'); done || err != nil {
			return i, err
		}
	}
}

// Valid checks that data is one JSON value, with whitespace around it at
// most, nesting no deeper than depth.
func Valid(data []byte, depth int) error {
	i := SkipSpace(data, 0)
	i, err := Skip(data, i, depth)
	if err != nil {
		return err
	}
	if i = SkipSpace(data, i); i != len(data) {
		return syntaxError(i, "text after the value")
	}
	return nil
}

// escapes are, for each level of nesting, what each byte that JSON
// strings escape becomes; "" for the others. Level 1 is a string's own
// escaping: \" \\ \n \r \t \b \f, \u00XX for other control
// characters. Each level further escapes the level below as the content of
// a string holding it: its backslashes and quotes.
var escapes = func() (t [4][256]string) {
	for c := range 0x20 {
		t[1][c] = fmt.Sprintf(`\u%04x`, c)
	}
	for c, e := range map[byte]string{'"': `\"`, '\\': `\\`, '\n': `\n`, '\r': `\r`, '\t': `\t`, '\b': `\b`, '\f': `\f`} {
		t[1][c] = e
	}
	for level := 2; level < len(t); level++ {
		for c := range t[level] {
			t[level][c] = escapeASCII(t[level-1][c])
		}
	}
	return t
}()

// escapeASCII escapes JSON text that holds no control characters, such as
// an escape, once more: its backslashes and quotes.
func escapeASCII(e string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(e)
}

// MaxLevels is the deepest nesting AppendEscaped writes.
const MaxLevels = 3

// AppendEscaped appends s as the content of a JSON string, levels times
// over (1 to [MaxLevels]): with 2, the content of a string whose text is a
// JSON string holding s. Nothing is HTML-escaped; invalid UTF-8 becomes
// U+FFFD, and U+2028 and U+2029 are escaped, as encoding/json writes them.
func AppendEscaped[T ~string | ~[]byte](dst []byte, s T, levels int) []byte {
	esc := &escapes[levels]
	i := 0
	for i < len(s) {
		// A run that needs nothing: eight bytes at a time.
		start := i
		for i+8 <= len(s) {
			w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			if special(w) || w&highs != 0 {
				break
			}
			i += 8
		}
		for i < len(s) && plain[s[i]] && s[i] < 0x80 {
			i++
		}
		dst = append(dst, s[start:i]...)
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < 0x80 {
			dst = append(dst, esc[c]...)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
		switch {
		case r == utf8.RuneError && n == 1:
			dst = appendEscapedASCII(dst, `\ufffd`, levels)
		case r == '\u2028' || r == '\u2029':
			dst = appendEscapedASCII(dst, fmt.Sprintf(`\u%04x`, r), levels)
		default:
			dst = append(dst, s[i:i+n]...)
		}
		i += n
	}
	return dst
}

// Marshal is json.Marshal without HTML escaping: '<', '>' and '&' are
// written as they are, as the Functions host's serializers and go-sdk
// write them; strings are escaped as by [AppendEscaped] with one level.
// It is the one such encoder here.
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// appendEscapedASCII appends e, a level-1 escape, at levels.
func appendEscapedASCII(dst []byte, e string, levels int) []byte {
	for range levels - 1 {
		e = escapeASCII(e)
	}
	return append(dst, e...)
}
