package devhost

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/mcpfunc/internal/binding"
	"remote-mcp-functions-go/mcpfunc/internal/bodylimit"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/guard"
	"remote-mcp-functions-go/mcpfunc/internal/mcpext"
)

// Paths of the MCP extension's webhook.
const (
	// MCPPath serves Streamable HTTP.
	MCPPath = "/runtime/webhooks/mcp"
	// SSEPath opens a legacy SSE stream.
	SSEPath = MCPPath + "/sse"
	// MessagePath takes the legacy SSE transport's messages.
	MessagePath = MCPPath + "/message"
)

// ProtocolVersions are the MCP versions devhost negotiates: those of the
// C# MCP SDK the extension is built on (0.4.0-preview.3). A client that
// offers a newer version is answered with the newest of these, as Azure
// would answer it, so what works here works there.
var ProtocolVersions = []string{"2025-06-18", "2025-03-26", "2024-11-05"}

// Worker is the running handler, as devhost reaches it.
type Worker interface {
	// BaseURL is http://127.0.0.1:<port>; it waits while the handler
	// restarts and fails when it does not come back.
	BaseURL(ctx context.Context) (string, error)
}

// BlobStore reads and writes the blobs of one storage connection.
type BlobStore = binding.Store

// Options configure a [Server].
type Options struct {
	// Worker is where tool calls go. Required.
	Worker Worker
	// Blobs holds a store per connection setting name (a binding's
	// "connection"). Every connection a binding names must be here.
	Blobs map[string]binding.Store
	// Key, when not empty, is required on every MCP request, in the
	// x-functions-key header or the code query parameter, like the system
	// key mcp_extension on Azure. Empty means no key, like func start.
	Key string
	// CORS lets browser pages on other origins call the endpoint, as
	// local.settings.json's Host.CORS does under func start (see
	// [NewCORS]). Nil means no CORS: no preflight is answered.
	CORS *CORS
	// Logger receives one line per failed call and the handler's Logs at
	// debug level. Nil means slog.Default().
	Logger *slog.Logger
	// HandlerClient posts invocations to the handler. Nil means a client
	// with a keep-alive pool sized for parallel calls: with the default
	// transport's 2 idle connections per host, concurrent calls would
	// open a connection each.
	HandlerClient *http.Client
	// MaxMessageBytes caps one MCP request body: a larger Content-Length
	// is refused (413) before a byte is read. An app takes 1 MiB of
	// content by default (App.MaxContentBytes), which JSON escaping can
	// double or more. Zero means
	// 16 MiB.
	MaxMessageBytes int64
	// MaxBodiesBytes bounds the bytes of request bodies held at once,
	// however many requests send them (package bodylimit). Zero means
	// bodylimit.DefaultBudget(MaxMessageBytes): 32 MiB for the default
	// cap.
	MaxBodiesBytes int64
	// SessionTimeout closes Streamable HTTP sessions idle for that long,
	// so clients that never say goodbye do not pile up. Zero means 1h.
	SessionTimeout time.Duration
	// MaxSessions bounds the Streamable HTTP sessions kept at once: a new
	// one closes the least recently used (sessions.go). Zero means
	// DefaultMaxSessions.
	MaxSessions int
	// FunctionTimeout bounds one invocation, as host.json's functionTimeout
	// does in the host (see funcapp.Host.FunctionTimeout): past it the
	// client gets the generic tool error and, when Worker is a Restarter,
	// the handler is restarted. Zero means no limit.
	FunctionTimeout time.Duration
	// Now is the clock for {sys.UtcNow}; nil means time.Now. Tests pin it.
	Now func() time.Time
}

// Restarter is a Worker that can replace a stuck handler process.
type Restarter interface {
	// Restart stops the current handler process; a new one takes its place.
	Restart()
}

// Server is the MCP side of the host for one function app: an
// http.Handler serving the MCP extension's webhook paths.
type Server struct {
	opts       Options
	log        *slog.Logger
	client     *http.Client
	keys       guard.Key
	mcp        *mcp.Server
	streamable http.Handler
	sse        *sseHandler
	tools      []*tool
	resources  []*resource
	prompts    []*prompt
	calls      inflight
	bodies     *bodylimit.Budget
	sessions   *sessionCap
	byURI      funcapp.ResourceTable[*resource]

	// streams is canceled by Close; every GET stream ends with it.
	streams     context.Context
	closeStream context.CancelFunc
}

