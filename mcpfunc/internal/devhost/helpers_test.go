package devhost

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/binding/bindingtest"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
	"remote-mcp-functions-go/mcpfunc/internal/lines"
)

// The unit tests drive a real go-sdk client against the real Server over an
// httptest server; only the handler and storage are fakes.

func ptr[T any](v T) *T { return &v }

// itemsApp is the app's three tools, built in code so tests can vary it.
func itemsApp() *funcapp.App {
	name := funcapp.ToolProperty{Name: "key", Type: "string", Description: "The item's key.", IsRequired: true}
	content := funcapp.ToolProperty{Name: "value", Type: "string", Description: "The item's text.", IsRequired: true}
	app := &funcapp.App{Functions: []*funcapp.Function{
		{Name: "get", Bindings: []*funcapp.Binding{
			{Type: "mcpToolTrigger", Direction: "in", Name: "context", ToolName: "get", Description: ptr("Read an item by its key."),
				Properties: []funcapp.ToolProperty{name}, UseResultSchema: true},
			{Type: "blob", Direction: "in", Name: "file", Path: "items/{mcptoolargs.key}.txt", Connection: "AzureWebJobsStorage"},
		}},
		{Name: "hello", Bindings: []*funcapp.Binding{
			{Type: "mcpToolTrigger", Direction: "in", Name: "context", ToolName: "hello", Description: ptr("Hello world."),
				Meta: map[string]any{"ui": map[string]any{"resourceUri": "ui://hello"}}},
		}},
		{Name: "put", Bindings: []*funcapp.Binding{
			{Type: "mcpToolTrigger", Direction: "in", Name: "context", ToolName: "put", Description: ptr("Store an item's text under its key."),
				Properties: []funcapp.ToolProperty{name, content}, UseResultSchema: true},
			{Type: "blob", Direction: "out", Name: "file", Path: "items/{mcptoolargs.key}.txt", Connection: "AzureWebJobsStorage"},
		}},
	}}
	app.Host.Extensions.MCP = funcapp.MCPOptions{ServerName: "Test server", ServerVersion: "9.9.9", Instructions: "Use the tools."}
	return app
}

// fakeWorker is the handler as a Worker: an httptest server, or an error
// when the handler is "down".
type fakeWorker struct {
	mu       sync.Mutex
	url      string
	down     error
	restarts int
}

// Restart records the request: the fake handler has no process.
func (f *fakeWorker) Restart() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.restarts++
}

func (f *fakeWorker) BaseURL(context.Context) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down != nil {
		return "", f.down
	}
	return f.url, nil
}

// received is one invocation as the fake handler saw it.
type received struct {
	Path   string
	Header http.Header
	// Request is the body as a handler reads it; Data and Metadata are
	// the body's maps as sent, every key kept.
	Request  *invoke.Request
	Data     map[string]json.RawMessage
	Metadata map[string]json.RawMessage
}

// fakeHandler answers invocations with answer (200 JSON by default) and
// records what it received.
type fakeHandler struct {
	t      testing.TB
	mu     sync.Mutex
	calls  []received
	answer func(w http.ResponseWriter, r *received)
	// record keeps what was received; benchmarks turn it off.
	record bool
}

func (h *fakeHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	require.NoError(h.t, err)
	req, err := invoke.ParseRequest(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rec := received{Path: r.URL.Path, Request: req}
	h.mu.Lock()
	record, answer := h.record, h.answer
	h.mu.Unlock()
	if record {
		rec.Header = r.Header.Clone()
		var wire struct {
			Data     map[string]json.RawMessage
			Metadata map[string]json.RawMessage
		}
		require.NoError(h.t, json.Unmarshal(body, &wire))
		rec.Data, rec.Metadata = wire.Data, wire.Metadata
		h.mu.Lock()
		h.calls = append(h.calls, rec)
		h.mu.Unlock()
	}
	if answer == nil {
		answer = func(w http.ResponseWriter, r *received) { writeAnswer(w, invoke.NewResponse()) }
	}
	answer(w, &rec)
}

func (h *fakeHandler) received() []received {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]received(nil), h.calls...)
}

func writeAnswer(w http.ResponseWriter, resp *invoke.Response) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(resp)
}

// env is one devhost Server with a fake handler and an in-memory store,
// served over HTTP.
type env struct {
	t       testing.TB
	srv     *Server
	http    *httptest.Server
	handler *fakeHandler
	worker  *fakeWorker
	store   *bindingtest.Store
	logs    *lines.Buffer
}

type envOption func(*Options)

func withKey(k string) envOption { return func(o *Options) { o.Key = k } }

func withFunctionTimeout(d time.Duration) envOption {
	return func(o *Options) { o.FunctionTimeout = d }
}

