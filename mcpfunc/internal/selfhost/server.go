package selfhost

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/mcpfunc/internal/binding"
	"remote-mcp-functions-go/mcpfunc/internal/bodylimit"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/guard"
	"remote-mcp-functions-go/mcpfunc/internal/mcpext"
	"remote-mcp-functions-go/mcpfunc/internal/reqstate"
)

// Path is where the server answers MCP: the self-hosted samples' endpoint,
// https://<app>.azurewebsites.net/mcp on Azure (the profile removes the
// /api route prefix).
const Path = "/mcp"

// DefaultMaxMessageBytes caps one MCP request body unless
// Options.MaxMessageBytes says otherwise: devhost's cap, so that the same
// calls reach the tools in both hostings (an argument at the default 1 MiB content limit,
// escaped as JSON, is far below it).
const DefaultMaxMessageBytes = 16 << 20

// Options configure a [Server].
type Options struct {
	// Server is the serverInfo and instructions initialize answers.
	Server decl.ServerInfo
	// Stores holds a blob store per connection setting name (a blob
	// binding's connection, AzureWebJobsStorage unless it names another):
	// see [OpenStores]. Every connection a binding names must be here.
	Stores map[string]binding.Store
	// Store gives a function's Call the storage of a connection setting,
	// for what no binding does: the same accounts as Stores
	// (decl.Stores); nil gives none.
	Store func(connection string) (decl.Store, error)
	// Direct says the server faces clients itself, with no Functions host
	// in front (a local run without func): it then refuses cross-site and
	// DNS-rebinding requests, and requests without Key when Key is set.
	// Behind the host these are the host's job: keys, or built-in
	// authentication, and the app's CORS settings.
	Direct bool
	// Key, with Direct, is required on every request in the
	// x-functions-key header or the code query parameter, as the host
	// requires a function key on Azure. Ignored without Direct.
	Key string
	// Logger receives a line per refused request and per failed call, and
	// the functions' log lines. Nil means slog.Default().
	Logger *slog.Logger
	// MaxMessageBytes caps one request body: a larger Content-Length is
	// refused (413) before a byte is read. Zero means
	// DefaultMaxMessageBytes.
	MaxMessageBytes int64
	// MaxBodiesBytes bounds the bytes of request bodies held at once,
	// however many requests send them (package bodylimit). Zero means
	// bodylimit.DefaultBudget(MaxMessageBytes): 32 MiB for the default
	// cap.
	MaxBodiesBytes int64
	// Now is the clock for {sys.UtcNow} and for request states'
	// expiry; nil means time.Now.
	Now func() time.Time
	// StateKey seals the request states of confirmations (confirm.go,
	// package reqstate): at least 32 bytes of secret, the same on every
	// instance of the app (StateKeySetting). Nil means a random key of
	// this server's own, logged as such: a client's answer then confirms
	// nothing on another instance or after a restart, where it is refused
	// and the client must call again.
	StateKey []byte
}

// Server is the app as an MCP server: an http.Handler for [Path], with GET
// / answered for the host's readiness probe.
type Server struct {
	opts       Options
	log        *slog.Logger
	key        guard.Key
	mcp        *mcp.Server
	streamable http.Handler
	bodies     *bodylimit.Budget
	resources  funcapp.ResourceTable[*resource]
	states     *reqstate.Sealer
	// headerArgs is true when a tool takes arguments in headers, which
	// go-sdk reads from the message (bypass.go).
	headerArgs bool
	// completers are the declarations that complete (complete.go).
	completers map[mcp.CompleteReference]*completer
}