// New builds the MCP server for app: one tool, resource or prompt per MCP
// trigger, each wired to its function and bindings. It fails when a binding names a
// connection without a store.
func New(app *funcapp.App, opts Options) (*Server, error) {
	if opts.Worker == nil {
		return nil, errors.New("devhost: no worker")
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.MaxMessageBytes <= 0 {
		opts.MaxMessageBytes = 16 << 20
	}
	if opts.MaxBodiesBytes <= 0 {
		opts.MaxBodiesBytes = bodylimit.DefaultBudget(opts.MaxMessageBytes)
	}
	if opts.SessionTimeout <= 0 {
		opts.SessionTimeout = time.Hour
	}
	if opts.MaxSessions <= 0 {
		opts.MaxSessions = DefaultMaxSessions
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		opts:   opts,
		log:    opts.Logger,
		client: opts.HandlerClient,
		keys:   guard.NewKey(opts.Key),
		bodies: bodylimit.NewBudget(opts.MaxBodiesBytes),
	}
	s.streams, s.closeStream = context.WithCancel(context.Background())
	if s.client == nil {
		s.client = newHandlerClient()
	}

	mo := app.Host.Extensions.MCP
	impl := &mcp.Implementation{Name: mo.ServerName, Version: mo.ServerVersion}
	if impl.Name == "" {
		impl.Name = funcapp.DefaultServerName
	}
	if impl.Version == "" {
		impl.Version = funcapp.DefaultServerVersion
	}
	s.mcp = mcp.NewServer(impl, &mcp.ServerOptions{
		Instructions: mo.Instructions,
		// As the extension advertises them (protocol.go).
		Capabilities:              mcpext.Capabilities(),
		SupportedProtocolVersions: ProtocolVersions,
	})

	known := map[string]bool{}
	for _, f := range app.Functions {
		t, err := s.newTool(f)
		if err != nil {
			return nil, err
		}
		if t != nil {
			s.tools = append(s.tools, t)
			known[t.name] = true
			s.mcp.AddTool(t.mcpTool, s.toolHandler(t))
		}
		r, err := s.newResource(f)
		if err != nil {
			return nil, err
		}
		if r != nil {
			s.resources = append(s.resources, r)
			s.byURI.Add(r.uri, r)
		}
		p, err := s.newPrompt(f)
		if err != nil {
			return nil, err
		}
		if p != nil {
			s.prompts = append(s.prompts, p)
		}
	}
	s.mcp.AddReceivingMiddleware(mcpext.UnknownTool(known), s.readResources, s.getPrompts)
	s.mcp.AddReceivingMiddleware(extensionProtocol())

	s.streamable = mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s.mcp }, &mcp.StreamableHTTPOptions{
		SessionTimeout:      opts.SessionTimeout,
		MaxRequestBodyBytes: opts.MaxMessageBytes,
	})
	s.sse = newSSEHandler(s.mcp, MessagePath, opts.MaxMessageBytes, &s.calls)
	s.sessions = newSessionCap(s.mcp, opts.MaxSessions, s.log)
	return s, nil
}

// FunctionInfo describes one function as devhost serves it.
type FunctionInfo struct {
	Function string   // folder name: the handler route
	Kind     string   // tool, resource, resource template or prompt
	Name     string   // the tool's or prompt's name, the resource's URI
	Inputs   []string // blob input paths
	Outputs  []string // blob output paths
}

// Functions lists the app's functions: tools, resources, prompts.
func (s *Server) Functions() []FunctionInfo {
	var out []FunctionInfo
	add := func(function, kind, name string, blobs []binding.Blob) {
		fi := FunctionInfo{Function: function, Kind: kind, Name: name}
		for _, b := range blobs {
			if b.Out {
				fi.Outputs = append(fi.Outputs, b.Path.String())
			} else {
				fi.Inputs = append(fi.Inputs, b.Path.String())
			}
		}
		out = append(out, fi)
	}
	for _, t := range s.tools {
		add(t.function, "tool", t.name, t.blobs)
	}
	for _, r := range s.resources {
		kind := "resource"
		if r.template != nil {
			kind = "resource template"
		}
		add(r.function, kind, r.uri, r.blobs)
	}
	for _, p := range s.prompts {
		add(p.function, "prompt", p.name, p.blobs)
	}
	return out
}

