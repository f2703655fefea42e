// Command handler is the function app's custom handler: the HTTP server
// the Azure Functions host starts and POSTs each MCP tool call to.
//
// The host sets FUNCTIONS_CUSTOMHANDLER_PORT and passes the app settings as
// environment variables; see README.md for the whole picture.
package main

import (
	"context"
	"errors"
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
		Handler:           customhandler.New(catalog.Tools(cfg), customhandler.Options{Logger: log}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	go func() {
		<-ctx.Done()
		// Let invocations in flight finish; the host waits for us.
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Info("custom handler listening", "addr", ln.Addr().String())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
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
