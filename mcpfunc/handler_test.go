package mcpfunc_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc"
)

// GreetInput is the greet tool's arguments.
type GreetInput struct {
	Name string `json:"name" jsonschema:"Who to greet."`
}

func greeter() *mcpfunc.App {
	return &mcpfunc.App{Name: "greeter", Version: "1.0.0", Tools: []*mcpfunc.Tool{{
		Name: "greet", Description: "Greet someone.",
		Handler: mcpfunc.Typed(func(_ context.Context, _ *mcpfunc.Call, in GreetInput) (string, error) {
			return "Hello, " + in.Name + "!", nil
		}),
	}}}
}

// In the self hosting the handler is an MCP server a client calls at /mcp.
func TestNewHandlerSelf(t *testing.T) {
	t.Setenv("MCP_HOSTING", "self")
	h, err := mcpfunc.NewHandler(greeter())
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()

	client := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1.0.0"}, nil)
	cs, err := client.Connect(t.Context(), &mcp.StreamableClientTransport{Endpoint: srv.URL + "/mcp"}, nil)
	require.NoError(t, err)
	defer cs.Close()
	assert.Equal(t, "greeter", cs.InitializeResult().ServerInfo.Name)
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "greet", Arguments: map[string]any{"name": "Ada"}})
	require.NoError(t, err)
	require.Len(t, res.Content, 1)
	assert.Equal(t, "Hello, Ada!", res.Content[0].(*mcp.TextContent).Text)
}

// In the trigger hosting it is the custom handler: ready when the host
// probes it, one route per function.
func TestNewHandlerTriggers(t *testing.T) {
	t.Setenv("MCP_HOSTING", "")
	h, err := mcpfunc.NewHandler(greeter())
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.JSONEq(t, `{"status":"ready"}`, string(b))
	resp, err = http.Post(srv.URL+"/nosuch", "application/json", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)

	_, err = mcpfunc.NewHandler(&mcpfunc.App{})
	assert.ErrorContains(t, err, "the app needs a Name")
	t.Setenv("MCP_HOSTING", "selfish")
	_, err = mcpfunc.NewHandler(greeter())
	assert.ErrorContains(t, err, `MCP_HOSTING="selfish"`)
}
