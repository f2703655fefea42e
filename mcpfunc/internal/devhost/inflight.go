package devhost

import (
	"context"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// inflight counts the tool calls in progress, so that devhost can let them
// finish before it stops the handler: the host drains invocations the same
// way before it shuts a worker down.
type inflight struct {
	mu       sync.Mutex
	n        int
	draining bool
	idle     chan struct{} // closed when draining and n reaches 0
}

// enter registers a call; false once draining began (the call is refused).
func (f *inflight) enter() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.draining {
		return false
	}
	f.n++
	return true
}

// hold registers work that must finish before stopping even while
// draining: a request already read whose answer is still to be written.
func (f *inflight) hold() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
}

// leave ends a call registered by enter or hold.
func (f *inflight) leave() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n--
	if f.draining && f.n == 0 {
		close(f.idle)
	}
}

// drain refuses new calls and waits for the ones in progress.
func (f *inflight) drain(ctx context.Context) error {
	f.mu.Lock()
	if !f.draining {
		f.draining = true
		f.idle = make(chan struct{})
		if f.n == 0 {
			close(f.idle)
		}
	}
	idle := f.idle
	f.mu.Unlock()
	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// answered is a server connection that holds the inflight count for every
// request it reads until it writes that request's response: on the legacy
// SSE transport the answer travels on the stream after the tool handler
// has returned, and the stream must stay open until it has.
type answered struct {
	mcp.Connection
	calls *inflight

	mu      sync.Mutex
	pending map[jsonrpc.ID]bool
}

func (c *answered) Read(ctx context.Context) (jsonrpc.Message, error) {
	msg, err := c.Connection.Read(ctx)
	if req, ok := msg.(*jsonrpc.Request); ok && err == nil && req.IsCall() {
		c.mu.Lock()
		if !c.pending[req.ID] {
			c.pending[req.ID] = true
			c.calls.hold()
		}
		c.mu.Unlock()
	}
	return msg, err
}

func (c *answered) Write(ctx context.Context, msg jsonrpc.Message) error {
	err := c.Connection.Write(ctx, msg)
	if resp, ok := msg.(*jsonrpc.Response); ok {
		c.mu.Lock()
		if c.pending[resp.ID] {
			delete(c.pending, resp.ID)
			c.calls.leave()
		}
		c.mu.Unlock()
	}
	return err
}

// Close releases what will never be answered now.
func (c *answered) Close() error {
	c.mu.Lock()
	for id := range c.pending {
		delete(c.pending, id)
		c.calls.leave()
	}
	c.mu.Unlock()
	return c.Connection.Close()
}

// answeredTransport connects an answered connection.
type answeredTransport struct {
	mcp.Transport
	calls *inflight
}

func (t answeredTransport) Connect(ctx context.Context) (mcp.Connection, error) {
	conn, err := t.Transport.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &answered{Connection: conn, calls: t.calls, pending: map[jsonrpc.ID]bool{}}, nil
}
