package invoke

import (
	"bytes"
	"encoding/json"
)

// DecodeString undoes the host's extra level of encoding of one Data or
// Metadata value.
//
// raw is a value as it appears on the wire. A JSON string whose text is
// itself a JSON string literal yields that literal's content: this is the
// host's double encoding ("\"print(1)\"" → print(1)). Text that is JSON
// null, or raw JSON null, means no value ("null" → missing). Anything else
// is taken as it is and reported as single-encoded: a string that is not a
// JSON string literal yields its own text, and a number, boolean, object or
// array yields its JSON text.
//
// Exactly one level is undone: a blob whose content is itself a quoted
// string keeps its quotes.
func DecodeString(raw json.RawMessage) (text string, present, single bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", false, false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		// Not a JSON string at all: a number, bool, object or array the
		// host wrote as real JSON. Its text is the value.
		return string(raw), true, true
	}
	if s == "null" {
		return "", false, false
	}
	// The host writes the literal with nothing around it, so only text
	// that starts and ends with a quote is a candidate.
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		var inner string
		if json.Unmarshal([]byte(s), &inner) == nil {
			return inner, true, false
		}
	}
	return s, true, true
}
