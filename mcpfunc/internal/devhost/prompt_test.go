package devhost

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
)

// promptApp is the items app with a prompt of one required and one
// optional argument.
func promptApp() *funcapp.App {
	app := itemsApp()
	tr := &funcapp.Binding{Type: funcapp.PromptTriggerType, Direction: "in", Name: "context"}
	tr.PromptName = "review"
	tr.Arguments = []funcapp.PromptArgument{{Name: "key", Required: true}, {Name: "focus"}}
	app.Functions = append(app.Functions, &funcapp.Function{Name: "review", Bindings: []*funcapp.Binding{tr}})
	return app
}

// TestPromptArgumentNull: a required prompt argument sent as null is
// missing, as the extension counts it (McpPromptListener.cs
// ValidateRequiredArguments, JsonElement.IsNullOrUndefined,
// Azure/azure-functions-mcp-extension @8a8c32ed), though go-sdk reads
// prompt arguments as strings and would make it "". An optional one sent
// as null reaches the handler as left out.
func TestPromptArgumentNull(t *testing.T) {
	e := newEnv(t, promptApp())
	e.handler.answer = func(w http.ResponseWriter, r *received) { writeAnswer(w, newAnswer("Review this.")) }
	s := e.rawConnect(nil)

	for _, params := range []string{
		`{"name":"review","arguments":{"key":null}}`,
		`{"name":"review","arguments":{"key":null,"focus":"naming"}}`,
		`{"name":"review"}`,
	} {
		msg := s.call("prompts/get", params)
		require.Contains(t, msg, "error", params)
		var rpcErr struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		}
		require.NoError(t, json.Unmarshal(msg["error"], &rpcErr))
		assert.Equal(t, -32602, rpcErr.Code, params)
		assert.Equal(t, "One or more required prompt arguments are missing values. Please provide: key", rpcErr.Message, params)
	}
	assert.Empty(t, e.handler.received(), "the handler is not invoked")

	// An empty string is a value: the handler gets it.
	msg := s.call("prompts/get", `{"name":"review","arguments":{"key":"","focus":null}}`)
	require.Contains(t, msg, "result", "%s", msg["error"])
	got := e.handler.received()
	require.Len(t, got, 1)
	args, err := got[0].Request.Arguments()
	require.NoError(t, err)
	assert.JSONEq(t, `{"key":""}`, string(args))
	assert.Equal(t, map[string]string{"key": ""}, got[0].Request.PromptArgs())
}
