package invoke

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
		require.NoError(t, json.Unmarshal(newtonsoft(content), &want))
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
			assert.Equal(t, map[string]any{"a": float64(1)}, tc.Arguments)
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
}

func TestArguments(t *testing.T) {
	ctxWith := func(args string) json.RawMessage {
		return dotnetString(`{"name":"t","arguments":` + args + `}`)
	}
	tests := []struct {
		name string
		data map[string]json.RawMessage
		meta map[string]json.RawMessage
		want map[string]any
		err  bool
	}{
		{
			name: "arguments keeps JSON types",
			meta: map[string]json.RawMessage{"arguments": json.RawMessage(`{"n":1,"s":"x"}`), "mcptoolargs": json.RawMessage(`{"n":"1","s":"x"}`)},
			want: map[string]any{"n": float64(1), "s": "x"},
		},
		{
			name: "mcptoolargs when arguments is absent",
			meta: map[string]json.RawMessage{"mcptoolargs": json.RawMessage(`{"s":"x"}`)},
			want: map[string]any{"s": "x"},
		},
		{
			name: "string-encoded arguments",
			meta: map[string]json.RawMessage{"arguments": dotnetString(`{"s":"x"}`)},
			want: map[string]any{"s": "x"},
		},
		{
			name: "context fallback",
			data: map[string]json.RawMessage{"context": ctxWith(`{"s":"from context"}`)},
			want: map[string]any{"s": "from context"},
		},
		{
			name: "no arguments anywhere",
			data: map[string]json.RawMessage{"context": dotnetString(`{"name":"t"}`)},
			want: map[string]any{},
		},
		{
			name: "nothing readable",
			meta: map[string]json.RawMessage{"arguments": json.RawMessage(`[1]`)},
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
			assert.Equal(t, tt.want, got)
		})
	}
}

// FuzzParseRequest checks that ParseRequest, which decodes with
// segmentio/encoding/json, accepts and reads exactly what encoding/json
// would, and never panics.
func FuzzParseRequest(f *testing.F) {
	f.Add([]byte(`{"Data":{"context":"\"{\\\"name\\\":\\\"t\\\"}\"","file":"\"x\""},"Metadata":{"arguments":{"a":"b","n":1.5e3}}}`))
	f.Add([]byte(`{"Data":{},"Metadata":{"mcptoolargs":{"a":"b"}}}`))
	f.Add([]byte(`{"data":{"File":"null"},"METADATA":{"Arguments":"{\"a\":[1,{}]}"}}`))
	f.Add([]byte(`{"Data":{"a":"\ud800"},"Metadata":{"arguments":{"x":"\u00e9\ufffd"}}} `))
	f.Add([]byte(`{"Data":{"a":1}} {}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := ParseRequest(body)

		// The reference: the same shape with encoding/json.
		var ref struct {
			Data     map[string]json.RawMessage `json:"Data"`
			Metadata struct {
				Arguments   any             `json:"arguments"`
				McpToolArgs json.RawMessage `json:"mcptoolargs"`
			} `json:"Metadata"`
		}
		refErr := json.Unmarshal(body, &ref)
		trimmed := bytes.TrimSpace(body)
		refOK := refErr == nil && len(trimmed) > 0 && trimmed[0] == '{'
		if (err == nil) != refOK {
			t.Fatalf("ParseRequest(%q) err=%v, encoding/json err=%v", body, err, refErr)
		}
		if err != nil {
			return
		}
		if len(req.Data) != len(ref.Data) {
			t.Fatalf("Data: %d keys, encoding/json %d", len(req.Data), len(ref.Data))
		}
		for k, v := range ref.Data {
			a, _, _ := DecodeString(v)
			b, _, _ := DecodeString(req.Data[k])
			if a != b {
				t.Fatalf("Data[%q] = %q, encoding/json %q", k, b, a)
			}
		}
		if got, want := fmt.Sprint(req.arguments), fmt.Sprint(ref.Metadata.Arguments); got != want {
			t.Fatalf("arguments = %s, encoding/json %s", got, want)
		}
		_, _ = req.Arguments()
		_, _ = req.Context()
	})
}
