package rpcmsg

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/rawjson"
)

// reference reads a message with encoding/json: member names exact, the
// last of a name wins.
func reference(t testing.TB, msg []byte) (id []byte, method string, hasMethod bool, args []byte, ok bool) {
	var members map[string]json.RawMessage
	if json.Unmarshal(msg, &members) != nil || members == nil {
		return nil, "", false, nil, false
	}
	raw, hasMethod := members["method"]
	if hasMethod && json.Unmarshal(raw, &method) != nil {
		return nil, "", false, nil, false
	}
	if v, found := members["id"]; found {
		id = v
	}
	var params map[string]json.RawMessage
	if json.Unmarshal(members["params"], &params) == nil {
		args = params["arguments"]
	}
	return id, method, hasMethod, args, true
}

// depthOf is how deeply valid JSON nests, from its decoded value.
func depthOf(v any) int {
	d := 0
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			d = max(d, depthOf(e))
		}
		return d + 1
	case []any:
		for _, e := range x {
			d = max(d, depthOf(e))
		}
		return d + 1
	}
	return 0
}

const limit = 64

func TestPeek(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	for _, tt := range []struct {
		body   string
		batch  bool
		want   []Message // ID, Method, HasMethod, Arguments, repeated
		err    error     // nil: read
		reason string
	}{
		{body: `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, want: []Message{{ID: []byte(`1`), Method: "tools/list", HasMethod: true}}},
		{body: ` { "id" : "a\"b" , "method" : "x\/y" , "params" : {"id":2,"method":"no","s":"}]\\"} } `, want: []Message{{ID: []byte(`"a\"b"`), Method: "x/y", HasMethod: true}}, reason: "escapes; members inside params are not the message's"},
		{body: `{"method":"notifications/initialized"}`, want: []Message{{Method: "notifications/initialized", HasMethod: true}}},
		{body: `{"id":1180591620717411303424,"method":"ping"}`, want: []Message{{ID: []byte(`1180591620717411303424`), Method: "ping", HasMethod: true}}},
		{body: `{"ID":1,"Method":"ping","Params":{"arguments":{}}}`, want: []Message{{}}, reason: "names match exactly"},
		{body: `{"id":1,"id":2,"method":"a","method":"b"}`, want: []Message{{ID: []byte(`2`), Method: "b", HasMethod: true, repeated: true}}, reason: "the last wins"},
		{body: `{"\u0069d":7,"method":"ping"}`, want: []Message{{ID: []byte(`7`), Method: "ping", HasMethod: true}}, reason: "an escaped name"},
		{body: `[{"id":1,"method":"a"},{"method":"b"}]`, batch: true, want: []Message{{ID: []byte(`1`), Method: "a", HasMethod: true}, {Method: "b", HasMethod: true}}},
		{body: `[]`, batch: true},
		{body: `{"id":null,"method":"a"}`, want: []Message{{ID: []byte(`null`), Method: "a", HasMethod: true}}},
		{body: `{"method":"tools/call","params":{"name":"t","arguments": {"a":[1,"}"]} }}`, want: []Message{{Method: "tools/call", HasMethod: true, Arguments: []byte(`{"a":[1,"}"]}`)}}},
		{body: `{"params":{"arguments":1,"\u0061rguments":2}}`, want: []Message{{Arguments: []byte(`2`), repeated: true}}, reason: "arguments named twice, the last wins"},
		{body: `{"params":{"arguments":1},"params":{"name":"x"}}`, want: []Message{{repeated: true}}, reason: "a later params without arguments wins"},
		{body: `{"params":{"arguments":1},"params":"x"}`, want: []Message{{repeated: true}}},
		{body: `{"params":[{"arguments":1}]}`, want: []Message{{}}, reason: "params that are not an object have no arguments"},
		{body: `{"id":1,"method":2}`, err: ErrNotRPC, reason: "a method that is not a string"},
		{body: `[1]`, err: ErrNotRPC},
		{body: `"x"`, err: ErrNotRPC},
		{body: `{"id":1} {}`, err: &rawjson.SyntaxError{}},
		{body: `{"id":1`, err: &rawjson.SyntaxError{}},
		{body: `{"id":1} x`, err: &rawjson.SyntaxError{}},
		{body: `{"s":"unterminated}`, err: &rawjson.SyntaxError{}},
		{body: `{"id":1,"method":"ping","x":tru}`, err: &rawjson.SyntaxError{}, reason: "JSON is checked, not only looked at"},
		{body: `{"x":` + deep(limit-1) + `}`, want: []Message{{}}, reason: "at the limit"},
		{body: `{"x":` + deep(limit) + `}`, err: rawjson.ErrTooDeep},
		{body: `[{"x":` + deep(limit-2) + `}]`, batch: true, want: []Message{{}}},
		{body: `[{"x":` + deep(limit-1) + `}]`, err: rawjson.ErrTooDeep},
		{body: `[1,` + deep(limit) + `]`, err: rawjson.ErrTooDeep, reason: "too deep and not a message: too deep"},
		{body: `{"params":{"arguments":` + deep(limit-1) + `}}`, err: rawjson.ErrTooDeep},
	} {
		ms, err := Peek([]byte(tt.body), limit)
		switch e := tt.err.(type) {
		case nil:
		case *rawjson.SyntaxError:
			assert.ErrorAs(t, err, &e, "%s: %s", tt.body, tt.reason)
			continue
		default:
			assert.ErrorIs(t, err, e, "%s: %s", tt.body, tt.reason)
			continue
		}
		require.NoError(t, err, tt.body)
		assert.Equal(t, tt.batch, ms.Batch, tt.body)
		require.Len(t, ms.List, len(tt.want), tt.body)
		for i, w := range tt.want {
			got := ms.List[i]
			assert.Equal(t, string(w.ID), string(got.ID), "%s: %s", tt.body, tt.reason)
			assert.Equal(t, w.Method, got.Method, "%s: %s", tt.body, tt.reason)
			assert.Equal(t, w.HasMethod, got.HasMethod, "%s: %s", tt.body, tt.reason)
			assert.Equal(t, string(w.Arguments), string(got.Arguments), "%s: %s", tt.body, tt.reason)
			assert.Equal(t, !w.repeated, got.Unambiguous(), "%s: %s", tt.body, tt.reason)
		}
	}
}

// Peek takes only what encoding/json takes; whatever encoding/json reads
// as one message within the nesting limit, Peek reads the same.
func FuzzPeek(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"a":"\"}"}}}`,
		`{"id":"\\","method":"\u0070ing"}`,
		`{"method":"a","id":[1,{"b":"]"}]}`,
		`{"id":-1.5e3,"method":""}`,
		`{"params":{"arguments":1,"arguments":[2]},"params":{"\u0061rguments":{}}}`,
		`{"x":` + strings.Repeat("[", limit) + strings.Repeat("]", limit) + `}`,
		`[{"method":"a"},{"id":2}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ms, err := Peek(body, limit)
		var v any
		if json.Unmarshal(body, &v) != nil {
			require.Error(t, err, "Peek takes %q, which encoding/json refuses", body)
			return
		}
		if depthOf(v) > limit {
			require.ErrorIs(t, err, rawjson.ErrTooDeep, "%q", body)
			return
		}
		id, method, hasMethod, args, ok := reference(t, body)
		if !ok {
			return
		}
		require.NoError(t, err, "%q", body)
		require.Len(t, ms.List, 1)
		m := ms.List[0]
		assert.Equal(t, string(id), string(m.ID), "%q", body)
		assert.Equal(t, method, m.Method, "%q", body)
		assert.Equal(t, hasMethod, m.HasMethod, "%q", body)
		assert.Equal(t, string(args), string(m.Arguments), "%q", body)
		if m.Arguments != nil {
			// The arguments are where Peek says: replaced, the rest of
			// the message reads the same.
			out := ms.SetArguments(body, func(*Message) ([]byte, bool) { return []byte(`"x"`), true })
			id2, method2, _, args2, ok := reference(t, out)
			require.True(t, ok, "%q", out)
			assert.Equal(t, `"x"`, string(args2), "%q", out)
			assert.Equal(t, string(id), string(id2))
			assert.Equal(t, method, method2)
		}
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
		ms, err := Peek([]byte(tt.body), limit)
		require.NoError(t, err)
		assert.Equal(t, tt.dup, string(ms.Duplicate()), tt.body)
	}
}

