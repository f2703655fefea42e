package testenv

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"remote-mcp-functions-go/mcpfunc/internal/devstore"
)

// heldLimit bounds a test's wait for a request to reach the proxy, or for
// Azurite to answer one it released: a broken build fails instead of
// hanging. It is not a speed assertion.
const heldLimit = 2 * time.Minute

// StorageProxy stands between a server and an Azurite's blob service and
// holds the requests a test picks: storage that is slow, or frozen, as the
// test orders it. A held request has reached "storage" (the proxy has read
// all of it), so whoever sent it cannot take it back: the test forwards it
// to Azurite when it likes, even after the sender gave up, in any order
// with the others ([HeldRequest.Release]), or forwards it and then breaks
// the sender's connection without an answer, as a network failure after
// sending does ([HeldRequest.ReleaseAndDrop]). Requests it does not hold
// pass straight through.
type StorageProxy struct {
	az     *Azurite
	port   int
	srv    *http.Server
	client *http.Client

	mu     sync.Mutex
	hold   func(*http.Request) bool
	held   chan *HeldRequest
	closed chan struct{}
}

// StartStorageProxy starts a proxy on a free loopback port in front of
// az's blob service, stopped when the test ends; it holds nothing until
// [StorageProxy.Hold].
func StartStorageProxy(tb testing.TB, az *Azurite) *StorageProxy {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p := &StorageProxy{
		az:     az,
		port:   ln.Addr().(*net.TCPAddr).Port,
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}},
		held:   make(chan *HeldRequest, 64),
		closed: make(chan struct{}),
	}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: heldLimit, ReadTimeout: heldLimit}
	go func() { _ = p.srv.Serve(ln) }()
	tb.Cleanup(p.close)
	return p
}

// ConnectionString is an AzureWebJobsStorage value whose blob endpoint is
// the proxy (queues and tables are Azurite's own).
func (p *StorageProxy) ConnectionString() string {
	return devstore.ConnectionString(p.port, p.az.QueuePort, p.az.TablePort)
}

// Hold makes the proxy hold, from now on, every request for which match
// is true; nil holds none (requests already held stay held).
func (p *StorageProxy) Hold(match func(r *http.Request) bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.hold = match
}

// Writes matches the requests that change a blob of container whose name
// starts with prefix: PUT (a blob, a block, a block list) and DELETE.
func Writes(container, prefix string) func(r *http.Request) bool {
	return func(r *http.Request) bool {
		if r.Method != http.MethodPut && r.Method != http.MethodDelete {
			return false
		}
		return hasBlobPrefix(r, container, prefix)
	}
}

// BlobRequests matches every request for a blob of container whose name
// starts with prefix, reads included.
func BlobRequests(container, prefix string) func(r *http.Request) bool {
	return func(r *http.Request) bool { return hasBlobPrefix(r, container, prefix) }
}

// hasBlobPrefix reports whether r's path is
// /<account>/<container>/<prefix>….
func hasBlobPrefix(r *http.Request, container, prefix string) bool {
	want := "/" + devstore.Account + "/" + container + "/" + prefix
	return len(r.URL.Path) >= len(want) && r.URL.Path[:len(want)] == want
}

// Next returns the next request the proxy holds, in the order they
// arrived, failing the test if none arrives within a generous limit.
func (p *StorageProxy) Next(tb testing.TB) *HeldRequest {
	tb.Helper()
	select {
	case h := <-p.held:
		return h
	case <-time.After(heldLimit):
		tb.Fatalf("no request reached the storage proxy within %v", heldLimit)
		return nil
	}
}

// Held delivers the requests the proxy holds, in the order they arrived,
// for a test that waits for other things too; see Next.
func (p *StorageProxy) Held() <-chan *HeldRequest { return p.held }

// HeldRequest is a request the proxy holds.
type HeldRequest struct {
	// Method, Path and Query are the request's, for a test to check what
	// it is: Query "comp" is "block" or "blocklist" for a staged write.
	Method string
	Path   string
	Query  url.Values
	// Header is the request's header (If-Match, If-None-Match…).
	Header http.Header
	// Size is the length of its body.
	Size int

	body    []byte
	release chan bool // true: drop the sender's connection after forwarding
	done    chan struct{}
	status  int
	code    string
}

// Release forwards the request to Azurite now; its answer goes to the
// sender if the sender still waits.
func (h *HeldRequest) Release() { h.release <- false }

// ReleaseAndDrop forwards the request to Azurite now, then closes the
// sender's connection without an answer: the request took effect (or not)
// and the sender cannot know which.
func (h *HeldRequest) ReleaseAndDrop() { h.release <- true }

// Answer waits until Azurite has answered the released request and
// returns its status and error code (x-ms-error-code, empty on success).
func (h *HeldRequest) Answer(tb testing.TB) (status int, code string) {
	tb.Helper()
	select {
	case <-h.done:
		return h.status, h.code
	case <-time.After(heldLimit):
		tb.Fatalf("Azurite did not answer %s %s within %v", h.Method, h.Path, heldLimit)
		return 0, ""
	}
}

func (p *StorageProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return // the sender went away before its request was whole: nothing reached storage
	}
	p.mu.Lock()
	hold := p.hold != nil && p.hold(r)
	p.mu.Unlock()
	if !hold {
		p.forward(w, r, body)
		return
	}
	h := &HeldRequest{
		Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Size: len(body),
		body: body, release: make(chan bool, 1), done: make(chan struct{}),
	}
	select {
	case p.held <- h:
	case <-p.closed:
		http.Error(w, "storage proxy closed", http.StatusServiceUnavailable)
		return
	}
	// Wait for the test, whether or not the sender still waits: what was
	// sent was sent.
	var drop bool
	select {
	case drop = <-h.release:
	case <-p.closed:
		http.Error(w, "storage proxy closed", http.StatusServiceUnavailable)
		return
	}
	if drop {
		h.status, h.code = p.forward(nil, r, body)
		close(h.done)
		if c, _, err := http.NewResponseController(w).Hijack(); err == nil {
			c.Close()
		}
		return
	}
	h.status, h.code = p.forward(w, r, body)
	close(h.done)
}

// forward sends the request to Azurite, on a context of its own (the
// sender may be gone), and copies the answer to w unless w is nil. It
// returns Azurite's status and error code; 0 when Azurite did not answer.
func (p *StorageProxy) forward(w http.ResponseWriter, r *http.Request, body []byte) (int, string) {
	ctx, cancel := context.WithTimeout(context.Background(), heldLimit)
	defer cancel()
	target := "http://127.0.0.1:" + strconv.Itoa(p.az.BlobPort) + r.URL.RequestURI()
	out, err := http.NewRequestWithContext(ctx, r.Method, target, bytes.NewReader(body))
	if err != nil {
		if w != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
		}
		return 0, ""
	}
	// Every header as sent: the shared-key signature covers most of them.
	out.Header = r.Header.Clone()
	out.ContentLength = int64(len(body))
	resp, err := p.client.Do(out)
	if err != nil {
		if w != nil {
			http.Error(w, "storage proxy: "+err.Error(), http.StatusBadGateway)
		}
		return 0, ""
	}
	defer resp.Body.Close()
	respBody, _ := io.ReadAll(resp.Body)
	if w != nil {
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(respBody)
	}
	return resp.StatusCode, resp.Header.Get("x-ms-error-code")
}

// close answers whatever is still held with 503, unforwarded, and stops
// the proxy.
func (p *StorageProxy) close() {
	close(p.closed)
	_ = p.srv.Close()
}
