package rawjson

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// encoding/json's nesting limit: with it, Valid and json.Valid must agree
// on every input.
const stdDepth = 10000

var validityCases = []string{
	`0`, `-0`, `-0.5e+10`, `1E3`, `01`, `1.`, `.5`, `-`, `1e`, `+1`, `NaN`,
	`""`, `"a\"b\\c\/\b\f\n\r\t\u00e9\uD83D\uDE00"`, `"\x"`, `"\u12"`, "\"\x01\"", `"abc`, "\"\xff\"",
	`true`, `false`, `null`, `tru`, `nul`, `True`,
	`{}`, `[]`, `{"a":1,"b":[true,{"c":null}]}`, `{"a":1,}`, `[1,]`, `{"a"}`, `{a:1}`, `[1 2]`, `{"a":1 "b":2}`,
	` [ 1 , { "x" : "y" } ] `, `[`, `{`, `]`, `[]]`, `1 2`, ``, ` `,
	`"` + strings.Repeat(`ab\"cd`, 50) + `"`,
	`"` + strings.Repeat("é日本", 30) + `"`,
}

func TestValidAgreesWithEncodingJSON(t *testing.T) {
	for _, c := range validityCases {
		got := Valid([]byte(c), stdDepth) == nil
		if want := json.Valid([]byte(c)); got != want {
			t.Errorf("Valid(%q) = %v, encoding/json says %v", c, got, want)
		}
	}
}

func TestDepth(t *testing.T) {
	deep := func(n int) []byte { return []byte(strings.Repeat("[", n) + strings.Repeat("]", n)) }
	if err := Valid(deep(64), 64); err != nil {
		t.Errorf("64 levels within a limit of 64: %v", err)
	}
	if err := Valid(deep(65), 64); !errors.Is(err, ErrTooDeep) {
		t.Errorf("65 levels, limit 64: got %v, want ErrTooDeep", err)
	}
	// Brackets inside strings do not count.
	if err := Valid([]byte(`[["[[[[[[","]]]]"]]`), 2); err != nil {
		t.Errorf("brackets in strings counted: %v", err)
	}
	if err := Valid([]byte(`{"a":{"b":{"c":1}}}`), 2); !errors.Is(err, ErrTooDeep) {
		t.Errorf("objects count too: got %v", err)
	}
}

func TestString(t *testing.T) {
	for _, c := range []string{`""`, `"plain"`, `"a\"b\\c\/\b\f\n\r\t"`, `"\u00e9\uD83D\uDE00"`, `"\uD83D"`, `"\uD83Dx"`, `"\uDE00\uD83D"`,
		"\"\xff\xfe ok\"", `"` + strings.Repeat("0123456789abcdef", 10) + `\n"`, "\"日本語\"",
		// Invalid UTF-8 replaced (growing the text) right where the
		// buffer is full, then an escape.
		`"` + strings.Repeat(`\b`, 60) + "\xbd\xbd\xbd\xbd" + `\b"`} {
		var want string
		if err := json.Unmarshal([]byte(c), &want); err != nil {
			t.Fatalf("%q: %v", c, err)
		}
		got, end, err := String([]byte(c), 0)
		if err != nil || got != want || end != len(c) {
			t.Errorf("String(%q) = %q, %d, %v; want %q, %d", c, got, end, err, want, len(c))
		}
		b, end, err := AppendString(nil, []byte(c), 0)
		if err != nil || string(b) != want || end != len(c) {
			t.Errorf("AppendString(nil, %q) = %q, %d, %v; want %q, %d", c, b, end, err, want, len(c))
		}
	}
	if _, _, err := String([]byte(`"abc`), 0); err == nil {
		t.Error("unterminated string accepted")
	}
}

func TestObjectAndArray(t *testing.T) {
	data := []byte(`{"a": [1, "two", {"b": null}], "c\u0064": "x", "e": {}}`)
	var names []string
	end, err := Object(data, 0, func(name []byte, at int) (int, error) {
		names = append(names, string(name))
		if string(name) == "a" {
			n := 0
			end, err := Array(data, at, func(at int) (int, error) { n++; return Skip(data, at, 10) })
			if n != 3 {
				t.Errorf("array: %d elements, want 3", n)
			}
			return end, err
		}
		return Skip(data, at, 10)
	})
	if err != nil || end != len(data) {
		t.Fatalf("Object: %d, %v", end, err)
	}
	if strings.Join(names, ",") != "a,cd,e" {
		t.Errorf("names %q", names)
	}
}