func newEnv(t testing.TB, app *funcapp.App, opts ...envOption) *env {
	t.Helper()
	e := &env{t: t, handler: &fakeHandler{t: t, record: true}, store: bindingtest.NewStore(), logs: &lines.Buffer{}}
	hs := httptest.NewServer(e.handler)
	t.Cleanup(hs.Close)
	e.worker = &fakeWorker{url: hs.URL}
	o := Options{
		Worker: e.worker,
		Blobs:  map[string]BlobStore{"AzureWebJobsStorage": e.store},
		Logger: newTestLogger(e.logs),
		Now:    func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
	}
	for _, f := range opts {
		f(&o)
	}
	srv, err := New(app, o)
	require.NoError(t, err)
	e.srv = srv
	e.http = httptest.NewServer(srv)
	t.Cleanup(func() {
		srv.Close()
		e.http.Close()
	})
	return e
}

// connect opens a go-sdk client session on the given transport.
func (e *env) connect(transport string, hc *http.Client) *mcp.ClientSession {
	e.t.Helper()
	if hc == nil {
		hc = e.http.Client()
	}
	var tr mcp.Transport
	switch transport {
	case TransportStreamable:
		tr = &mcp.StreamableClientTransport{Endpoint: e.http.URL + MCPPath, HTTPClient: hc}
	case TransportSSE:
		tr = &mcp.SSEClientTransport{Endpoint: e.http.URL + SSEPath, HTTPClient: hc}
	default:
		e.t.Fatalf("unknown transport %q", transport)
	}
	c := mcp.NewClient(&mcp.Implementation{Name: "unit-client", Version: "0.0.1"}, nil)
	cs, err := c.Connect(context.Background(), tr, nil)
	require.NoError(e.t, err)
	e.t.Cleanup(func() { _ = cs.Close() })
	return cs
}

var transports = []string{TransportStreamable, TransportSSE}

// textOf returns the single text block of a result.
func textOf(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	require.Len(t, res.Content, 1)
	tc, ok := res.Content[0].(*mcp.TextContent)
	require.True(t, ok, "content is %T", res.Content[0])
	return tc.Text
}

// headerTransport adds a header to every request.
type headerTransport struct {
	name, value string
	base        http.RoundTripper
}

func (h headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(h.name, h.value)
	return h.base.RoundTrip(r)
}

func newTestLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

var errStorageDown = errors.New("storage unreachable: dial tcp 127.0.0.1:10000: connect: connection refused")

// rawSession speaks JSON-RPC over Streamable HTTP by hand, for requests
// go-sdk's client never sends (a tools/call without arguments) and for
// checking status codes.
type rawSession struct {
	t      testing.TB
	url    string
	header http.Header
	id     string
	next   int
}

func (e *env) rawConnect(header http.Header) *rawSession {
	e.t.Helper()
	s := &rawSession{t: e.t, url: e.http.URL + MCPPath, header: header}
	resp, _ := s.post(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`)
	require.Equal(e.t, http.StatusOK, resp.StatusCode)
	s.id = resp.Header.Get("Mcp-Session-Id")
	require.NotEmpty(e.t, s.id)
	resp, _ = s.post(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	require.Equal(e.t, http.StatusAccepted, resp.StatusCode)
	return s
}

// post sends one message and returns the response and its body.
func (s *rawSession) post(msg string) (*http.Response, string) {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.url, strings.NewReader(msg))
	require.NoError(s.t, err)
	for k, v := range s.header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if s.id != "" {
		req.Header.Set("Mcp-Session-Id", s.id)
		req.Header.Set("Mcp-Protocol-Version", "2025-06-18")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(s.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(s.t, err)
	return resp, string(body)
}

// call sends a request and returns the JSON-RPC response message.
func (s *rawSession) call(method, params string) map[string]json.RawMessage {
	s.t.Helper()
	s.next++
	resp, body := s.post(`{"jsonrpc":"2.0","id":` + strconv.Itoa(s.next) + `,"method":"` + method + `","params":` + params + `}`)
	require.Equal(s.t, http.StatusOK, resp.StatusCode, body)
	// The answer is one SSE event, or plain JSON.
	for line := range strings.SplitSeq(body, "\n") {
		if data, ok := strings.CutPrefix(line, "data: "); ok {
			body = data
			break
		}
	}
	var msg map[string]json.RawMessage
	require.NoError(s.t, json.Unmarshal([]byte(body), &msg), body)
	return msg
}

// mustRich is invoke.RichReturn for results that always encode.
func mustRich(res invoke.CallToolResult) string {
	rv, err := invoke.RichReturn(res)
	if err != nil {
		panic(err)
	}
	return rv
}

// newAnswer is a plain tool's answer with text.
func newAnswer(text string) *invoke.Response {
	resp := invoke.NewResponse()
	resp.ReturnValue = text
	return resp
}
