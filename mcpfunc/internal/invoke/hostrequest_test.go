package invoke

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sampleInvocation() *ToolInvocation {
	return &ToolInvocation{
		Invocation: Invocation{
			Function:   "put",
			Inputs:     map[string][]byte{"file": []byte("print(1)"), "gone": nil},
			SessionID:  "SID",
			ClientInfo: &ClientInfo{Name: "test-client", Version: "1.0"},
			Transport:  "http-streamable",
			Headers:    map[string]string{"x-functions-key": "secret"},
			Now:        time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
			RandGUID:   "00000000-0000-0000-0000-000000000001",
		},
		Tool:      "put",
		Arguments: map[string]json.RawMessage{"key": json.RawMessage(`"a1"`), "value": json.RawMessage(`"say \"hi\" <b>"`), "n": json.RawMessage(`3`), "ok": json.RawMessage(`true`)},
	}
}

// TestToolRequestRoundTrip encodes as the host does and decodes as the
// handler does.
func TestToolRequestRoundTrip(t *testing.T) {
	body, err := NewToolRequest(sampleInvocation())
	require.NoError(t, err)
	req, err := ParseRequest(body)
	require.NoError(t, err)

	tc, err := req.Context()
	require.NoError(t, err)
	assert.Equal(t, "put", tc.Name)
	assert.Equal(t, "SID", tc.SessionID)
	assert.Equal(t, &ClientInfo{Name: "test-client", Version: "1.0"}, tc.ClientInfo)

	args, err := req.Arguments()
	require.NoError(t, err)
	// The client's values, through the host's escaping of the trigger.
	var decoded map[string]any
	require.NoError(t, json.Unmarshal(args, &decoded))
	assert.Equal(t, map[string]any{"key": "a1", "value": `say "hi" <b>`, "n": float64(3), "ok": true}, decoded)
	assert.Equal(t, map[string]string{"n": "3", "ok": "True", "value": `say "hi" <b>`, "key": "a1"}, req.ToolArgs())
	assert.Equal(t, map[string]string{"key": "a1"}, req.ToolArgs("key"), "only what is asked for")

	text, present, single := req.Input("file")
	assert.Equal(t, "print(1)", text)
	assert.True(t, present)
	assert.False(t, single)
	_, present, _ = req.Input("gone")
	assert.False(t, present)

	// The encoding levels of docs/contract.md#the-encodings, pinned byte for byte.
	var wire struct{ Data, Metadata map[string]json.RawMessage }
	require.NoError(t, json.Unmarshal(body, &wire))
	assert.Equal(t, `"\"print(1)\""`, string(wire.Data["file"]))
	assert.Equal(t, `"null"`, string(wire.Data["gone"]))
	assert.Equal(t, `"\"SID\""`, string(wire.Metadata["mcpsessionid"]))
	assert.Equal(t, `{"key":"a1","n":"3","ok":"True","value":"say \"hi\" <b>"}`, string(wire.Metadata["mcptoolargs"]))
	assert.JSONEq(t, `{"MethodName":"put","UtcNow":"2026-01-02T03:04:05.0000000Z","RandGuid":"00000000-0000-0000-0000-000000000001"}`, string(wire.Metadata["sys"]))
	assert.Equal(t, wire.Data["context"], wire.Metadata["context"])
	var level1, level2 string
	require.NoError(t, json.Unmarshal(wire.Data["context"], &level1))
	require.NoError(t, json.Unmarshal([]byte(level1), &level2))
	assert.True(t, json.Valid([]byte(level2)) && level2[0] == '{', "trigger is a string holding a string holding an object")
}

func TestToolRequestWithoutArguments(t *testing.T) {
	inv := sampleInvocation()
	inv.Arguments = nil
	body, err := NewToolRequest(inv)
	require.NoError(t, err)
	var wire struct{ Metadata map[string]json.RawMessage }
	require.NoError(t, json.Unmarshal(body, &wire))
	assert.NotContains(t, wire.Metadata, "mcptoolargs")
	assert.NotContains(t, wire.Metadata, "arguments")
}

// BenchmarkNewToolRequest is devhost's cost of encoding one invocation.
func BenchmarkNewToolRequest(b *testing.B) {
	inv := sampleInvocation()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewToolRequest(inv); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSTJString pins the trigger value's escaping to System.Text.Json's
// default encoder, as documented for JavaScriptEncoder.Default: printable
// ASCII except " & < > ' + ` passes; those, control characters and every
// non-ASCII character are escaped with upper-case hex; \n \r \t \b \f
// and \\ keep their short forms.
func TestSTJString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"print(1)", `"print(1)"`},
		{`say "hi"`, `"say \u0022hi\u0022"`},
		{`<b>&'+` + "`", `"\u003Cb\u003E\u0026\u0027\u002B\u0060"`},
		{"a\\b", `"a\\b"`},
		{"\n\r\t\b\f\x01\x1f\x7f", `"\n\r\t\b\f\u0001\u001F\u007F"`},
		{"é世", `"\u00E9\u4E16"`},
		{"🎉", `"\uD83C\uDF89"`},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		stjString(&b, tt.in)
		assert.Equal(t, tt.want, b.String(), "%q", tt.in)
		var back string
		require.NoError(t, json.Unmarshal(b.Bytes(), &back))
		assert.Equal(t, tt.in, back, "decodes back")
	}
}

func TestSTJValue(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, stjValue(&b, json.RawMessage(` {"a" : [1, 2.50, -3e+10, true, false, null, {}, []], "<": {"x":"é"}} `)))
	assert.Equal(t, `{"a":[1,2.50,-3e+10,true,false,null,{},[]],"\u003C":{"x":"\u00E9"}}`, b.String(), "numbers keep their text")
}

func TestToolRequestRefusesBadArguments(t *testing.T) {
	inv := sampleInvocation()
	inv.Arguments = map[string]json.RawMessage{"key": json.RawMessage(`{"broken"`)}
	_, err := NewToolRequest(inv)
	require.ErrorContains(t, err, `argument "key" is not valid JSON`)
}

// TestMaxPayloadBytes: the worst case of one string argument, encoded as
// the host encodes it, stays within the bound, and the bound is tight
// (the factor 30 is reached, not just an upper guess).
func TestMaxPayloadBytes(t *testing.T) {
	for name, unit := range map[string]string{"control": "\x01", "quote": `"`, "backslash": `\\`, "html": "<", "e-acute": "é", "emoji": "🎉", "plain": "x"} {
		t.Run(name, func(t *testing.T) {
			content := strings.Repeat(unit, 10_000)
			raw, err := json.Marshal(content)
			require.NoError(t, err)
			inv := sampleInvocation()
			inv.Inputs = nil
			inv.Arguments = map[string]json.RawMessage{"value": raw}
			body, err := NewToolRequest(inv)
			require.NoError(t, err)
			limit := MaxPayloadBytes(int64(len(content)), 0)
			assert.LessOrEqual(t, int64(len(body)), limit)
			if name == "control" {
				assert.GreaterOrEqual(t, len(body), (ArgumentExpansion-1)*len(content), "the worst case reaches the factor")
			}
		})
	}
	t.Run("blob", func(t *testing.T) {
		content := strings.Repeat("\x01", 10_000)
		inv := sampleInvocation()
		inv.Arguments = nil
		inv.Inputs = map[string][]byte{"file": []byte(content)}
		body, err := NewToolRequest(inv)
		require.NoError(t, err)
		assert.LessOrEqual(t, int64(len(body)), MaxPayloadBytes(0, int64(len(content))))
		assert.GreaterOrEqual(t, len(body), BlobExpansion*len(content))
	})
}
