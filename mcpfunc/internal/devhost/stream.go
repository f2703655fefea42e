package devhost

import (
	"fmt"
	"net/http"
	"sync"

	"remote-mcp-functions-go/mcpfunc/internal/rpcmsg"
)

// sseStream is a legacy SSE session's event stream, written by go-sdk and
// by devhost: the answers devhost gives itself (front.go) travel there,
// as the extension's do, and ids go-sdk could not echo are put back into
// go-sdk's. go-sdk writes each event in one Write, so the lock keeps
// events whole.
type sseStream struct {
	w http.ResponseWriter

	mu        sync.Mutex
	restorers []*rpcmsg.Restorer
}

func (s *sseStream) Header() http.Header { return s.w.Header() }

func (s *sseStream) WriteHeader(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.w.WriteHeader(status)
}

func (s *sseStream) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := p
	kept := s.restorers[:0]
	for _, r := range s.restorers {
		if r.In(out) {
			out = r.Restore(out) // one answer per swapped id: done with it
			continue
		}
		kept = append(kept, r)
	}
	s.restorers = kept
	if _, err := s.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (s *sseStream) Flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = http.NewResponseController(s.w).Flush()
}

// restore puts r's id back into the answer go-sdk writes for it. At most
// maxPending wait for their answers: a client that never waits for them
// cannot make the list grow without bound.
func (s *sseStream) restore(r *rpcmsg.Restorer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.restorers) >= maxPending {
		s.restorers = append(s.restorers[:0], s.restorers[1:]...)
	}
	s.restorers = append(s.restorers, r)
}

// maxPending is how many swapped ids one stream keeps waiting for their
// answers.
const maxPending = 256

// event writes one message event of devhost's own.
func (s *sseStream) event(data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, _ = fmt.Fprintf(s.w, "event: message\ndata: %s\n\n", data)
	_ = http.NewResponseController(s.w).Flush()
}
