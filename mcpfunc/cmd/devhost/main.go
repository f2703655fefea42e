// Command devhost runs a staged function app locally the way the Azure
// Functions host and its MCP extension run it: it starts the custom handler,
// serves MCP on /runtime/webhooks/mcp (and legacy SSE on …/sse), and turns
// each tool call into an invocation of the handler, with blob bindings on
// Azure Storage (Azurite locally). It is a development stand-in for
// `func start`, not a production host.
//
// Usage:
//
//	devhost [-app build/app] [-addr 127.0.0.1:7071] [-key K] [-storage CONN] [-v]
//
// MCP_EXTENSION_KEY sets the key too (the flag wins); AzureWebJobsStorage in
// the environment overrides local.settings.json (the flag wins). Flags show
// in the process list, so a real key or account key belongs in the
// environment. Once it serves, devhost prints one line starting with
// "devhost: serving MCP at http://127.0.0.1:<port>/runtime/webhooks/mcp".
// SIGINT or SIGTERM (on Windows Ctrl+C or CTRL_BREAK_EVENT), or on macOS
// the exit of its parent, stops it: no new connections, tool calls in
// flight are answered (for up to 25 s), then the handler is stopped and
// devhost exits 0.
package main

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
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"remote-mcp-functions-go/mcpfunc/internal/devhost"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/guard"
	"remote-mcp-functions-go/mcpfunc/internal/proc"
	"remote-mcp-functions-go/mcpfunc/internal/worker"
)

func main() {
	// os.Interrupt is Ctrl+C, and on Windows also the CTRL_BREAK_EVENT the
	// start command sends to stop it.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Stop with the parent (the start command) on macOS, where no
	// parent-death signal exists; Linux and Windows need nothing here.
	proc.WatchParent(ctx, stop)
	if err := run(ctx, os.Args[1:], os.Getenv, os.Environ(), os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "devhost:", err)
		stop()
		os.Exit(1)
	}
}

// run is devhost until ctx ends (a signal, in main).
func run(ctx context.Context, args []string, getenv func(string) string, environ []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("devhost", flag.ContinueOnError)
	appDir := fs.String("app", "build/app", "the staged function app (make build)")
	addr := fs.String("addr", "127.0.0.1:7071", "where to serve MCP; port 0 picks a free one")
	key := fs.String("key", "", "require this key on every MCP request (default $"+devhost.KeyEnv+"; empty: no key)")
	storage := fs.String("storage", "", "connection string for "+funcapp.StorageSetting+" (default: the environment, then local.settings.json; prefer those for a real account: a flag's value shows in the process list)")
	verbose := fs.Bool("v", false, "log every call at debug level")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if *key == "" {
		*key = getenv(devhost.KeyEnv)
	}

	app, err := funcapp.Load(*appDir)
	if err != nil {
		return err
	}
	var cors *devhost.CORS
	if h := app.Settings.HostSection(); h != nil {
		if cors, err = devhost.NewCORS(h.CORS, h.CORSCredentials); err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(app.Root, "local.settings.json"), err)
		}
	}
	settings := devhost.NewSettings(app, environ, *storage)
	blobs, stores, err := devhost.OpenStorage(app, settings, nil)
	if err != nil {
		return err
	}
	exe := filepath.Join(app.Root, app.Host.Executable())
	if err := worker.CheckExecutable(exe); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	defer ln.Close()

	w, err := worker.Start(ctx, worker.Options{
		Path:   exe,
		Args:   app.Host.CustomHandler.Description.Arguments,
		Dir:    filepath.Join(app.Root, app.Host.CustomHandler.Description.WorkingDirectory),
		Env:    settings.Environ(),
		Output: stderr,
		Logger: log,
	})
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return nil // stopped while the handler was starting
	}
	if err != nil {
		return err
	}
	defer w.Stop(context.Background())

	timeout, _ := app.Host.FunctionTimeout() // funcapp.Load checked it
	mcpSrv, err := devhost.New(app, devhost.Options{Worker: w, Blobs: blobs, Key: *key, CORS: cors, Logger: log, FunctionTimeout: timeout})
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           mcpSrv,
		ReadHeaderTimeout: 10 * time.Second,
		// A client's message is at most 16 MiB; this bounds one that
		// trickles it. Streams and long calls are not affected: Go's
		// server only applies it to reading the request.
		ReadTimeout: time.Minute,
		IdleTimeout: 2 * time.Minute,
		ErrorLog:    slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	// Once Shutdown has closed the listener: let calls in flight finish,
	// then end the streams, so Shutdown can return.
	srv.RegisterOnShutdown(func() {
		ctx, cancel := context.WithTimeout(context.Background(), stopGrace)
		defer cancel()
		mcpSrv.Shutdown(ctx)
	})

	base := "http://" + publicAddr(ln.Addr())
	printBanner(stdout, app, mcpSrv, stores, w, *key != "", cors, base)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "devhost: stopping: letting tool calls in flight finish")
	shutdown, cancel := context.WithTimeout(context.Background(), stopGrace+5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		_ = srv.Close()
	}
	// No call is in flight any more: the handler can go.
	w.Stop(shutdown)
	return nil
}

