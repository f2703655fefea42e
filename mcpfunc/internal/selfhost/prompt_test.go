package selfhost

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPromptArgumentNull: a required prompt argument sent as null is
// missing, as the extension counts it and devhost answers it, though
// go-sdk reads prompt arguments as strings and would make it "". An
// optional one sent as null is left out; an empty string is a value.
func TestPromptArgumentNull(t *testing.T) {
	e := newEnv(t, testFunctions())
	e.store.Set("notes/n.txt", []byte("note text"))
	get := func(id int, args string) map[string]json.RawMessage {
		t.Helper()
		status, body, err := e.post(t.Context(), `{"jsonrpc":"2.0","id":`+strings.Repeat("1", id)+`,"method":"prompts/get","params":{"name":"reviewnote","arguments":`+args+`}}`, map[string]string{"Mcp-Protocol-Version": "2025-06-18"})
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, status, body)
		var msg map[string]json.RawMessage
		require.NoError(t, json.Unmarshal([]byte(body), &msg), body)
		return msg
	}
	for i, args := range []string{`{"name":null}`, `{"name":null,"focus":"style"}`, `[{"name":null}]`} {
		msg := get(i+1, args)
		if i == 2 {
			assert.Contains(t, string(msg["error"]), "-32602", "arguments that are not an object: go-sdk's own answer")
			continue
		}
		assert.JSONEq(t, `{"code":-32602,"message":"One or more required prompt arguments are missing values. Please provide: name"}`, string(msg["error"]), args)
	}
	msg := get(4, `{"name":"n","focus":null}`)
	require.Contains(t, msg, "result", "%s", msg["error"])
	assert.Contains(t, string(msg["result"]), "Review n (): note text", "focus null: left out")
	msg = get(5, `{"name":""}`)
	assert.Contains(t, string(msg["error"]), "Note '' not found.", "an empty name is a value the function sees")
}
