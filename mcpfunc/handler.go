package mcpfunc

import (
	"log/slog"
	"net/http"
	"os"

	"remote-mcp-functions-go/mcpfunc/internal/hosting"
)

// NewHandler returns the HTTP handler [Start] serves for app, for a test
// that serves it itself (net/http/httptest): in the hosting MCP_HOSTING
// names, with the app settings in the environment, as behind the
// Functions host. With MCP_HOSTING=self it is an MCP server at /mcp
// (stateless Streamable HTTP) that any MCP client can call; by default it
// answers the host's invocations, one route per function, which package
// mcpfunctest makes for you.
func NewHandler(app *App) (http.Handler, error) {
	mode, err := hosting.FromEnv(os.Getenv)
	if err != nil {
		return nil, err
	}
	return handler(app, mode, slog.Default(), false)
}
