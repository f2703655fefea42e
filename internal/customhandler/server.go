// Package customhandler is the HTTP server the Functions host talks to: it
// answers the host's readiness probe on GET / and one POST /<function> route
// per MCP tool, decoding the host's payload with package invoke and running
// the tool as plain Go.
//
// Every answer to a payload it understood is 200 with a JSON object (see
// respond.go, the one place where results and errors become responses);
// only a payload it cannot read gets a 4xx, and a bug a 500.
package customhandler

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"

	"remote-mcp-functions-go/internal/invoke"
	"remote-mcp-functions-go/internal/mcptool"
)

// Options configure the server. The zero value is usable.
type Options struct {
	// Logger receives one line per invocation and every tool log line.
	// Nil means slog.Default().
	Logger *slog.Logger
	// MaxBodyBytes caps a request body. The host repeats a tool's arguments
	// several times in one payload (the triple-encoded trigger, arguments,
	// mcptoolargs), each escaped, so the cap must be a generous multiple of
	// the largest argument. Zero means DefaultMaxBodyBytes.
	MaxBodyBytes int64
}

// DefaultMaxBodyBytes fits a 1 MiB argument in its worst-case escaping.
const DefaultMaxBodyBytes = 48 << 20

// New returns the handler's router for tools. Tool names must be unique
// route segments; a duplicate is a programming error and panics.
func New(tools []mcptool.Tool, opts Options) http.Handler {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	r := chi.NewRouter()
	r.Use(Recoverer(opts.Logger))
	r.Get("/", ready)
	r.Head("/", ready)
	seen := map[string]bool{}
	for _, t := range tools {
		if seen[t.Name] || t.Name == "" || t.Run == nil {
			panic(fmt.Sprintf("customhandler: bad or duplicate tool %q", t.Name))
		}
		seen[t.Name] = true
		r.Post("/"+t.Name, invocation(t, opts))
	}
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		writeStatus(w, http.StatusNotFound, "no function at "+r.URL.Path)
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		writeStatus(w, http.StatusMethodNotAllowed, r.Method+" is not allowed on "+r.URL.Path)
	})
	return r
}

// ready answers the host's readiness probe: any answer means ready.
func ready(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// invocation serves POST /<tool>.
func invocation(t mcptool.Tool, opts Options) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		log := invocationLog{opts.Logger, t.Name, r.Header.Get("X-Azure-Functions-InvocationId")}
		body, err := readBody(w, r, opts.MaxBodyBytes)
		if err != nil {
			log.logErr(slog.LevelWarn, "unreadable invocation body", "err", err.Error())
			writeStatus(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("invocation body unreadable or over %d bytes", opts.MaxBodyBytes))
			return
		}
		req, err := invoke.ParseRequest(body)
		if err != nil {
			log.logErr(slog.LevelWarn, "malformed invocation", "err", err.Error())
			writeStatus(w, http.StatusBadRequest, err.Error())
			return
		}
		resp := invoke.NewResponse()
		call := &mcptool.Call{Tool: t.Name}
		if len(t.Inputs) > 0 {
			call.Inputs = make(map[string]mcptool.Input, len(t.Inputs))
		}
		call.Log = func(msg string) {
			resp.Logs = append(resp.Logs, msg)
			log.log(slog.LevelInfo, msg)
		}
		call.Args, err = req.Arguments()
		if err != nil {
			log.logErr(slog.LevelWarn, "malformed invocation", "err", err.Error())
			writeStatus(w, http.StatusBadRequest, err.Error())
			return
		}
		for _, name := range t.Inputs {
			text, present, single := req.Input(name)
			if single {
				call.Logf("input %q arrived encoded once, not twice as the host encodes strings; read as is", name)
			}
			call.Inputs[name] = mcptool.Input{Text: text, Present: present}
		}
		res, err := t.Run(r.Context(), call)
		respond(w, log, t, resp, res, err)
	}
}

// readBody reads the body up to limit bytes, in one allocation when the
// host sends a Content-Length (it does).
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	var buf bytes.Buffer
	if n := r.ContentLength; n > 0 && n <= limit {
		buf.Grow(int(n) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit))
	return buf.Bytes(), err
}
