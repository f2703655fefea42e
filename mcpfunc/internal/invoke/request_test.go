package invoke

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/rawjson"
)

func TestDecodeString(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		text    string
		present bool
		single  bool
	}{
		{"double encoded text", `"\"print(1)\""`, "print(1)", true, false},
		{"missing blob", `"null"`, "", false, false},
		{"raw JSON null", `null`, "", false, false},
		{"absent", ``, "", false, false},
		{"content is the word null", `"\"null\""`, "null", true, false},
		{"content is JSON text", `"\"{\\\"a\\\":1}\""`, `{"a":1}`, true, false},
		{"content is a quoted string keeps its quotes", `"\"\\\"hi\\\"\""`, `"hi"`, true, false},
		{"empty content", `"\"\""`, "", true, false},
		{"unicode and newlines", `"\"h\u00e9llo\\n\u4e16\u754c\""`, "héllo\n世界", true, false},
		{"single encoded text", `"print(1)"`, "print(1)", true, true},
		{"single encoded JSON object text", `"{\"a\":1}"`, `{"a":1}`, true, true},
		{"single encoded empty", `""`, "", true, true},
		{"a lone quote is not a literal", `"\""`, `"`, true, true},
		{"broken literal taken as is", `"\"a\\\"x"`, `"a\"x`, true, true},
		{"number", `42`, "42", true, true},
		{"object", `{"a":1}`, `{"a":1}`, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, present, single := DecodeString(json.RawMessage(tt.raw))
			assert.Equal(t, tt.text, text, "text")
			assert.Equal(t, tt.present, present, "present")
			assert.Equal(t, tt.single, single, "single")
		})
	}
}

