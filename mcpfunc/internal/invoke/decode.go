package invoke

import (
	"bytes"
	"encoding/json"

	"remote-mcp-functions-go/mcpfunc/internal/rawjson"
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
	outer, end, err := rawjson.AppendString(make([]byte, 0, len(raw)), raw, 0)
	if err != nil || end != len(raw) {
		// Not a JSON string at all: a number, bool, object or array the
		// host wrote as real JSON. Its text is the value.
		return string(raw), true, true
	}
	if string(outer) == "null" {
		return "", false, false
	}
	// The host writes the literal with nothing around it, so only text
	// that starts and ends with a quote is a candidate.
	if len(outer) >= 2 && outer[0] == '"' && outer[len(outer)-1] == '"' {
		if inner, end, err := rawjson.String(outer, 0); err == nil && end == len(outer) {
			return inner, true, false
		}
	}
	return string(outer), true, true
}
