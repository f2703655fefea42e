// Command baseline serves the benchmarks' baseline MCP server (package
// benchbase) as a process of its own, as the hostings run: on
// 127.0.0.1:<free port>, with the storage AzureWebJobsStorage names (a
// connection string). It prints "baseline: serving MCP at <url>" once it
// listens, and stops on SIGINT or SIGTERM.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"remote-mcp-functions-go/mcpfunc/internal/benchbase"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/graceful"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	h, err := benchbase.Handler(ctx, os.Getenv(funcapp.StorageSetting))
	if err == nil {
		var ln net.Listener
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err == nil {
			fmt.Printf("baseline: serving MCP at http://%s\n", ln.Addr())
			srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second}
			err = graceful.Serve(ctx, srv, ln, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "baseline:", err)
		os.Exit(1)
	}
}