// FuzzDecodeString checks DecodeString against the host's encoding: any
// string the host double-encodes comes back exactly, null comes back
// missing, and no input panics.
func FuzzDecodeString(f *testing.F) {
	for _, s := range []string{"print(1)", "", "null", `"quoted"`, `{"a":1}`, "test", "line\nbreak", "\x00\xff", "héllo 世界", `\"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, content string) {
		wire := dotnetString(content)
		text, present, single := DecodeString(wire)
		if !present || single {
			t.Fatalf("DecodeString(%s): present=%v single=%v", wire, present, single)
		}
		// The host reads blobs as UTF-8 text, so invalid bytes arrive as
		// U+FFFD; json.Marshal does the same.
		var want string
		enc, err := rawjson.Marshal(content)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(enc, &want))
		if text != want {
			t.Fatalf("DecodeString(%s) = %q, want %q", wire, text, want)
		}
		// Whatever the bytes, a raw value never panics.
		DecodeString(json.RawMessage(content))
	})
}

func TestParseRequest(t *testing.T) {
	for _, body := range []string{``, `[]`, `"x"`, `{"Data":[]}`, `{"Data":{}} trailing`, `{`} {
		t.Run(body, func(t *testing.T) {
			_, err := ParseRequest([]byte(body))
			require.ErrorIs(t, err, ErrMalformed)
		})
	}
	req, err := ParseRequest([]byte(`{}`))
	require.NoError(t, err)
	assert.NotNil(t, req.Data)
}

func TestContextLevels(t *testing.T) {
	ctx := `{"name":"hello","arguments":{"a":1},"sessionid":"S"}`
	once, _ := json.Marshal(ctx)
	twice, _ := json.Marshal(string(once))
	for name, raw := range map[string]string{"object": ctx, "once": string(once), "twice (the host)": string(twice)} {
		t.Run(name, func(t *testing.T) {
			req := &Request{Data: map[string]json.RawMessage{"context": json.RawMessage(raw)}}
			tc, err := req.Context()
			require.NoError(t, err)
			assert.Equal(t, "hello", tc.Name)
			assert.Equal(t, "S", tc.SessionID)
			assert.Equal(t, map[string]json.RawMessage{"a": json.RawMessage(`1`)}, tc.Arguments)
		})
	}
	t.Run("not a context", func(t *testing.T) {
		req := &Request{Data: map[string]json.RawMessage{"context": json.RawMessage(`"\"42\""`)}}
		_, err := req.Context()
		require.ErrorIs(t, err, ErrMalformed)
	})
	t.Run("absent", func(t *testing.T) {
		_, err := (&Request{}).Context()
		require.ErrorIs(t, err, ErrMalformed)
	})
	t.Run("nested too deep inside the string", func(t *testing.T) {
		inner := `{"name":"t","arguments":{"a":` + strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth) + `}}`
		req := &Request{Data: map[string]json.RawMessage{"context": dotnetString(inner)}}
		_, err := req.Context()
		require.ErrorIs(t, err, ErrMalformed)
		require.ErrorContains(t, err, "nested deeper than 64 levels")
	})
}

// TestArguments: arguments come from the trigger context, exactly as the
// client sent them, whatever Metadata.arguments (a lossy re-parse in the
// host) says.
func TestArguments(t *testing.T) {
	ctxWith := func(args string) json.RawMessage {
		return dotnetString(`{"name":"t","arguments":` + args + `}`)
	}
	tests := []struct {
		name string
		data map[string]json.RawMessage
		meta map[string]json.RawMessage
		want string // the arguments object as the client sent it
		err  bool
	}{
		{
			name: "types and text kept",
			data: map[string]json.RawMessage{"context": ctxWith(`{"n":1e400,"s":"2026-01-01T00:00:00.000Z","b":true}`)},
			// What the host's JObject.Parse makes of them.
			meta: map[string]json.RawMessage{"arguments": json.RawMessage(`{"n":"Infinity","s":"2026-01-01T00:00:00Z","b":true}`)},
			want: `{"n":1e400,"s":"2026-01-01T00:00:00.000Z","b":true}`,
		},
		{
			name: "escapes of the host's serializer",
			data: map[string]json.RawMessage{"context": ctxWith(`{"s":"\u003Cb\u003E \u00E9"}`)},
			want: `{"s":"\u003Cb\u003E \u00E9"}`,
		},
		{
			name: "no arguments",
			data: map[string]json.RawMessage{"context": dotnetString(`{"name":"t"}`)},
		},
		{
			name: "no trigger",
			meta: map[string]json.RawMessage{"arguments": json.RawMessage(`{"s":"x"}`)},
			err:  true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := json.Marshal(map[string]any{"Data": tt.data, "Metadata": tt.meta})
			require.NoError(t, err)
			req, err := ParseRequest(body)
			require.NoError(t, err)
			got, err := req.Arguments()
			if tt.err {
				require.ErrorIs(t, err, ErrMalformed)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
		})
	}
}

func TestToolArgs(t *testing.T) {
	req, err := ParseRequest([]byte(`{"Metadata":{"mcptoolargs":{"key":"a1","ok":"True","odd":3}}}`))
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"key": "a1", "ok": "True"}, req.ToolArgs(), "only string values are path text")
	req, err = ParseRequest([]byte(`{}`))
	require.NoError(t, err)
	assert.Nil(t, req.ToolArgs())
}

// TestDepth: a payload nested deeper than the host can send is refused by
// a check whose cost does not grow with the nesting, before any decoding.
func TestDepth(t *testing.T) {
	nest := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	body := func(n int) []byte {
		// The root and Metadata are two levels; arguments' value is the third.
		return []byte(`{"Metadata":{"arguments":` + nest(n-2) + `}}`)
	}
	_, err := ParseRequest(body(MaxDepth))
	require.NoError(t, err, "the host's own limit passes")
	for _, n := range []int{MaxDepth + 1, 10_000, 100_000} {
		_, err := ParseRequest(body(n))
		require.ErrorIs(t, err, ErrMalformed, "depth %d", n)
		require.ErrorIs(t, err, ErrTooDeep, "depth %d", n)
	}
	// Brackets inside strings are text, not nesting.
	_, err = ParseRequest([]byte(`{"Data":{"file":"` + strings.Repeat("[{", 1000) + `\"]"}}`))
	require.NoError(t, err)
}

// refDepth is the nesting depth of valid JSON, computed by decoding it:
// the reference ParseRequest's depth check is fuzzed against.
func refDepth(v any) int {
	switch x := v.(type) {
	case map[string]any:
		d := 0
		for _, e := range x {
			d = max(d, refDepth(e))
		}
		return d + 1
	case []any:
		d := 0
		for _, e := range x {
			d = max(d, refDepth(e))
		}
		return d + 1
	}
	return 0
}

// FuzzParseRequest: ParseRequest never panics, accepts only JSON objects
// no deeper than MaxDepth, and its depth check agrees with the depth a
// decoder finds.
func FuzzParseRequest(f *testing.F) {
	f.Add([]byte(`{"Data":{"context":"\"{\\\"name\\\":\\\"t\\\"}\"","file":"\"x\""},"Metadata":{"arguments":{"a":"b","n":1.5e3}}}`))
	f.Add([]byte(`{"Data":{},"Metadata":{"mcptoolargs":{"a":"b"}}}`))
	f.Add([]byte(`{"data":{"File":"null"},"METADATA":{"Arguments":"{\"a\":[1,{}]}"}}`))
	f.Add([]byte(`{"Data":{"a":"\ud800"},"Metadata":{"arguments":{"x":"\u00e9\ufffd"}}} `))
	f.Add([]byte(`{"Data":{"a":1}} {}`))
	f.Add([]byte(`{"Metadata":{"arguments":` + strings.Repeat("[", 20_000) + strings.Repeat("]", 20_000) + `}}`))
	f.Add([]byte(`{"Metadata":{"arguments":` + strings.Repeat(`{"a":`, 63) + `1` + strings.Repeat("}", 63) + `}}`))
	f.Add([]byte(`{"Data":{"s":"` + strings.Repeat(`[\"`, 100) + `"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := ParseRequest(body)
		var v any
		valid := json.Unmarshal(body, &v) == nil
		if err != nil {
			return
		}
		if !valid {
			t.Fatalf("ParseRequest accepted invalid JSON %q", body)
		}
		if _, isObject := v.(map[string]any); !isObject {
			t.Fatalf("ParseRequest accepted a non-object %q", body)
		}
		if d := refDepth(v); d > MaxDepth {
			t.Fatalf("ParseRequest accepted depth %d", d)
		}
		_, _ = req.Arguments()
		_, _ = req.Context()
	})
}

// BenchmarkParseRequestDeep: the cost of refusing a deeply nested payload
// (before: 20k levels took seconds in a decoder quadratic in depth).
func BenchmarkParseRequestDeep(b *testing.B) {
	for _, n := range []int{1_000, 20_000, 100_000} {
		body := []byte(`{"Data":{"context":"\"{}\""},"Metadata":{"arguments":{"a":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}}}`)
		b.Run(fmt.Sprintf("depth=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := ParseRequest(body); err == nil {
					b.Fatal("accepted")
				}
			}
		})
	}
}
