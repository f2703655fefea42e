package graceful

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// orderLog records the messages of the log lines in the order they are
// written. A "stopping" line is held back until "stopped" has been written
// or a moment has passed: a Serve that wrote "stopping" from a goroutine
// of its own, without waiting for it, writes "stopped" meanwhile and the
// order comes out wrong every time.
type orderLog struct {
	mu      sync.Mutex
	msgs    []string
	stopped chan struct{}
}

func (l *orderLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *orderLog) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *orderLog) WithGroup(string) slog.Handler            { return l }

func (l *orderLog) Handle(_ context.Context, r slog.Record) error {
	switch r.Message {
	case stoppingMsg:
		select {
		case <-l.stopped:
		case <-time.After(500 * time.Millisecond):
		}
	case stoppedMsg:
		defer close(l.stopped)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.msgs = append(l.msgs, r.Message)
	return nil
}

func (l *orderLog) messages() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.msgs...)
}

// TestStoppingBeforeStopped: "stopping" comes before "stopped", each once,
// and Serve returns nil after a clean stop.
func TestStoppingBeforeStopped(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	log := &orderLog{stopped: make(chan struct{})}
	srv := &http.Server{Handler: http.NotFoundHandler(), ReadHeaderTimeout: time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, srv, ln, slog.New(log)) }()
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return")
	}
	assert.Equal(t, []string{stoppingMsg, stoppedMsg}, log.messages())
}

// The grace is no longer than the Functions host's own window (10 s, read
// in its source: see Grace), and a storage operation that was in flight
// when the stop began ends within it, with time left to answer.
func TestGraceAgreesWithTheHost(t *testing.T) {
	const hostWindow = 10 * time.Second
	assert.LessOrEqual(t, Grace, hostWindow)
	assert.Less(t, StorageBudget, Grace)
	assert.GreaterOrEqual(t, Grace-StorageBudget, time.Second, "time to answer and log")
}
