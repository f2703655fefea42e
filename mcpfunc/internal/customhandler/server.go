// Package customhandler is the HTTP server the Functions host talks to: it
// answers the host's readiness probe on GET / and one POST /<function> route
// per MCP tool, decoding the host's payload with package invoke and running
// the tool as plain Go.
//
// Every answer is a JSON object. A result, and any failure a tool with
// useResultSchema can show as isError, is 200; what the host can only
// show as its own generic error (a plain tool's failure, a resource's or
// a prompt's, a payload it cannot read, a panic) gets a non-2xx: the
// table in respond.go, the one place where results and errors become
// responses. Bodies are read within a byte budget before routing
// (bodies.go).
package customhandler

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"remote-mcp-functions-go/mcpfunc/internal/bodylimit"
	"remote-mcp-functions-go/mcpfunc/internal/capture"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/funcgen"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
)

// Options configure the server. The zero value is usable.
type Options struct {
	// Logger receives one line per invocation and every tool log line.
	// Nil means slog.Default().
	Logger *slog.Logger
	// Store gives a function's Call the storage of a connection setting,
	// for what no binding does (decl.Stores); nil gives none.
	Store func(connection string) (decl.Store, error)
	// MaxBodyBytes caps what is read of a request body. The host repeats a
	// tool's arguments four times in one payload, escaped up to nine times
	// over, so it must be sized from the tools' own limits with
	// invoke.MaxPayloadBytes: then every call within those limits, and
	// well beyond them, reaches its tool and gets the tool's own message.
	// A body whose Content-Length is over it is answered without being
	// read (one without a Content-Length is read to the end and
	// discarded), and a rich tool answers with its TooLarge message. Zero
	// means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// MaxBodiesBytes bounds the bytes of invocation bodies held at once,
	// however many arrive together (bodies.go). Zero means
	// bodylimit.DefaultBudget(MaxBodyBytes).
	MaxBodiesBytes int64
	// Capture, if not nil, records each invocation, redacted (package
	// capture; the app setting MCP_CAPTURE_DIR).
	Capture *capture.Recorder
}

// DefaultMaxBodyBytes fits 1 MiB of string arguments and 1 MiB of blob
// input in their worst-case encoding.
var DefaultMaxBodyBytes = invoke.MaxPayloadBytes(1<<20, 1<<20)

// New returns the handler's router for the app's functions. It fails when
// a declaration does not make a function the host could run (no handler,
// a bad name or schema, two functions in one folder): the checks the self
// hosting makes when it starts, so that the process does not start rather
// than fail each call.
func New(fns decl.Functions, opts Options) (http.Handler, error) {
	if _, err := funcgen.Files(fns); err != nil {
		return nil, fmt.Errorf("customhandler: %w", err)
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.MaxBodiesBytes <= 0 {
		opts.MaxBodiesBytes = bodylimit.DefaultBudget(opts.MaxBodyBytes)
	}
	r := chi.NewRouter()
	r.Use(Recoverer(opts.Logger), holdBodies(bodylimit.NewBudget(opts.MaxBodiesBytes), opts.MaxBodyBytes))
	if opts.Capture != nil {
		r.Use(record(opts.Capture, opts.Logger))
	}
	r.Get("/", ready)
	r.Head("/", ready)
	for _, t := range fns.Tools {
		r.Post("/"+t.Name, toolInvocation(t, opts))
	}
	for _, res := range fns.Resources {
		r.Post("/"+res.Name, resourceInvocation(res, opts))
	}
	for _, p := range fns.Prompts {
		r.Post("/"+p.Name, promptInvocation(p, opts))
	}
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		fail(w, newLog(opts.Logger, r, ""), nil, nil, fmt.Errorf("%w at %s", errNoFunction, r.URL.Path))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		fail(w, newLog(opts.Logger, r, ""), nil, nil, fmt.Errorf("%w: %s on %s", errMethod, r.Method, r.URL.Path))
	})
	return r, nil
}

