// Package apphook hands the library's packages that import package
// mcpfunc (mcpfunctest) an app as the hostings run it, without making that
// view part of mcpfunc's API: package mcpfunc sets Of when it is
// initialized, which is before any package that imports it runs.
package apphook

import (
	"log/slog"
	"net/http"

	"remote-mcp-functions-go/mcpfunc/internal/decl"
)

// App is a *mcpfunc.App, checked and converted once.
type App struct {
	Functions decl.Functions
	Server    decl.ServerInfo
	// Handler is the app's custom handler in the trigger hosting, exactly
	// as mcpfunc.Start makes it (body limits included), logging to log,
	// with store as the functions' Call.Storage.
	Handler func(log *slog.Logger, store func(connection string) (decl.Store, error)) (http.Handler, error)
}

// Of converts app, a *mcpfunc.App; it fails as mcpfunc.Start would on a
// bad declaration.
var Of func(app any) (*App, error)
