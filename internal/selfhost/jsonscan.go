package selfhost

import "unicode/utf8"

// A strict JSON scanner for the front in bulk.go: it finds where a
// message's values start and end without decoding them, in one pass over
// the bytes. It accepts only JSON as RFC 8259 defines it, in valid UTF-8,
// nested at most maxScanDepth deep, and says no to anything else: the
// front then hands the message to go-sdk as it came, so whatever this
// scanner accepts, go-sdk's own decoder accepts too.

// maxScanDepth is the deepest nesting the scanner follows; go-sdk refuses
// messages nested past 1000 (internal/json.defaultMaxDepth), so a message
// the scanner accepts is never one go-sdk would refuse for its depth.
const maxScanDepth = 100

// plain marks the bytes a string holds as they are: ASCII, not a control
// character, not '"' or '\\'.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// skipSpace returns the offset of the first byte at or after i that is not
// JSON whitespace.
func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// scanValue returns the end of the value that starts at b[i] (no
// whitespace before it); ok is false when there is no valid value there.
func scanValue(b []byte, i, depth int) (end int, ok bool) {
	if i >= len(b) {
		return 0, false
	}
	switch c := b[i]; {
	case c == '"':
		return scanString(b, i)
	case c == '{':
		return eachMember(b, i, depth, nil)
	case c == '[':
		return scanArray(b, i, depth)
	case c == 't':
		return scanLiteral(b, i, "true")
	case c == 'f':
		return scanLiteral(b, i, "false")
	case c == 'n':
		return scanLiteral(b, i, "null")
	case c == '-' || '0' <= c && c <= '9':
		return scanNumber(b, i)
	}
	return 0, false
}

// scanString returns the end of the string that starts at b[i] ('"').
func scanString(b []byte, i int) (end int, ok bool) {
	start := i
	i++
	ascii := true
	for {
		for i < len(b) && plain[b[i]] {
			i++
		}
		if i >= len(b) {
			return 0, false
		}
		switch c := b[i]; {
		case c == '"':
			if !ascii && !utf8.Valid(b[start:i]) {
				return 0, false
			}
			return i + 1, true
		case c == '\\':
			if i+1 >= len(b) {
				return 0, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) {
					return 0, false
				}
				for _, h := range b[i+2 : i+6] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return 0, false
					}
				}
				i += 6
			default:
				return 0, false
			}
		case c < 0x20:
			return 0, false
		default: // a byte of a multi-byte UTF-8 sequence, checked at the end
			ascii = false
			i++
		}
	}
}

// scanLiteral returns the end of lit (true, false, null) at b[i].
func scanLiteral(b []byte, i int, lit string) (end int, ok bool) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return 0, false
	}
	return i + len(lit), true
}

// scanNumber returns the end of the number at b[i]:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func scanNumber(b []byte, i int) (end int, ok bool) {
	digits := func(i int) (int, bool) {
		start := i
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
		return i, i > start
	}
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	default:
		if i, ok = digits(i); !ok {
			return 0, false
		}
	}
	if i < len(b) && b[i] == '.' {
		if i, ok = digits(i + 1); !ok {
			return 0, false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i, ok = digits(i); !ok {
			return 0, false
		}
	}
	return i, true
}

// scanArray returns the end of the array that starts at b[i] ('[').
func scanArray(b []byte, i, depth int) (end int, ok bool) {
	if depth++; depth > maxScanDepth {
		return 0, false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, true
	}
	for {
		if i, ok = scanValue(b, i, depth); !ok {
			return 0, false
		}
		i = skipSpace(b, i)
		if i >= len(b) {
			return 0, false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case ']':
			return i + 1, true
		default:
			return 0, false
		}
	}
}

// eachMember returns the end of the object that starts at b[i] ('{').
// For each member in order it calls member, when not nil, with the key as
// written between the quotes (escapes not decoded), where the value starts
// and the value's depth; member scans the value and returns its end, or ok
// false to end the scan. A nil member scans each value with scanValue.
func eachMember(b []byte, i, depth int, member func(key []byte, start, depth int) (end int, ok bool)) (end int, ok bool) {
	if depth++; depth > maxScanDepth {
		return 0, false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return 0, false
		}
		keyEnd, ok := scanString(b, i)
		if !ok {
			return 0, false
		}
		key := b[i+1 : keyEnd-1]
		i = skipSpace(b, keyEnd)
		if i >= len(b) || b[i] != ':' {
			return 0, false
		}
		start := skipSpace(b, i+1)
		if member != nil {
			i, ok = member(key, start, depth)
		} else {
			i, ok = scanValue(b, start, depth)
		}
		if !ok {
			return 0, false
		}
		i = skipSpace(b, i)
		if i >= len(b) {
			return 0, false
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return i + 1, true
		default:
			return 0, false
		}
	}
}