// ServeHTTP serves the webhook. In order: cross-site and DNS-rebinding
// requests get 403; CORS preflights are answered and CORS headers set (when
// Options.CORS is set, before the key check, as under func start and on
// Azure); requests without a valid key (when one is set) get 401; then
// …/sse and …/message go to the legacy SSE transport and every other path
// under /runtime/webhooks/mcp to Streamable HTTP, as the extension routes
// them. GET / says what this is. Each 403 and 401 is logged with its
// reason.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if reason := crossSite(r, s.opts.CORS); reason != "" {
		s.refuse(w, r, http.StatusForbidden, reason)
		return
	}
	if s.opts.CORS.apply(w, r) {
		return
	}
	path := r.URL.Path
	if path != MCPPath && !strings.HasPrefix(path, MCPPath+"/") {
		if path == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = fmt.Fprintf(w, "devhost: a development stand-in for the Azure Functions host, not a production host.\nMCP (Streamable HTTP): %s\nMCP (legacy SSE): %s\n", MCPPath, SSEPath)
			return
		}
		http.NotFound(w, r)
		return
	}
	trimmed := strings.ToLower(strings.TrimSuffix(path, "/"))
	isSSE := strings.HasSuffix(trimmed, "/sse")
	isMessage := strings.HasSuffix(trimmed, "/message")
	if ok, reason := s.keys.Check(r); !ok {
		if !isMessage || !s.sse.live(r.URL.Query().Get(sessionQuery)) {
			if isMessage {
				reason += ", and ?" + sessionQuery + "= names no open SSE stream"
			}
			s.refuse(w, r, http.StatusUnauthorized, reason)
			return
		}
	}
	w, r, release, ok := s.front(w, r, !isSSE && !isMessage)
	if !ok {
		return
	}
	defer release()
	if r.Method == http.MethodGet {
		// Streams last as long as the client wants; end them when devhost
		// shuts down so the server can stop. Calls in flight are POSTs and
		// finish normally.
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		stop := context.AfterFunc(s.streams, cancel)
		defer stop()
		r = r.WithContext(ctx)
	}
	switch {
	case isSSE:
		s.sse.serveStream(w, r)
	case isMessage:
		s.sse.serveMessage(w, r)
	default:
		s.sessions.serve(w, r, s.streamable)
	}
}

// Drain refuses new tool calls and waits until the calls in flight have
// been answered, or ctx ends. Their answers still reach the clients: on
// the legacy SSE transport they travel on the open stream, which Drain
// leaves open.
func (s *Server) Drain(ctx context.Context) error { return s.calls.drain(ctx) }

// Close ends the open streams (SSE sessions and Streamable HTTP GET
// streams), so that http.Server.Shutdown can finish. Call it once Drain
// returns: a call whose answer is still to come on an SSE stream would
// lose it.
func (s *Server) Close() {
	s.closeStream()
}

// Shutdown is Drain, then Close: what devhost does once http.Server's
// Shutdown has stopped new connections (register it with
// http.Server.RegisterOnShutdown).
func (s *Server) Shutdown(ctx context.Context) {
	if err := s.Drain(ctx); err != nil {
		s.log.Warn("stopping with tool calls still in flight", "err", err)
	} else {
		// An SSE client may drop a message that arrives together with the
		// end of its stream (go-sdk's does): give the last answers a moment
		// to be read before the streams end.
		select {
		case <-time.After(streamLinger):
		case <-ctx.Done():
		}
	}
	s.Close()
}

// streamLinger is how long streams stay open after the last answer.
const streamLinger = 500 * time.Millisecond

// newHandlerClient is the keep-alive pool to the handler: loopback only, no
// proxy, no compression (it would cost more than it saves on loopback).
func newHandlerClient() *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 128,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}}
}
