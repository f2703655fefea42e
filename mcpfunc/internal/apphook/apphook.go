// Package apphook hands the library's packages that import package
// mcpfunc (mcpfunctest, the tests of package verify) an app as the
// hostings run it, without making that view part of mcpfunc's API:
// package mcpfunc sets Of when it is initialized, which is before any
// package that imports it runs.
package apphook

import (
	"log/slog"
	"net/http"

	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/verify"
)

// App is a *mcpfunc.App, checked and converted once.
type App struct {
	Functions decl.Functions
	Server    decl.ServerInfo
	// Handler is the app's custom handler in the trigger hosting, exactly
	// as mcpfunc.Start makes it (body limits included), logging to log,
	// with store as the functions' Call.Storage.
	Handler func(log *slog.Logger, store func(connection string) (decl.Store, error)) (http.Handler, error)
	// Probes are the app's probes, as -verify runs them.
	Probes []verify.Probe
}

// Of converts app, a *mcpfunc.App; it fails as mcpfunc.Start would on a
// bad declaration.
var Of func(app any) (*App, error)
