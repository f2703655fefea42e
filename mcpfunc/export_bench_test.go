package mcpfunc

import (
	"log/slog"
	"net/http"

	"remote-mcp-functions-go/mcpfunc/internal/hosting"
)

// SelfHandler is the self hosting's handler for app as Start serves it
// behind the Functions host (MCP_HOSTING=self, no -listen), with the app
// settings from the environment: for the package's benchmarks, which
// measure it in process.
func SelfHandler(app *App, log *slog.Logger) (http.Handler, error) {
	return handler(app, hosting.Self, log, false)
}