// ready answers the host's readiness probe: any answer means ready.
func ready(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// target is what an invocation is for, as respond.go needs to know it.
type target struct {
	name string
	kind string // tool, resource or prompt
	// isError says the function can answer an isError result (a tool with
	// useResultSchema); others fail with a non-2xx, which the host turns
	// into its own error.
	isError  bool
	tooLarge string
}

func toolTarget(t *decl.Tool) *target {
	return &target{name: t.Name, kind: "tool", isError: !t.Plain, tooLarge: t.TooLarge}
}

// invocation is what every function's route does first: read and parse
// the body, and make the Call with the blob inputs it declares. ok is
// false when it already answered.
func invocation(w http.ResponseWriter, r *http.Request, opts Options, tg *target, blobs []decl.Blob) (req *invoke.Request, call *decl.Call, resp *invoke.Response, log invocationLog, ok bool) {
	log = newLog(opts.Logger, r, tg.name)
	resp = invoke.NewResponse()
	body, err := readBody(r.Body)
	if err != nil {
		fail(w, log, tg, resp, err)
		return nil, nil, nil, log, false
	}
	if req, err = invoke.ParseRequest(body); err != nil {
		fail(w, log, tg, resp, err)
		return nil, nil, nil, log, false
	}
	call = &decl.Call{Tool: tg.name, Store: opts.Store}
	call.Log = func(msg string) {
		resp.Logs = append(resp.Logs, msg)
		log.info(msg)
	}
	for _, b := range blobs {
		if b.Out {
			continue
		}
		if call.Inputs == nil {
			call.Inputs = map[string]decl.Input{}
		}
		text, present, single := req.Input(b.Name)
		if single {
			call.Logf("input %q arrived encoded once, not twice as the host encodes strings; read as is", b.Name)
		}
		call.Inputs[b.Name] = decl.Input{Text: text, Present: present}
	}
	return req, call, resp, log, true
}

// toolInvocation serves POST /<tool>.
func toolInvocation(t *decl.Tool, opts Options) http.HandlerFunc {
	tg := toolTarget(t)
	return func(w http.ResponseWriter, r *http.Request) {
		req, call, resp, log, ok := invocation(w, r, opts, tg, t.Blobs)
		if !ok {
			return
		}
		var err error
		if call.Args, err = req.Arguments(); err != nil {
			fail(w, log, tg, resp, err)
			return
		}
		// Only the path arguments' text is needed: the rest of
		// mcptoolargs, the arguments again, is not decoded.
		if names := t.PathArgs(); len(names) > 0 {
			call.PathArgs = req.ToolArgs(names...)
		}
		res, err := t.Run(r.Context(), call)
		if err != nil {
			fail(w, log, tg, resp, err)
			return
		}
		succeed(w, log, t, resp, res)
	}
}

// resourceInvocation serves POST /<resource function>: the contents as
// the extension's McpResourceResult envelope, with the requested URI and
// the declared mime type.
func resourceInvocation(res *decl.Resource, opts Options) http.HandlerFunc {
	tg := &target{name: res.Name, kind: "resource"}
	return func(w http.ResponseWriter, r *http.Request) {
		req, call, resp, log, ok := invocation(w, r, opts, tg, res.Blobs)
		if !ok {
			return
		}
		var rc invoke.ResourceContext
		if err := req.Trigger(&rc); err != nil {
			fail(w, log, tg, resp, err)
			return
		}
		read := decl.ResourceRead{URI: rc.URI, Params: map[string]string{}}
		for _, p := range res.Params() {
			// The binding data the host resolved the paths from.
			v, found := req.Metadata(p)
			if !found {
				fail(w, log, tg, resp, fmt.Errorf("%w: no template parameter %q in Metadata", invoke.ErrMalformed, p))
				return
			}
			read.Params[p] = v
		}
		text, err := res.Read(r.Context(), call, read)
		if err != nil {
			fail(w, log, tg, resp, err)
			return
		}
		var mime *string
		if res.MimeType != "" {
			mime = &res.MimeType
		}
		resp.ReturnResource(&invoke.ResourceContents{URI: rc.URI, MimeType: mime, Text: &text})
		writeResponse(w, http.StatusOK, resp)
	}
}

// promptInvocation serves POST /<prompt>: the text is the prompt, which
// the extension makes one user message.
func promptInvocation(p *decl.Prompt, opts Options) http.HandlerFunc {
	tg := &target{name: p.Name, kind: "prompt"}
	return func(w http.ResponseWriter, r *http.Request) {
		req, call, resp, log, ok := invocation(w, r, opts, tg, p.Blobs)
		if !ok {
			return
		}
		var err error
		if call.Args, err = req.Arguments(); err != nil {
			fail(w, log, tg, resp, err)
			return
		}
		if names := p.PathArgs(); len(names) > 0 {
			call.PathArgs = req.PromptArgs(names...)
		}
		text, err := p.Run(r.Context(), call)
		if err != nil {
			fail(w, log, tg, resp, err)
			return
		}
		resp.ReturnText(text)
		writeResponse(w, http.StatusOK, resp)
	}
}

// Routing failures.
var (
	errNoFunction = errors.New("no function")
	errMethod     = errors.New("method not allowed")
)
