// Package graceful runs an HTTP server until it is told to stop, then
// stops it gracefully: the way the handler leaves when the Functions host
// asks it to (scale-in, restart, deployment), in either hosting.
package graceful

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Grace is how long calls in flight get to finish once the server is asked
// to stop: the window the Functions host itself keeps. It gives its script
// host, and the invocations in flight with it, 10 s to stop
// (Azure/azure-functions-host
// src/WebJobs.Script.WebHost/WebJobsScriptHostService.cs StopAsync
// @89dc438d), then disposes the worker, which kills the handler's process
// without asking it to stop first
// (src/WebJobs.Script/Workers/ProcessManagement/WorkerProcess.cs Dispose,
// Process.Kill). A longer grace would not be kept under the host; asked
// to stop by anything else (make start, devhost), the handler keeps the
// same one.
const Grace = 10 * time.Second

// StorageBudget is the longest one storage operation of the handler may
// take, retries included (blobstore.Options.Budget): the grace less
// answerTime. An operation in flight when the stop begins, the host's or a
// signal's, then ends within the grace: answered, and logged with its
// outcome (a write storage did not confirm: that it may or may not have
// landed), rather than cut off with the process.
const StorageBudget = Grace - answerTime

// answerTime is what the grace keeps, past the storage budget, for a call
// to answer and log once its storage operation has ended.
const answerTime = 2 * time.Second

// Serve runs srv on ln until ctx ends, then stops it gracefully: no new
// connections, and calls in flight (a body still arriving included) finish
// and are answered, for up to Grace. It returns nil after a clean stop.
func Serve(ctx context.Context, srv *http.Server, ln net.Listener, log *slog.Logger) error {
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	// Said once Shutdown has closed the listener, so whoever reads the line
	// can count on no new connection being accepted. Shutdown runs the
	// function in a goroutine of its own and does not wait for it
	// (net/http server.go), so the last line waits for this one.
	said := make(chan struct{})
	srv.RegisterOnShutdown(func() {
		log.Info(stoppingMsg, "grace", Grace)
		close(said)
	})
	grace, cancel := context.WithTimeout(context.Background(), Grace)
	defer cancel()
	err := srv.Shutdown(grace)
	<-said // Shutdown starts the function before anything else can fail
	if err != nil {
		_ = srv.Close()
		return fmt.Errorf("calls still in flight after %v were cut off: %w", Grace, err)
	}
	<-served // http.ErrServerClosed, returned as soon as Shutdown began
	log.Info(stoppedMsg)
	return nil
}

// The lines Serve writes when it stops, in this order.
const (
	stoppingMsg = "stopping: letting calls in flight finish"
	stoppedMsg  = "custom handler stopped"
)
