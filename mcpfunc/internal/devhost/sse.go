package devhost

import (
	"context"
	"crypto/rand"
	"mime"
	"net/http"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// sseHandler serves the legacy HTTP+SSE transport the way the MCP extension
// lays it out: GET …/sse opens the event stream, whose first event announces
// the message endpoint …/message?azmcpcs=<session id>, and the client POSTs
// its JSON-RPC messages there.
//
// It is built on go-sdk's SSEServerTransport rather than its SSEHandler
// because devhost needs three things SSEHandler keeps to itself: the session
// id (the handler receives it as sessionid), the stream's request headers
// (the handler receives them in transport.properties.headers; the message
// POSTs do not reach the tool), and the set of live sessions, for the key
// rule below.
//
// # Keys on the message endpoint
//
// A client that connected with ?code=K posts to the endpoint it was told,
// which carries no key. The extension appends &code=K to the announced
// endpoint; devhost does not, so the key never travels in URLs a proxy or
// server log may record. Instead a message POST is accepted when its session
// id names a live stream: every stream was opened with a valid key (the GET
// passed the key check), and the id is a 128-bit random value known only to
// that client, valid only while its stream is open. A POST that carries the
// key itself is accepted too.
type sseHandler struct {
	server   *mcp.Server
	endpoint string // the message endpoint path
	maxBody  int64
	calls    *inflight

	mu       sync.Mutex
	sessions map[string]*sseSession
}

// sseSession is one open stream: go-sdk's transport, and the stream it
// writes to, which devhost writes to as well (stream.go).
type sseSession struct {
	t      *mcp.SSEServerTransport
	stream *sseStream
}

// sessionQuery is the message endpoint's session parameter, named as the
// extension names it.
const sessionQuery = "azmcpcs"

// sseCall is what a tool call on an SSE session knows about its transport.
type sseCall struct {
	sessionID string
	headers   map[string]string
}

type sseCallKey struct{}

func sseCallFrom(ctx context.Context) *sseCall {
	c, _ := ctx.Value(sseCallKey{}).(*sseCall)
	return c
}

func newSSEHandler(server *mcp.Server, endpoint string, maxBody int64, calls *inflight) *sseHandler {
	return &sseHandler{server: server, endpoint: endpoint, maxBody: maxBody, calls: calls, sessions: map[string]*sseSession{}}
}

// live reports whether id names an open stream.
func (h *sseHandler) live(id string) bool {
	if id == "" {
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.sessions[id] != nil
}

// serveStream serves GET …/sse: one session for as long as the request lasts.
func (h *sseHandler) serveStream(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "Method Not Allowed: open the SSE stream with GET", http.StatusMethodNotAllowed)
		return
	}
	id := rand.Text()
	stream := &sseStream{w: w}
	t := &mcp.SSEServerTransport{
		Endpoint:            h.endpoint + "?" + sessionQuery + "=" + id,
		Response:            stream,
		MaxRequestBodyBytes: h.maxBody,
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache,no-store")
	w.Header().Set("Connection", "keep-alive")

	// Register before connecting: the endpoint event goes out during
	// Connect, and the client may post as soon as it reads it.
	h.mu.Lock()
	h.sessions[id] = &sseSession{t: t, stream: stream}
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		delete(h.sessions, id)
		h.mu.Unlock()
	}()

	// The session's context reaches every tool call on it (go-sdk keeps
	// its values, not its cancellation).
	ctx := context.WithValue(r.Context(), sseCallKey{}, &sseCall{sessionID: id, headers: flatten(r.Header)})
	ss, err := h.server.Connect(ctx, answeredTransport{t, h.calls}, nil)
	if err != nil {
		http.Error(w, "connection failed", http.StatusInternalServerError)
		return
	}
	closed := make(chan struct{})
	go func() {
		_ = ss.Wait()
		close(closed)
	}()
	select {
	case <-r.Context().Done():
	case <-closed:
	}
	_ = ss.Close()
}

// serveMessage serves POST …/message?azmcpcs=<id>.
func (h *sseHandler) serveMessage(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "Method Not Allowed: post messages here", http.StatusMethodNotAllowed)
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		http.Error(w, "Content-Type must be 'application/json'", http.StatusUnsupportedMediaType)
		return
	}
	ss := h.session(r)
	if ss == nil {
		http.Error(w, "No active session. Please connect to the /sse endpoint to initiate your session.", http.StatusBadRequest)
		return
	}
	ss.t.ServeHTTP(w, r)
}

// session is the open stream a message POST names, nil when none.
func (h *sseHandler) session(r *http.Request) *sseSession {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.sessions[r.URL.Query().Get(sessionQuery)]
}

// flatten turns request headers into the extension's form: one string per
// name, several values joined with commas.
func flatten(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, vs := range h {
		switch len(vs) {
		case 0:
		case 1:
			out[k] = vs[0]
		default:
			n := len(vs) - 1
			for _, v := range vs {
				n += len(v)
			}
			b := make([]byte, 0, n)
			for i, v := range vs {
				if i > 0 {
					b = append(b, ',')
				}
				b = append(b, v...)
			}
			out[k] = string(b)
		}
	}
	return out
}
