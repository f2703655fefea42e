package mcpfunc

import (
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
	"syscall"

	"remote-mcp-functions-go/mcpfunc/internal/verify"
)

// keyVariable is the environment variable -verify reads the key from:
// never a flag, since a command line shows in process lists.
const keyVariable = "MCP_KEY"

// verifyEndpoint runs -verify: the app's declarations and probes checked
// against the MCP server at url (package verify), the table and verdict
// on stdout. A failed check exits 1, a bad URL 2.
func verifyEndpoint(app *App, url, key string, stdout io.Writer) error {
	fns, info, err := app.decl()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	err = verify.Run(ctx, verify.Options{URL: url, Key: key, Functions: fns, Server: info, Probes: app.probes(), Out: stdout})
	var usage *verify.UsageError
	switch {
	case errors.Is(err, verify.ErrFailed):
		return &exitError{code: 1}
	case errors.As(err, &usage):
		return &exitError{code: 2, err: err}
	}
	return err
}
