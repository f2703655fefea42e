// Command handler is the function app's custom handler: the HTTP server
// the Azure Functions host starts and POSTs each MCP tool call to.
//
// The host sets FUNCTIONS_CUSTOMHANDLER_PORT and passes the app settings as
// environment variables; see README.md for the whole picture.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"remote-mcp-functions-go/internal/catalog"
	"remote-mcp-functions-go/internal/customhandler"
)

// shutdownGrace is how long calls in flight get to finish once the host
// asks the handler to stop (scale-in, restart, deployment).
const shutdownGrace = 10 * time.Second

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(log); err != nil {
		// Plain text: this is the line a developer reads when the host
		// reports that the handler exited.
		fmt.Fprintln(os.Stderr, "handler:", err)
		os.Exit(1)
	}
}

func run(log *slog.Logger) error {
	addr, err := listenAddr(os.Getenv("FUNCTIONS_CUSTOMHANDLER_PORT"))
	if err != nil {
		return err
	}
	cfg, err := catalog.ConfigFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler: customhandler.New(catalog.Functions(cfg), customhandler.Options{Logger: log, MaxBodyBytes: cfg.MaxBodyBytes()}),
		// The host sends each payload at once over loopback; these only
		// bound a peer that stops sending.
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	log.Info("custom handler listening", "addr", ln.Addr().String())
	return serve(ctx, srv, ln, log)
}

// serve runs srv until ctx ends, then stops it gracefully: no new
// connections, and calls in flight (a body still arriving included) finish
// and are answered, for up to shutdownGrace.
func serve(ctx context.Context, srv *http.Server, ln net.Listener, log *slog.Logger) error {
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	log.Info("stopping: letting calls in flight finish", "grace", shutdownGrace)
	grace, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(grace); err != nil {
		_ = srv.Close()
		return fmt.Errorf("calls still in flight after %v were cut off: %w", shutdownGrace, err)
	}
	<-served // http.ErrServerClosed, returned as soon as Shutdown began
	log.Info("custom handler stopped")
	return nil
}

// listenAddr is the loopback address on the port the host chose: the host
// calls 127.0.0.1 and nothing else should reach the handler.
func listenAddr(port string) (string, error) {
	n, err := strconv.Atoi(port)
	if port == "" || err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("FUNCTIONS_CUSTOMHANDLER_PORT=%q: want a TCP port (1-65535); the Functions host sets it", port)
	}
	return net.JoinHostPort("127.0.0.1", port), nil
}
