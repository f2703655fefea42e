// Command handler is the function app's custom handler, in either hosting
// (app setting MCP_HOSTING, see package hosting): the server the Functions
// host POSTs each MCP call to, or, with MCP_HOSTING=self, an MCP server
// itself at /mcp, which the host forwards requests to. It listens on
// 127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT, which the host sets, and reads
// app settings from the environment. `handler -listen 127.0.0.1:7071` (self
// hosting only) serves clients with no host in front, as make start does
// without func. See README.md for the whole picture.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"remote-mcp-functions-go/internal/blobstore"
	"remote-mcp-functions-go/internal/catalog"
	"remote-mcp-functions-go/internal/customhandler"
	"remote-mcp-functions-go/internal/graceful"
	"remote-mcp-functions-go/internal/hosting"
	"remote-mcp-functions-go/internal/selfhost"
)

func main() {
	listen := flag.String("listen", "", "self hosting only: serve MCP clients on this address, with no Functions host in front")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(log, *listen); err != nil {
		// Plain text: the line a developer reads when the host reports
		// that the handler exited.
		fmt.Fprintln(os.Stderr, "handler:", err)
		os.Exit(1)
	}
}

func run(log *slog.Logger, listen string) error {
	mode, err := hosting.FromEnv(os.Getenv)
	if err != nil {
		return err
	}
	// One storage client per connection setting, for the snippet tools'
	// own calls and, self-hosted, the blob bindings alike; each operation
	// bounded so that one in flight at a stop ends within the grace.
	accounts := blobstore.NewAccounts(os.LookupEnv, &blobstore.Options{Budget: graceful.StorageBudget})
	cfg, err := catalog.ConfigFromEnv(os.Getenv, accounts)
	if err != nil {
		return err
	}
	var h http.Handler
	switch fns := catalog.Functions(cfg); {
	case mode == hosting.Self:
		if h, err = selfhost.FromEnv(fns, catalog.Server, log, os.LookupEnv, accounts, listen != ""); err != nil {
			return err
		}
	case listen != "":
		return fmt.Errorf("-listen serves MCP clients directly, which only %s=%s does", hosting.Setting, hosting.Self)
	default:
		if h, err = customhandler.New(fns, customhandler.Options{Logger: log, MaxBodyBytes: cfg.MaxBodyBytes()}); err != nil {
			return err
		}
	}
	if listen == "" {
		if listen, err = hosting.ListenAddr(os.Getenv); err != nil {
			return err
		}
	}
	// The host sends each payload at once over loopback; the timeouts only
	// bound a peer that stops sending.
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	log.Info("custom handler listening", "addr", ln.Addr().String(), "hosting", mode)
	return graceful.Serve(ctx, srv, ln, log)
}
