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
// to stop.
const Grace = 10 * time.Second

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
	// can count on no new connection being accepted.
	srv.RegisterOnShutdown(func() { log.Info("stopping: letting calls in flight finish", "grace", Grace) })
	grace, cancel := context.WithTimeout(context.Background(), Grace)
	defer cancel()
	if err := srv.Shutdown(grace); err != nil {
		_ = srv.Close()
		return fmt.Errorf("calls still in flight after %v were cut off: %w", Grace, err)
	}
	<-served // http.ErrServerClosed, returned as soon as Shutdown began
	log.Info("custom handler stopped")
	return nil
}
