// Command envelope is the yardstick of the handler's CPU benchmark
// (handler's BenchmarkCPUPerInvocation): the least a custom handler can do
// with an invocation. It reads each POSTed body, json.Unmarshals it into a
// map[string]any and answers an empty response, on
// 127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT as the handler listens; GET
// answers the readiness probe. It stops on SIGINT or SIGTERM.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"remote-mcp-functions-go/mcpfunc/internal/graceful"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", "127.0.0.1:"+os.Getenv("FUNCTIONS_CUSTOMHANDLER_PORT"))
	if err == nil {
		srv := &http.Server{Handler: http.HandlerFunc(serve), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second}
		err = graceful.Serve(ctx, srv, ln, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "envelope:", err)
		os.Exit(1)
	}
}

// empty is the answer to every invocation: no outputs, no logs.
var empty = []byte(`{"Outputs":{},"Logs":[],"ReturnValue":""}`)

func serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		return // the readiness probe
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var envelope map[string]any
	if err := json.Unmarshal(body, &envelope); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(empty)
}
