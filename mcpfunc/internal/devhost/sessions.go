package devhost

import (
	"container/list"
	"log/slog"
	"net/http"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// DefaultMaxSessions is how many Streamable HTTP sessions devhost keeps at
// once unless Options.MaxSessions says otherwise: far more than the
// clients of one developer, and a few megabytes of memory (about 15 KiB
// each).
const DefaultMaxSessions = 1000

// The extension keeps no session in memory: its Mcp-Session-Id is the
// client's state, encrypted, and every request rebuilds its session from
// it (Http/StreamableHttpRequestHandler.cs @cd0d1e8c). go-sdk keeps each
// one until the client deletes it or SessionTimeout passes, so a client
// that initializes and never comes back costs memory for that long. devhost
// keeps at most MaxSessions: a new one closes the session used least
// recently, whose client gets 404 on its next request and, as the
// transports section says it must, initializes again.

// sessionCap keeps the Streamable HTTP sessions in the order of their last
// use.
type sessionCap struct {
	server *mcp.Server
	max    int
	log    *slog.Logger

	mu     sync.Mutex
	order  *list.List // session ids, least recently used first
	byID   map[string]*list.Element
	warned bool
}

func newSessionCap(server *mcp.Server, max int, log *slog.Logger) *sessionCap {
	return &sessionCap{server: server, max: max, log: log, order: list.New(), byID: map[string]*list.Element{}}
}

// serve runs next for one Streamable HTTP request, noting the session it
// uses or the session it starts.
func (c *sessionCap) serve(w http.ResponseWriter, r *http.Request, next http.Handler) {
	id := r.Header.Get("Mcp-Session-Id")
	if id == "" {
		next.ServeHTTP(&sessionWriter{ResponseWriter: w, c: c}, r)
		return
	}
	c.mu.Lock()
	if e := c.byID[id]; e != nil {
		c.order.MoveToBack(e)
	}
	c.mu.Unlock()
	next.ServeHTTP(w, r)
	if r.Method == http.MethodDelete {
		c.forget(id)
	}
}

// started notes a new session, closing the least recently used one when
// there are more than max.
func (c *sessionCap) started(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.byID[id] != nil {
		return
	}
	c.byID[id] = c.order.PushBack(id)
	for c.order.Len() > c.max {
		old := c.order.Remove(c.order.Front()).(string)
		delete(c.byID, old)
		if !c.warned {
			c.warned = true
			c.log.Warn("too many MCP sessions: closing the least recently used ones", "max", c.max)
		}
		// Not under the lock, nor on this request's goroutine, which is
		// writing an answer: closing takes go-sdk's own locks.
		go c.close(old)
	}
}

// forget drops a session its client deleted.
func (c *sessionCap) forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.byID[id]; e != nil {
		c.order.Remove(e)
		delete(c.byID, id)
	}
}

// count is how many sessions are kept.
func (c *sessionCap) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// close closes the go-sdk session id, when it is still open (its timeout
// may have closed it).
func (c *sessionCap) close(id string) {
	for ss := range c.server.Sessions() {
		if ss.ID() == id {
			_ = ss.Close()
			return
		}
	}
}

// sessionWriter sees the Mcp-Session-Id go-sdk gives a new session.
type sessionWriter struct {
	http.ResponseWriter
	c    *sessionCap
	seen bool
}

func (w *sessionWriter) WriteHeader(status int) {
	if !w.seen {
		w.seen = true
		if id := w.Header().Get("Mcp-Session-Id"); id != "" && status < 300 {
			w.c.started(id)
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *sessionWriter) Write(p []byte) (int, error) {
	if !w.seen {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

func (w *sessionWriter) Flush() {
	if !w.seen {
		w.WriteHeader(http.StatusOK)
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

func (w *sessionWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
