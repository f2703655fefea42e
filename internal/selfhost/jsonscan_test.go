package selfhost

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// scanAll reports whether the scanner takes b, whitespace around it
// allowed, as one JSON value.
func scanAll(b []byte) bool {
	end, ok := scanValue(b, skipSpace(b, 0), 0)
	return ok && skipSpace(b, end) == len(b)
}

// depth is how deep b nests, counting brackets outside strings (b is
// valid JSON).
func depth(b []byte) int {
	d, most, in, esc := 0, 0, false, false
	for _, c := range b {
		switch {
		case in && esc:
			esc = false
		case in && c == '\\':
			esc = true
		case in && c == '"':
			in = false
		case in:
		case c == '"':
			in = true
		case c == '{' || c == '[':
			d++
			most = max(most, d)
		case c == '}' || c == ']':
			d--
		}
	}
	return most
}

// checkScan holds the scanner to encoding/json, the independent judge: it
// takes only what json.Valid accepts, and it takes all valid JSON in
// valid UTF-8 within maxScanDepth.
func checkScan(t *testing.T, b []byte) {
	t.Helper()
	got, valid := scanAll(b), json.Valid(b)
	if got && !valid {
		t.Errorf("the scanner takes %q, which is not valid JSON", b)
	}
	if !got && valid && utf8.Valid(b) && depth(b) <= maxScanDepth {
		t.Errorf("the scanner refuses %q, valid JSON within its limits", b)
	}
}

var scanSeeds = []string{
	`{}`, `[]`, `""`, `0`, `-0`, `1.5e-3`, `-12E+7`, `true`, `false`, `null`, ` {"a" : [1, "x", {"b":null}] } `,
	`"\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00"`, `"é ☃ 😀"`, `"\u2028"`, `"<>&"`,
	// Refused by both.
	`01`, `1.`, `.5`, `-`, `1e`, `+1`, `tru`, `nul`, `[1,]`, `{"a":1,}`, `{"a"}`, `{a:1}`, `[1 2]`, `"a`, `"\x"`,
	`"\u12G4"`, "\"tab\there\"", `{"a":1}}`, `[`, `{`, `"\`, `"\u00`, `{"a":1 "b":2}`, "\"\x01\"", `'a'`, `NaN`,
	// Invalid UTF-8: valid for encoding/json, refused by the scanner.
	"\"\xff\"", "\"\xc3\"", "\"\xed\xa0\x80\"",
}

func TestScanValue(t *testing.T) {
	for _, s := range scanSeeds {
		checkScan(t, []byte(s))
	}
	// The cases the front relies on, stated outright.
	for _, s := range []string{`{"a":"b\"c"}`, `[{"x":[[]]}]`, "\"\u00e9\"", `{"":0}`} {
		assert.True(t, scanAll([]byte(s)), "takes %s", s)
	}
	for _, s := range []string{"\"\xff\"", "\"a\nb\"", `{"a":1,}`, `"\u00e"`} {
		assert.False(t, scanAll([]byte(s)), "refuses %q", s)
	}
	deep := strings.Repeat("[", maxScanDepth) + strings.Repeat("]", maxScanDepth)
	assert.True(t, scanAll([]byte(deep)), "nesting up to the limit")
	assert.False(t, scanAll([]byte("["+deep+"]")), "nesting past the limit")
}

func FuzzScanValue(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkScan)
}
