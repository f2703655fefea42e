package mcpfunc

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"remote-mcp-functions-go/mcpfunc/internal/apphook"
	"remote-mcp-functions-go/mcpfunc/internal/blobstore"
	"remote-mcp-functions-go/mcpfunc/internal/capture"
	"remote-mcp-functions-go/mcpfunc/internal/customhandler"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/graceful"
	"remote-mcp-functions-go/mcpfunc/internal/hosting"
	"remote-mcp-functions-go/mcpfunc/internal/selfhost"
)

// Start runs the app as the function app's custom handler, and is the
// whole of a handler's main:
//
//	func main() { mcpfunc.Start(app.New) }
//
// It calls newApp once, then serves in the hosting the app setting
// MCP_HOSTING names: by default the MCP extension's triggers (the host
// speaks MCP and invokes the handler per call), or with MCP_HOSTING=self
// an MCP server of its own at /mcp. It listens on 127.0.0.1 at the port
// the host gives in FUNCTIONS_CUSTOMHANDLER_PORT, and stops gracefully on
// SIGTERM or an interrupt: no new connections, calls in flight finish.
//
// Flags, for development:
//
//	-listen addr   self hosting only: serve MCP clients at addr, with no host in front
//	-generate      write functions/<name>/function.json and host.json's MCP block, then exit (make generate)
//	-check         say where functions/ and host.json differ from the declarations, then exit non-zero if they do
//	-root dir      the function app's source folder for -generate and -check (default .)
//	-verify url    check the MCP server at url against the declarations and run their probes, the key in MCP_KEY, then exit (make verify)
//
// Start does not return. On an error (a bad declaration, a bad setting,
// a port taken) it prints "handler: <error>" and exits with status 1; a
// bad command line exits 2, and -verify exits 1 when a check failed.
func Start(newApp func() (*App, error)) {
	if err := run(newApp, os.Args[1:], os.Stdout); err != nil {
		code := 1
		var ex *exitError
		if errors.As(err, &ex) {
			code, err = ex.code, ex.err
		}
		// Plain text: the line a developer reads when the host reports
		// that the handler exited.
		if err != nil {
			fmt.Fprintln(os.Stderr, "handler:", err)
		}
		os.Exit(code)
	}
}

// exitError ends the handler with status code, printing err if not nil
// (nil: what went wrong is printed already).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

func run(newApp func() (*App, error), args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("handler", flag.ContinueOnError)
	listen := fs.String("listen", "", "self hosting only: serve MCP clients on this address, with no Functions host in front")
	gen := fs.Bool("generate", false, "write functions/<name>/function.json and host.json's MCP block, then exit")
	checkOnly := fs.Bool("check", false, "report where functions/ and host.json differ from the declarations, then exit")
	root := fs.String("root", ".", "the function app's source folder, for -generate and -check")
	verifyURL := fs.String("verify", "", "check the MCP server at this URL against the declarations, calling their probes (the key in the environment variable MCP_KEY), then exit")
	if err := fs.Parse(args); err != nil {
		return &exitError{code: 2, err: err}
	}
	app, err := newApp()
	if err != nil {
		return err
	}
	switch {
	case *gen:
		return generate(app, *root, stdout)
	case *checkOnly:
		return check(app, *root, stdout)
	case *verifyURL != "":
		return verifyEndpoint(app, *verifyURL, os.Getenv(keyVariable), stdout)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	mode, err := hosting.FromEnv(os.Getenv)
	if err != nil {
		return err
	}
	if *listen != "" && mode != hosting.Self {
		return fmt.Errorf("-listen serves MCP clients directly, which only %s=%s does", hosting.Setting, hosting.Self)
	}
	h, err := handler(app, mode, log, *listen != "")
	if err != nil {
		return err
	}
	addr := *listen
	if addr == "" {
		if addr, err = hosting.ListenAddr(os.Getenv); err != nil {
			return err
		}
	}
	// The host sends each payload at once over loopback; the timeouts only
	// bound a peer that stops sending.
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	log.Info("custom handler listening", "addr", ln.Addr().String(), "hosting", mode)
	return graceful.Serve(ctx, srv, ln, log)
}

// handler is the app's HTTP handler in hosting mode, with the app settings
// from the environment; direct (self hosting) serves clients with no host
// in front.
func handler(app *App, mode hosting.Mode, log *slog.Logger, direct bool) (http.Handler, error) {
	fns, info, err := app.decl()
	if err != nil {
		return nil, err
	}
	// One storage client per connection setting, for the functions' own
	// calls and, self-hosted, the blob bindings alike; each operation
	// bounded so that one in flight at a stop ends within the grace.
	accounts := blobstore.NewAccounts(os.LookupEnv, &blobstore.Options{Budget: graceful.StorageBudget})
	if mode == hosting.Self {
		return selfhost.FromEnv(fns, info, log, os.LookupEnv, accounts, direct)
	}
	return app.triggerHandler(fns, log, decl.Stores(accounts))
}

// triggerHandler is the custom handler of the trigger hosting for fns, the
// app's functions, its body limits derived from MaxContentBytes.
// The app setting MCP_CAPTURE_DIR turns on the recording of the host's
// invocations (package capture).
func (a *App) triggerHandler(fns decl.Functions, log *slog.Logger, store func(string) (decl.Store, error)) (http.Handler, error) {
	rec, err := capture.FromEnv(os.LookupEnv, func(max int64) {
		log.Warn("capture: recorded as many invocations as allowed; recording no more", "max", max, "setting", capture.MaxSetting)
	})
	if err != nil {
		return nil, err
	}
	if rec != nil {
		log.Info("capture: recording each invocation, client headers and keys redacted", "dir", rec.Dir())
	}
	return customhandler.New(fns, customhandler.Options{Logger: log, MaxBodyBytes: a.maxBodyBytes(), Store: store, Capture: rec})
}

// The view of an app mcpfunctest runs.
func init() {
	apphook.Of = func(v any) (*apphook.App, error) {
		app, _ := v.(*App)
		fns, info, err := app.decl()
		if err != nil {
			return nil, err
		}
		return &apphook.App{
			Functions: fns,
			Server:    info,
			Handler: func(log *slog.Logger, store func(string) (decl.Store, error)) (http.Handler, error) {
				return app.triggerHandler(fns, log, store)
			},
			Probes: app.probes(),
		}, nil
	}
}