// Rebuild keeps the messages asked for and swaps ids; the Restorer gives
// each id back as the client wrote it, in what is written.
func TestRebuildAndRestore(t *testing.T) {
	body := []byte(`[{"id":1180591620717411303424,"method":"a"}, {"id":2,"method":"drop"},{"jsonrpc":"2.0","id":1.5,"method":"b"}]`)
	ms, err := Peek(body, limit)
	require.NoError(t, err)
	out, r := Rebuild(body, ms,
		func(m *Message) bool { return m.Method != "drop" },
		func(m *Message) bool { return m.Method == "a" || m.Method == "b" })
	require.NotNil(t, r)
	rebuilt, err := Peek(out, limit)
	require.NoError(t, err, "%s", out)
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
	ms, _ = Peek(single, limit)
	out, r = Rebuild(single, ms, func(*Message) bool { return true }, func(*Message) bool { return false })
	assert.Nil(t, r)
	assert.Equal(t, string(single), string(out))
}

// SetArguments replaces the arguments of the messages picked, and nothing
// else.
func TestSetArguments(t *testing.T) {
	body := []byte(`[{"id":1,"method":"a","params":{"arguments":{"x":null}}},{"method":"b"},{"id":3,"method":"c","params":{"name":"n","arguments":[1]}}]`)
	ms, err := Peek(body, limit)
	require.NoError(t, err)
	var seen []string
	out := ms.SetArguments(body, func(m *Message) ([]byte, bool) {
		seen = append(seen, m.Method)
		return []byte(`{"new":` + string(m.ID) + `}`), m.Method == "c"
	})
	assert.Equal(t, []string{"a", "c"}, seen, "only messages with arguments")
	assert.Equal(t, `[{"id":1,"method":"a","params":{"arguments":{"x":null}}},{"method":"b"},{"id":3,"method":"c","params":{"name":"n","arguments":{"new":3}}}]`, string(out))
	same := ms.SetArguments(body, func(*Message) ([]byte, bool) { return nil, false })
	assert.Equal(t, &body[0], &same[0], "nothing replaced: body itself")
}
