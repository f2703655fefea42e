package invoke

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sampleInvocation() *ToolInvocation {
	return &ToolInvocation{
		Function:   "savesnippet",
		Tool:       "savesnippet",
		Arguments:  map[string]json.RawMessage{"snippetname": json.RawMessage(`"a1"`), "snippet": json.RawMessage(`"say \"hi\" <b>"`), "n": json.RawMessage(`3`), "ok": json.RawMessage(`true`)},
		Inputs:     map[string][]byte{"file": []byte("print(1)"), "gone": nil},
		SessionID:  "SID",
		ClientInfo: &ClientInfo{Name: "test-client", Version: "1.0"},
		Transport:  "http-streamable",
		Headers:    map[string]string{"x-functions-key": "secret"},
		Now:        time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		RandGUID:   "00000000-0000-0000-0000-000000000001",
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
	assert.Equal(t, "savesnippet", tc.Name)
	assert.Equal(t, "SID", tc.SessionID)
	assert.Equal(t, &ClientInfo{Name: "test-client", Version: "1.0"}, tc.ClientInfo)

	args, err := req.Arguments()
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"snippetname": "a1", "snippet": `say "hi" <b>`, "n": float64(3), "ok": true}, args)

	text, present, single := req.Input("file")
	assert.Equal(t, "print(1)", text)
	assert.True(t, present)
	assert.False(t, single)
	_, present, _ = req.Input("gone")
	assert.False(t, present)

	// The encoding levels of contract.md §5, pinned byte for byte.
	var wire struct{ Data, Metadata map[string]json.RawMessage }
	require.NoError(t, json.Unmarshal(body, &wire))
	assert.Equal(t, `"\"print(1)\""`, string(wire.Data["file"]))
	assert.Equal(t, `"null"`, string(wire.Data["gone"]))
	assert.Equal(t, `"\"SID\""`, string(wire.Metadata["mcpsessionid"]))
	assert.Equal(t, `{"n":"3","ok":"True","snippet":"say \"hi\" <b>","snippetname":"a1"}`, string(wire.Metadata["mcptoolargs"]))
	assert.JSONEq(t, `{"MethodName":"savesnippet","UtcNow":"2026-01-02T03:04:05.0000000Z","RandGuid":"00000000-0000-0000-0000-000000000001"}`, string(wire.Metadata["sys"]))
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

func TestDecodeResponse(t *testing.T) {
	const jsonCT = "application/json; charset=utf-8"
	tests := []struct {
		name    string
		status  int
		ct      string
		body    string
		outputs map[string][]byte
		fails   bool
	}{
		{name: "base64 output is decoded", status: 200, ct: jsonCT, body: `{"Outputs":{"file":"dGVzdA=="}}`, outputs: map[string][]byte{"file": []byte("test")}},
		{name: "base64-looking text is decoded too (why handlers send base64)", status: 200, ct: jsonCT, body: `{"Outputs":{"file":"test"}}`, outputs: map[string][]byte{"file": {0xb5, 0xeb, 0x2d}}},
		{name: "other text is written as is", status: 200, ct: jsonCT, body: `{"Outputs":{"file":"print(1)"}}`, outputs: map[string][]byte{"file": []byte("print(1)")}},
		{name: "object as compact JSON", status: 200, ct: jsonCT, body: `{"Outputs":{"file":{"a": 1}}}`, outputs: map[string][]byte{"file": []byte(`{"a":1}`)}},
		{name: "binding names match case-insensitively", status: 200, ct: jsonCT, body: `{"Outputs":{"File":"dGVzdA=="}}`, outputs: map[string][]byte{"file": []byte("test")}},
		{name: "null and undeclared outputs are skipped", status: 200, ct: jsonCT, body: `{"Outputs":{"file":null,"other":"eA=="}}`, outputs: map[string][]byte{}},
		{name: "non-2xx fails", status: 500, ct: jsonCT, body: `{}`, fails: true},
		{name: "empty body fails", status: 200, ct: jsonCT, body: ``, fails: true},
		{name: "no JSON content type fails", status: 200, ct: "", body: `{}`, fails: true},
		{name: "bad JSON fails", status: 200, ct: jsonCT, body: `{"Outputs":`, fails: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := DecodeResponse(tt.status, tt.ct, []byte(tt.body), []string{"file"})
			if tt.fails {
				require.ErrorIs(t, err, ErrInvocationFailed)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.outputs, res.Outputs)
		})
	}
}

func TestToolResult(t *testing.T) {
	rich := RichReturn(CallToolResult{Content: []Content{{Type: "text", Text: "not found"}}, IsError: true})
	richRV, _ := json.Marshal(rich)
	tests := []struct {
		name   string
		rv     string
		schema bool
		want   string
		fails  bool
	}{
		{name: "plain text", rv: `"Hello"`, want: `{"content":[{"type":"text","text":"Hello"}]}`},
		{name: "null is an empty result", rv: `null`, want: `{"content":[]}`},
		{name: "object becomes indented text", rv: `{"a":1}`, want: `{"content":[{"type":"text","text":"{\n  \"a\": 1\n}"}]}`},
		{name: "bool as .NET prints it", rv: `true`, want: `{"content":[{"type":"text","text":"True"}]}`},
		{name: "call_tool_result", rv: string(richRV), schema: true, want: `{"content":[{"type":"text","text":"not found"}],"isError":true}`},
		{name: "text result type", rv: `"{\"type\":\"text\",\"content\":\"{\\\"type\\\":\\\"text\\\",\\\"text\\\":\\\"hi\\\"}\"}"`, schema: true, want: `{"content":[{"type":"text","text":"hi"}]}`},
		{name: "useResultSchema needs a string", rv: `{"type":"text"}`, schema: true, fails: true},
		{name: "useResultSchema needs a type", rv: `"{\"content\":\"{}\"}"`, schema: true, fails: true},
		{name: "plain text under useResultSchema fails", rv: `"Hello"`, schema: true, fails: true},
		{name: "empty multi content fails", rv: `"{\"type\":\"multi_content_result\",\"content\":\"[]\"}"`, schema: true, fails: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ToolResult(json.RawMessage(tt.rv), tt.schema)
			if tt.fails {
				require.ErrorIs(t, err, ErrInvocationFailed)
				return
			}
			require.NoError(t, err)
			assert.JSONEq(t, tt.want, string(got))
		})
	}
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