// stopGrace is how long tool calls in flight get to finish when devhost
// is told to stop.
const stopGrace = 25 * time.Second

// printBanner tells the developer what runs where. Exactly one line starts
// with "devhost: serving MCP at": scripts and tests read the URL from it.
func printBanner(out io.Writer, app *funcapp.App, s *devhost.Server, stores []devhost.StorageInfo, w *worker.Worker, keys bool, cors *devhost.CORS, base string) {
	fmt.Fprintln(out, "devhost: a development stand-in for the Azure Functions host and its MCP extension, not a production host")
	fns := s.Functions()
	fmt.Fprintf(out, "devhost: function app %s: %d functions\n", app.Root, len(fns))
	for _, f := range fns {
		var extra []string
		for _, p := range f.Inputs {
			extra = append(extra, "blob in "+p)
		}
		for _, p := range f.Outputs {
			extra = append(extra, "blob out "+p)
		}
		line := fmt.Sprintf("devhost:   %s -> %s %s", f.Function, f.Kind, f.Name)
		if len(extra) > 0 {
			line += " (" + strings.Join(extra, ", ") + ")"
		}
		fmt.Fprintln(out, line)
	}
	for _, st := range stores {
		from := "environment or -storage"
		if st.FromFile {
			from = "local.settings.json"
		}
		fmt.Fprintf(out, "devhost: storage %s (from %s): blob endpoint %s\n", st.Connection, from, st.Endpoint)
	}
	fmt.Fprintf(out, "devhost: custom handler ready: %s (pid %d)\n", app.Host.Executable(), w.PID())
	if keys {
		fmt.Fprintf(out, "devhost: keys on: send the key in header %s or query ?%s=\n", guard.KeyHeader, guard.KeyQuery)
	} else {
		fmt.Fprintln(out, "devhost: keys off: no key needed (like func start)")
	}
	if cors == nil {
		fmt.Fprintln(out, "devhost: CORS off (no Host.CORS in local.settings.json, as under func start): pages on other origins cannot read its answers")
	} else {
		creds := "without credentials"
		if cors.Credentials() {
			creds = "with credentials"
		}
		fmt.Fprintf(out, "devhost: CORS from local.settings.json Host.CORS: %s, %s\n", strings.Join(cors.Origins(), ","), creds)
		for _, p := range cors.Suspicious() {
			fmt.Fprintf(out, "devhost: warning: Host.CORS: %s\n", p)
		}
	}
	fmt.Fprintf(out, "devhost: serving MCP at %s%s\n", base, devhost.MCPPath)
	fmt.Fprintf(out, "devhost: legacy SSE at %s%s\n", base, devhost.SSEPath)
}

// publicAddr is the address clients should use: an unspecified listen
// address (0.0.0.0, ::) is reached on loopback.
func publicAddr(a net.Addr) string {
	ta, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	ip := ta.IP
	if ip == nil || ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return net.JoinHostPort(ip.String(), fmt.Sprint(ta.Port))
}
