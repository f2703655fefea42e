package rpcmsg

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// reference reads a message with encoding/json: member names exact, the
// last of a name wins.
func reference(t testing.TB, msg []byte) (id []byte, method string, hasMethod, ok bool) {
	var members map[string]json.RawMessage
	if json.Unmarshal(msg, &members) != nil || members == nil {
		return nil, "", false, false
	}
	raw, hasMethod := members["method"]
	if hasMethod && json.Unmarshal(raw, &method) != nil {
		return nil, "", false, false
	}
	if v, found := members["id"]; found {
		id = v
	}
	return id, method, hasMethod, true
}

func TestPeek(t *testing.T) {
	for _, tt := range []struct {
		body   string
		batch  bool
		want   []Message // ID, Method, HasMethod
		notOK  bool
		reason string
	}{
		{body: `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, want: []Message{{ID: []byte(`1`), Method: "tools/list", HasMethod: true}}},
		{body: ` { "id" : "a\"b" , "method" : "x\/y" , "params" : {"id":2,"method":"no","s":"}]\\"} } `, want: []Message{{ID: []byte(`"a\"b"`), Method: "x/y", HasMethod: true}}, reason: "escapes; members inside params are not the message's"},
		{body: `{"method":"notifications/initialized"}`, want: []Message{{Method: "notifications/initialized", HasMethod: true}}},
		{body: `{"id":1180591620717411303424,"method":"ping"}`, want: []Message{{ID: []byte(`1180591620717411303424`), Method: "ping", HasMethod: true}}},
		{body: `{"ID":1,"Method":"ping"}`, want: []Message{{}}, reason: "names match exactly"},
		{body: `{"id":1,"id":2,"method":"a","method":"b"}`, want: []Message{{ID: []byte(`2`), Method: "b", HasMethod: true}}, reason: "the last wins"},
		{body: `{"\u0069d":7,"method":"ping"}`, want: []Message{{ID: []byte(`7`), Method: "ping", HasMethod: true}}, reason: "an escaped name"},
		{body: `[{"id":1,"method":"a"},{"method":"b"}]`, batch: true, want: []Message{{ID: []byte(`1`), Method: "a", HasMethod: true}, {Method: "b", HasMethod: true}}},
		{body: `[]`, batch: true},
		{body: `{"id":null,"method":"a"}`, want: []Message{{ID: []byte(`null`), Method: "a", HasMethod: true}}},
		{body: `{"id":1,"method":2}`, notOK: true, reason: "a method that is not a string"},
		{body: `[1]`, notOK: true},
		{body: `"x"`, notOK: true},
		{body: `{"id":1`, notOK: true},
		{body: `{"id":1} x`, notOK: true},
		{body: `{"s":"unterminated}`, notOK: true},
	} {
		ms, ok := Peek([]byte(tt.body))
		if tt.notOK {
			assert.False(t, ok, tt.body)
			continue
		}
		require.True(t, ok, tt.body)
		assert.Equal(t, tt.batch, ms.Batch, tt.body)
		require.Len(t, ms.List, len(tt.want), tt.body)
		for i, w := range tt.want {
			got := ms.List[i]
			assert.Equal(t, string(w.ID), string(got.ID), "%s: %s", tt.body, tt.reason)
			assert.Equal(t, w.Method, got.Method, "%s: %s", tt.body, tt.reason)
			assert.Equal(t, w.HasMethod, got.HasMethod, "%s: %s", tt.body, tt.reason)
		}
	}
}

// Whatever encoding/json reads as one message, Peek reads the same.
func FuzzPeek(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"a":"\"}"}}}`,
		`{"id":"\\","method":"\u0070ing"}`,
		`{"method":"a","id":[1,{"b":"]"}]}`,
		`{"id":-1.5e3,"method":""}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		id, method, hasMethod, ok := reference(t, body)
		if !ok {
			return
		}
		ms, peeked := Peek(body)
		require.True(t, peeked, "%q", body)
		require.Len(t, ms.List, 1)
		m := ms.List[0]
		assert.Equal(t, string(id), string(m.ID), "%q", body)
		assert.Equal(t, method, m.Method, "%q", body)
		assert.Equal(t, hasMethod, m.HasMethod, "%q", body)
	})
}

func TestKindAndDuplicate(t *testing.T) {
	assert.Equal(t, String, Kind([]byte(`"1"`)))
	assert.Equal(t, Number, Kind([]byte(`-1`)))
	for _, id := range []string{`null`, `true`, `{}`, `[]`, ``} {
		assert.Equal(t, Other, Kind([]byte(id)), id)
	}
	for _, tt := range []struct{ body, dup string }{
		{`[{"id":1,"method":"a"},{"id":2,"method":"a"}]`, ``},
		{`[{"id":1,"method":"a"},{"id":"1","method":"a"}]`, ``},
		{`[{"id":1,"method":"a"},{"method":"a"},{"method":"a"}]`, ``},
		{`[{"id":1,"method":"a"},{"id":1,"method":"b"}]`, `1`},
		{`[{"id":10,"method":"a"},{"id":1e1,"method":"b"}]`, `1e1`},
		{`[{"id":"a","method":"a"},{"id":"\u0061","method":"b"}]`, `"\u0061"`},
	} {
		ms, ok := Peek([]byte(tt.body))
		require.True(t, ok)
		assert.Equal(t, tt.dup, string(ms.Duplicate()), tt.body)
	}
}

// Rebuild keeps the messages asked for and swaps ids; the Restorer gives
// each id back as the client wrote it, in what is written.
func TestRebuildAndRestore(t *testing.T) {
	body := []byte(`[{"id":1180591620717411303424,"method":"a"}, {"id":2,"method":"drop"},{"jsonrpc":"2.0","id":1.5,"method":"b"}]`)
	ms, ok := Peek(body)
	require.True(t, ok)
	out, r := Rebuild(body, ms,
		func(m *Message) bool { return m.Method != "drop" },
		func(m *Message) bool { return m.Method == "a" || m.Method == "b" })
	require.NotNil(t, r)
	rebuilt, ok := Peek(out)
	require.True(t, ok, "%s", out)
	require.True(t, rebuilt.Batch)
	require.Len(t, rebuilt.List, 2)
	var ids []string
	for _, m := range rebuilt.List {
		assert.Equal(t, String, Kind(m.ID))
		ids = append(ids, string(m.ID))
	}
	assert.NotEqual(t, ids[0], ids[1])
	assert.True(t, json.Valid(out), "%s", out)

	answer := []byte(`[{"jsonrpc":"2.0","id":` + ids[1] + `,"result":{}},{"jsonrpc":"2.0","id":` + ids[0] + `,"result":{"text":"x"}}]`)
	rec := httptest.NewRecorder()
	w := r.Writer(rec)
	n, err := w.Write(answer)
	require.NoError(t, err)
	assert.Equal(t, len(answer), n)
	assert.JSONEq(t, `[{"jsonrpc":"2.0","id":1.5,"result":{}},{"jsonrpc":"2.0","id":1180591620717411303424,"result":{"text":"x"}}]`, rec.Body.String())
	assert.True(t, bytes.Contains(rec.Body.Bytes(), []byte(`"id":1180591620717411303424`)), "the digits as written")

	single := []byte(`{"id":2,"method":"a"}`)
	ms, _ = Peek(single)
	out, r = Rebuild(single, ms, func(*Message) bool { return true }, func(*Message) bool { return false })
	assert.Nil(t, r)
	assert.Equal(t, string(single), string(out))
}
