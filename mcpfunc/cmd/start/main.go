// Command start runs the MCP server locally: Azurite, then the function app
// built for this machine, under `func start` (Azure Functions Core Tools)
// when func is on PATH, else under devhost, the local stand-in for the
// Functions host (or, with MCP_HOSTING=self, the handler on its own). See
// package localrun for the steps.
//
//	go run ./mcpfunc/cmd/start          what `make start` runs; on every OS
//	go run ./mcpfunc/cmd/start -no-build  run the app make build already staged
//
// Run it from the repository root. Ctrl+C stops what it started (Azurite,
// the host and its handler) and nothing else: an Azurite that was already
// running is left running. So does SIGTERM to this process alone, which is
// how an IDE stops a task.
//
// Settings (environment), all optional:
//
//	MCP_HOSTING=self    the self hosting: the handler serves MCP at /mcp
//	                    (under func start, or on its own without func)
//	MCP_EXTENSION_KEY   without func, devhost (or the self-hosted handler)
//	                    requires this key (x-functions-key or ?code=)
//	USE_DEVHOST=1       never func start: devhost, or in the self hosting
//	                    the handler on its own
//	MCP_PORT            MCP port (7071)
//	AZURITE_BLOB_PORT, AZURITE_QUEUE_PORT, AZURITE_TABLE_PORT (10000-10002)
//	AZURITE_DIR         Azurite's data folder (.azurite, git-ignored)
//	APP_DIR             the staged app (build/app)
//	DEVHOST             a devhost binary to run instead of building one
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"remote-mcp-functions-go/mcpfunc/internal/localrun"
	"remote-mcp-functions-go/mcpfunc/internal/proc"
)

func main() {
	noBuild := flag.Bool("no-build", false, "run the app already staged in APP_DIR (make build) instead of staging it")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "start: error: unexpected arguments %q\n", flag.Args())
		os.Exit(2)
	}
	// Ctrl+C (os.Interrupt, on Windows also CTRL_BREAK_EVENT), an IDE
	// stopping its task (SIGTERM), a closed terminal (SIGHUP).
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	// Stop, in order, when the parent (make, go run, a shell) goes away.
	proc.WatchParent(ctx, stop)

	opts, err := localrun.FromEnv(os.Getenv, os.Environ())
	if err == nil {
		opts.NoBuild = *noBuild
		opts.Stdout, opts.Stderr = os.Stdout, os.Stderr
		err = localrun.Run(ctx, opts)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "start: error:", err)
		stop()
		os.Exit(1)
	}
}