// FuzzValid: Valid accepts exactly what encoding/json accepts.
func FuzzValid(f *testing.F) {
	for _, c := range validityCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got := Valid(data, stdDepth) == nil
		if want := json.Valid(data); got != want {
			t.Errorf("Valid(%q) = %v, encoding/json says %v", data, got, want)
		}
	})
}

// FuzzString: a string reads as encoding/json reads it.
func FuzzString(f *testing.F) {
	for _, c := range validityCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var want string
		wantErr := json.Unmarshal(data, &want)
		i := SkipSpace(data, 0)
		got, end, err := String(data, i)
		if wantErr != nil {
			if err == nil && SkipSpace(data, end) == len(data) {
				t.Errorf("String(%q) = %q, encoding/json refuses it: %v", data, got, wantErr)
			}
			return
		}
		if err != nil {
			if Kind(data, i) == '"' {
				t.Errorf("String(%q): %v; encoding/json reads %q", data, err, want)
			}
			return
		}
		if got != want {
			t.Errorf("String(%q) = %q, encoding/json reads %q", data, got, want)
		}
		if b, _, _ := AppendString([]byte("x"), data, i); string(b) != "x"+want {
			t.Errorf("AppendString(x, %q) = %q, encoding/json reads %q", data, b, want)
		}
	})
}

func BenchmarkSkipString(b *testing.B) {
	s, _ := json.Marshal(strings.Repeat("func f() {\n\treturn \"x\" < 'y'\n}\n", 1<<15))
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		if _, err := Skip(s, 0, 1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkString(b *testing.B) {
	s, _ := json.Marshal(strings.Repeat("func f() {\n\treturn \"x\" < 'y'\n}\n", 1<<15))
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		if _, _, err := String(s, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStringEncodingJSON(b *testing.B) {
	s, _ := json.Marshal(strings.Repeat("func f() {\n\treturn \"x\" < 'y'\n}\n", 1<<15))
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		var out string
		if err := json.Unmarshal(s, &out); err != nil {
			b.Fatal(err)
		}
	}
}

// escapeOnce is the content of s as encoding/json writes it in a string,
// without HTML escaping: the reference for AppendEscaped.
func escapeOnce(t testing.TB, s string) string {
	var buf strings.Builder
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	out := strings.TrimSuffix(buf.String(), "\n")
	return out[1 : len(out)-1]
}

func checkEscaped(t testing.TB, s string) {
	want := s
	for levels := 1; levels <= MaxLevels; levels++ {
		want = escapeOnce(t, want)
		if got := string(AppendEscaped([]byte("x"), s, levels)); got != "x"+want {
			t.Errorf("AppendEscaped(%q, %d) = %q, want %q", s, levels, got[1:], want)
		}
		if got := string(AppendEscaped(nil, []byte(s), levels)); got != want {
			t.Errorf("AppendEscaped([]byte(%q), %d) = %q, want %q", s, levels, got, want)
		}
	}
}

func TestAppendEscaped(t *testing.T) {
	for _, s := range []string{"", "plain text of some length", `say "hi" \ there`, "tab\tnew\nline\r\b\f\x00\x1f",
		"<b> & 'x' +`", "é 日本 \U0001F600", "bad \xff\xfe utf-8 \xe6", "\u2028\u2029", strings.Repeat("0123456789\"", 20)} {
		checkEscaped(t, s)
	}
}

// FuzzAppendEscaped: each level is what encoding/json writes of the level
// below.
func FuzzAppendEscaped(f *testing.F) {
	for _, s := range []string{"x", `a"b\c`, "\n\x01\xff\u2028é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkEscaped(t, s) })
}

// Marshal escapes no HTML, and what it must as encoding/json does.
func TestMarshal(t *testing.T) {
	b, err := Marshal(map[string]any{"a": "<b> & \"c\"\u2028\n", "n": []int{1}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"a":"<b> & \"c\"\u2028\n","n":[1]}`; string(b) != want {
		t.Errorf("Marshal = %s, want %s", b, want)
	}
	if _, err := Marshal(func() {}); err == nil {
		t.Error("a func encodes")
	}
}