// New builds the server for fns. It fails when a declaration does not
// generate a valid function, or a binding names a connection without a
// store.
func New(fns decl.Functions, opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.MaxMessageBytes <= 0 {
		opts.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if opts.MaxBodiesBytes <= 0 {
		opts.MaxBodiesBytes = bodylimit.DefaultBudget(opts.MaxMessageBytes)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Server.Name == "" {
		return nil, errors.New("selfhost: the server needs a name")
	}
	s := &Server{opts: opts, log: opts.Logger, bodies: bodylimit.NewBudget(opts.MaxBodiesBytes)}
	if opts.Direct {
		s.key = guard.NewKey(opts.Key)
	}
	var err error
	key := opts.StateKey
	if key == nil {
		key = reqstate.NewKey()
		s.log.Info(StateKeySetting + " is not set: confirmations are sealed with a key of this process only, so an answer that reaches another instance, or this one after a restart, is refused and the client must call again")
	}
	if s.states, err = reqstate.New(key, opts.Now); err != nil {
		return nil, fmt.Errorf("selfhost: %s: %w", StateKeySetting, err)
	}
	if s.completers, err = completers(fns); err != nil {
		return nil, err
	}
	so := &mcp.ServerOptions{
		Instructions: opts.Server.Instructions,
		Capabilities: mcpext.Capabilities(), // the extension's, for the same listings in both hostings
	}
	if s.completers != nil {
		// go-sdk then adds "completions":{} to the capabilities
		// (mcp/server.go in go-sdk v1.8.0, (*Server).capabilities).
		so.CompletionHandler = s.complete
	}
	s.mcp = mcp.NewServer(&mcp.Implementation{Name: opts.Server.Name, Version: opts.Server.Version}, so)
	known := map[string]bool{}
	for _, t := range fns.Tools {
		if err := s.addTool(t); err != nil {
			return nil, err
		}
		known[t.Name] = true
	}
	for _, r := range fns.Resources {
		if err := s.addResource(r); err != nil {
			return nil, err
		}
	}
	for _, p := range fns.Prompts {
		if err := s.addPrompt(p); err != nil {
			return nil, err
		}
	}
	s.mcp.AddReceivingMiddleware(mcpext.UnknownTool(known), s.readResources)
	// A panic anywhere below fails its request only; every refusal is
	// logged once (refused.go).
	s.mcp.AddReceivingMiddleware(s.recoverCalls, s.logRefusals)
	// Last, so outermost: every other middleware sees the arguments the
	// client sent (bypass.go).
	s.mcp.AddReceivingMiddleware(restoreArguments)
	s.streamable = mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s.mcp }, &mcp.StreamableHTTPOptions{
		Stateless:           true,
		JSONResponse:        true,
		MaxRequestBodyBytes: opts.MaxMessageBytes,
		// Behind the host the Host header is the host's own (127.0.0.1);
		// go-sdk's check could only refuse a host that passed the
		// original Host on. Direct, package guard checks it, for every
		// path.
		DisableLocalhostProtection: true,
		// Cancels a call when the client goes away, for protocol
		// 2026-07-28; abandoned.go does it for the older versions.
		PropagateRequestCancellation: true,
		Logger:                       opts.Logger,
	})
	return s, nil
}

// ServeHTTP serves MCP at Path and the readiness answer at GET /. Direct,
// cross-site and DNS-rebinding requests get 403 and requests without the
// key (when one is set) 401, on every path; any other path 404; each
// logged with its reason.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.opts.Direct {
		if reason := (guard.Site{}).Refusal(r); reason != "" {
			s.refuse(w, r, http.StatusForbidden, reason)
			return
		}
	}
	switch {
	case r.URL.Path == Path:
		if ok, reason := s.key.Check(r); !ok {
			s.refuse(w, r, http.StatusUnauthorized, reason)
			return
		}
		s.serveMCP(w, withRequest(r))
	case r.URL.Path == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		// The host's readiness probe, and a person's browser: any answer
		// will do for the first, a pointer for the second.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = fmt.Fprintf(w, "%s: an MCP server (Streamable HTTP, stateless) at %s\n", s.opts.Server.Name, Path)
	default:
		s.refuse(w, r, http.StatusNotFound, "404 page not found: the MCP endpoint is "+Path)
	}
}

var _ http.Handler = (*Server)(nil)
