package devhost

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The expected answers in this file are the extension's, read in its source
// and the C# MCP SDK it pins (see protocol.go), not derived from devhost.

// extensionCapabilities is the extension's initialize capabilities at
// cd0d1e8c (FunctionsMcpServerOptionsSetup plus the C# SDK's logging).
const extensionCapabilities = `{"logging":{},"prompts":{},"resources":{},"tools":{}}`

// The answers on the wire, as bytes: the capabilities (no listChanged, no
// subscribe, no completions, whatever the app declares), the {} results and
// the -32601 error.
func TestExtensionProtocolOnTheWire(t *testing.T) {
	e := newEnv(t, itemsApp())
	initialize := `{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}`
	msg := (&rawSession{t: t, url: e.http.URL + MCPPath}).call("initialize", initialize)
	var init struct {
		Capabilities json.RawMessage `json:"capabilities"`
	}
	require.NoError(t, json.Unmarshal(msg["result"], &init), "%s", msg["result"])
	assert.JSONEq(t, extensionCapabilities, string(init.Capabilities))

	s := e.rawConnect(nil)
	for _, method := range []string{"ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe"} {
		params := map[string]string{"ping": `{}`, "logging/setLevel": `{"level":"info"}`}[method]
		if params == "" {
			params = `{"uri":"test://watched-resource"}`
		}
		msg := s.call(method, params)
		assert.JSONEq(t, `{}`, string(msg["result"]), method)
		assert.Nil(t, msg["error"], method)
	}
	msg = s.call("completion/complete", `{"ref":{"type":"ref/prompt","name":"p"},"argument":{"name":"a","value":"b"}}`)
	assert.JSONEq(t, `{"code":-32601,"message":"Method 'completion/complete' is not available."}`, string(msg["error"]))
}

// The requests the C# SDK answers with {} are answered with {} on both
// transports, and completion/complete, which the extension does not serve,
// gets the SDK's -32601.
func TestExtensionMethods(t *testing.T) {
	ctx := context.Background()
	for _, transport := range transports {
		t.Run(transport, func(t *testing.T) {
			e := newEnv(t, itemsApp())
			cs := e.connect(transport, nil)

			caps, err := json.Marshal(cs.InitializeResult().Capabilities)
			require.NoError(t, err)
			assert.JSONEq(t, extensionCapabilities, string(caps))

			require.NoError(t, cs.Ping(ctx, nil))
			//lint:ignore SA1019 logging/setLevel is part of the protocol versions devhost speaks
			require.NoError(t, cs.SetLoggingLevel(ctx, &mcp.SetLoggingLevelParams{Level: "debug"}))
			// Any URI, declared or not: the SDK's default handlers ignore it.
			for _, uri := range []string{"test://watched-resource", "item://hello", "not a uri"} {
				require.NoError(t, cs.Subscribe(ctx, &mcp.SubscribeParams{URI: uri}), uri)
				require.NoError(t, cs.Unsubscribe(ctx, &mcp.UnsubscribeParams{URI: uri}), uri)
			}
			// Unsubscribing from what was never subscribed is fine too.
			require.NoError(t, cs.Unsubscribe(ctx, &mcp.UnsubscribeParams{URI: "test://never"}))

			_, err = cs.Complete(ctx, &mcp.CompleteParams{
				Ref:      &mcp.CompleteReference{Type: "ref/prompt", Name: "p"},
				Argument: mcp.CompleteParamsArgument{Name: "a", Value: "b"},
			})
			requireRPCError(t, err, jsonrpc.CodeMethodNotFound, "Method 'completion/complete' is not available.")
			// Even when the params are incomplete: the SDK looks the method
			// up before it reads the params.
			_, err = cs.Complete(ctx, &mcp.CompleteParams{})
			requireRPCError(t, err, jsonrpc.CodeMethodNotFound, "Method 'completion/complete' is not available.")

			// The session is still good afterwards.
			_, err = cs.ListTools(ctx, nil)
			require.NoError(t, err)
		})
	}
}

// A request outside the extension's methods never reaches go-sdk's handler;
// one inside does.
func TestExtensionProtocolMiddleware(t *testing.T) {
	reached := map[string]bool{}
	next := func(_ context.Context, method string, _ mcp.Request) (mcp.Result, error) {
		reached[method] = true
		return &mcp.ResultBase{}, nil
	}
	h := extensionProtocol()(next)
	for _, tc := range []struct {
		method  string
		reaches bool
		code    int64
	}{
		{"tools/list", true, 0},
		{"prompts/get", true, 0},
		{"resources/templates/list", true, 0},
		{"notifications/initialized", true, 0},
		{"notifications/cancelled", true, 0},
		{"resources/subscribe", false, 0},
		{"resources/unsubscribe", false, 0},
		{"completion/complete", false, jsonrpc.CodeMethodNotFound},
		{"subscriptions/listen", false, jsonrpc.CodeMethodNotFound},
	} {
		res, err := h(context.Background(), tc.method, nil)
		assert.Equal(t, tc.reaches, reached[tc.method], tc.method)
		if tc.code != 0 {
			requireRPCError(t, err, tc.code, "Method '"+tc.method+"' is not available.")
			continue
		}
		require.NoError(t, err, tc.method)
		b, err := json.Marshal(res)
		require.NoError(t, err)
		assert.Equal(t, "{}", string(b), tc.method)
	}
}
