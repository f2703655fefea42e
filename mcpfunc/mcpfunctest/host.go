package mcpfunctest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"remote-mcp-functions-go/mcpfunc"
	"remote-mcp-functions-go/mcpfunc/internal/apphook"
	"remote-mcp-functions-go/mcpfunc/internal/binding"
	"remote-mcp-functions-go/mcpfunc/internal/binding/bindingtest"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/funcgen"
	"remote-mcp-functions-go/mcpfunc/internal/guid"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
	"remote-mcp-functions-go/mcpfunc/internal/mcpext"
	"remote-mcp-functions-go/mcpfunc/internal/verify"
)

// Host runs an app's functions in process, as the Functions host and its
// MCP extension run them in the trigger hosting: each call is checked as
// the extension checks it, its blob inputs are read from an in-memory
// storage, the request is encoded as the host encodes it and served by
// the app's own handler (the one [mcpfunc.Start] serves), and the answer
// is read as the host reads it: outputs written to the storage, the
// return value mapped to what an MCP client gets. Nothing listens and
// nothing runs in the background.
//
// One in-memory storage stands for every storage connection the app
// names: its blob bindings and [mcpfunc.Call.Storage] alike. A Host is
// safe for concurrent use.
type Host struct {
	t         testing.TB
	handler   http.Handler
	store     *bindingtest.Store
	tools     map[string]*function
	prompts   []*function
	resources funcapp.ResourceTable[*function]
	probes    []verify.Probe

	mu   sync.Mutex
	logs []string
}

// function is one function of the app as the host reads its function.json.
type function struct {
	name            string // the function's folder and route
	mcpName         string // the tool's or the prompt's name
	required        []string
	useResultSchema bool
	mimeType        string
	blobs           []binding.Blob
}

// New returns a Host for app. A declaration the library refuses fails the
// test, with the message [mcpfunc.Start] would stop the handler with. The
// test's log gets the handler's warnings, the functions' log lines and why
// a call failed where the client only learns that it did. Outside a test
// (an Example), t may be nil: then a refused declaration panics and the
// log is dropped.
func New(t testing.TB, app *mcpfunc.App) *Host {
	if t == nil {
		t = noTest{}
	}
	t.Helper()
	h, err := newHost(t, app)
	if err != nil {
		t.Fatalf("mcpfunctest: %v", err)
	}
	return h
}

func newHost(t testing.TB, app *mcpfunc.App) (*Host, error) {
	a, err := apphook.Of(app)
	if err != nil {
		return nil, err
	}
	h := &Host{t: t, store: bindingtest.NewStore(), tools: map[string]*function{}, probes: a.Probes}
	store := func(string) (decl.Store, error) { return h.store, nil }
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if h.handler, err = a.Handler(log, store); err != nil {
		return nil, err
	}
	// What the host knows of each function is its function.json: read
	// the generated files, as the host reads them from functions/.
	files, err := funcgen.Files(a.Functions)
	if err != nil {
		return nil, err
	}
	for path, data := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(path, funcgen.FunctionsDir+"/"), "/function.json")
		f, err := funcapp.ParseFunction(name, path, data)
		if err != nil {
			return nil, err
		}
		if err := h.add(f); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// add prepares f's trigger and bindings.
func (h *Host) add(f *funcapp.Function) error {
	stores := map[string]binding.Store{}
	for _, b := range f.Bindings {
		stores[b.Connection] = h.store
	}
	blobs, err := binding.FromFunction(f, stores)
	if err != nil {
		return err
	}
	fn := &function{name: f.Name, blobs: blobs}
	switch {
	case f.ToolTrigger() != nil:
		tr := f.ToolTrigger()
		fn.mcpName, fn.required, fn.useResultSchema = tr.ToolName, tr.Required(), tr.UseResultSchema
		h.tools[tr.ToolName] = fn
	case f.PromptTrigger() != nil:
		tr := f.PromptTrigger()
		fn.mcpName, fn.required = tr.PromptName, tr.RequiredArguments()
		h.prompts = append(h.prompts, fn)
	case f.ResourceTrigger() != nil:
		tr := f.ResourceTrigger()
		fn.mimeType = tr.MimeType
		h.resources.Add(tr.URI, fn)
	}
	return nil
}

// Result is what an MCP client gets of a tools/call.
type Result struct {
	// Text is the result's text: the function's text, or the message of
	// an error it returned.
	Text string
	// IsError is true when the call failed: the function returned an
	// error, or the host could not run it (then Text is the extension's
	// generic "An error occurred invoking '<tool>'." and the test's log
	// says why).
	IsError bool
	// Structured is the structured content of a tool whose output is a
	// struct; nil otherwise.
	Structured json.RawMessage
	// Links are the result's resource links (the output's Links method),
	// as the client gets them.
	Links []mcpfunc.Link
}

// CallTool calls a tool with args, the arguments object: a map, a struct,
// or a json.RawMessage sent as it is written; nil sends none.
//
// The error is what the extension answers before any function runs, a
// *jsonrpc.Error (package github.com/modelcontextprotocol/go-sdk/jsonrpc)
// as an MCP client gets it: -32602 for an unknown tool, arguments that
// are not an object, or a required argument that is missing or null.
// Everything after that is in the Result.
func (h *Host) CallTool(name string, args any) (Result, error) {
	h.t.Helper()
	fn := h.tools[name]
	if fn == nil {
		return Result{}, mcpext.Unknown("tool", name)
	}
	raw, err := encodeArgs(args)
	if err != nil {
		return Result{}, err
	}
	if raw, err = mcpext.Arguments(raw); err != nil {
		return Result{}, err
	}
	if missing := mcpext.Missing(fn.required, raw); len(missing) > 0 {
		return Result{}, mcpext.MissingToolArguments(missing)
	}
	var argMap map[string]json.RawMessage
	if raw != nil {
		if err := json.Unmarshal(raw, &argMap); err != nil {
			return Result{}, err
		}
	}
	inv := &invoke.ToolInvocation{Invocation: newInvocation(fn.name), Tool: fn.mcpName, Arguments: argMap}
	failed := Result{IsError: true, Text: mcpext.ToolFailed(fn.mcpName)}
	hr, err := h.run(fn, binding.ToolData(inv.ToolArgs(), inv.Sys()), func(inputs map[string][]byte) ([]byte, error) {
		inv.Inputs = inputs
		return invoke.NewToolRequest(inv)
	})
	if err != nil {
		h.t.Logf("mcpfunctest: tool %s failed; the client gets the extension's generic error: %v", name, err)
		return failed, nil
	}
	res, err := invoke.ToolResult(hr.ReturnValue, fn.useResultSchema)
	if err != nil {
		h.t.Logf("mcpfunctest: tool %s: the extension cannot read the answer: %v", name, err)
		return failed, nil
	}
	out := Result{IsError: res.IsError, Structured: res.StructuredContent}
	var texts []string
	for _, c := range res.Content {
		switch c.Type {
		case "text":
			texts = append(texts, c.Text)
		case "resource_link":
			var l struct {
				URI         string `json:"uri"`
				Name        string `json:"name"`
				Description string `json:"description"`
				MimeType    string `json:"mimeType"`
			}
			if err := json.Unmarshal(c.Raw, &l); err != nil {
				return Result{}, fmt.Errorf("mcpfunctest: tool %s: a resource link: %w", name, err)
			}
			out.Links = append(out.Links, mcpfunc.Link(l))
		}
	}
	out.Text = strings.Join(texts, "\n")
	return out, nil
}

// encodeArgs is a tool call's arguments as JSON.
func encodeArgs(args any) (json.RawMessage, error) {
	if args == nil {
		return nil, nil
	}
	b, err := json.Marshal(args)
	if err != nil {
		return nil, fmt.Errorf("mcpfunctest: the arguments do not encode: %w", err)
	}
	return b, nil
}

// ReadResource reads the resource at uri and returns its text.
//
// The error is the extension's, a *jsonrpc.Error: -32602 for a URI no
// resource or template matches, and -32603 "An error occurred." for a
// failed read, the function's *mcpfunc.Error included (the extension
// passes on no message of a resource's; the test's log has it).
func (h *Host) ReadResource(uri string) (string, error) {
	h.t.Helper()
	if u, err := url.Parse(uri); err != nil || !u.IsAbs() {
		h.t.Logf("mcpfunctest: resource %q: not an absolute URI", uri)
		return "", mcpext.ErrFailed
	}
	fn, params, ok := h.resources.Match(uri)
	if !ok {
		return "", mcpext.Unknown("resource", uri)
	}
	inv := &invoke.ResourceInvocation{Invocation: newInvocation(fn.name), URI: uri, Params: params}
	hr, err := h.run(fn, binding.ResourceData(inv.Params, inv.URI, inv.Sys()), func(inputs map[string][]byte) ([]byte, error) {
		inv.Inputs = inputs
		return invoke.NewResourceRequest(inv)
	})
	if err == nil {
		var res *invoke.ReadResourceResult
		if res, err = invoke.ResourceResult(hr.ReturnValue, uri, fn.mimeType); err == nil {
			var text strings.Builder
			for _, c := range res.Contents {
				if c.Text != nil {
					text.WriteString(*c.Text)
				}
			}
			return text.String(), nil
		}
	}
	h.t.Logf("mcpfunctest: resource %s failed; the client gets the extension's error: %v", uri, err)
	return "", mcpext.ErrFailed
}

// GetPrompt gets a prompt with args and returns the text of its message.
//
// The error is the extension's, a *jsonrpc.Error: -32602 for an unknown
// prompt or a required argument that is missing, and -32603 "An error
// occurred." for a failed prompt, the function's *mcpfunc.Error included
// (the test's log has it).
func (h *Host) GetPrompt(name string, args map[string]string) (string, error) {
	h.t.Helper()
	var fn *function
	for _, p := range h.prompts {
		if strings.EqualFold(p.mcpName, name) {
			fn = p
		}
	}
	if fn == nil {
		return "", mcpext.Unknown("prompt", name)
	}
	if missing := mcpext.Missing(fn.required, mcpext.PromptArguments(args)); len(missing) > 0 {
		return "", mcpext.MissingPromptArguments(missing)
	}
	var argMap map[string]json.RawMessage
	if args != nil {
		argMap = make(map[string]json.RawMessage, len(args))
		for k, v := range args {
			argMap[k], _ = json.Marshal(v) // a string always encodes
		}
	}
	inv := &invoke.PromptInvocation{Invocation: newInvocation(fn.name), Prompt: fn.mcpName, Arguments: argMap}
	hr, err := h.run(fn, binding.PromptData(inv.PromptArgs(), inv.Sys()), func(inputs map[string][]byte) ([]byte, error) {
		inv.Inputs = inputs
		return invoke.NewPromptRequest(inv)
	})
	if err == nil {
		var res *invoke.GetPromptResult
		if res, err = invoke.PromptResult(hr.ReturnValue); err == nil {
			var texts []string
			for _, m := range res.Messages {
				texts = append(texts, m.Content.Text)
			}
			return strings.Join(texts, "\n"), nil
		}
	}
	h.t.Logf("mcpfunctest: prompt %s failed; the client gets the extension's error: %v", name, err)
	return "", mcpext.ErrFailed
}

// Blob returns the blob container/name of the in-memory storage; found is
// false when there is none.
func (h *Host) Blob(container, name string) (data []byte, found bool) {
	return h.store.Get(container + "/" + name)
}

// SetBlob stores data as the blob container/name, as another writer would.
func (h *Host) SetBlob(container, name string, data []byte) {
	h.store.Set(container+"/"+name, append([]byte(nil), data...))
}

// FailStorage makes every operation of the in-memory storage fail with err
// from now on, until FailStorage(nil): the functions' own (through
// mcpfunc.Call.Storage), which get err, and the blob bindings', which fail
// the call as the host does. Pass mcpfunc.ErrUnconfirmed for an operation
// that storage did not answer, mcpfunc.ErrBadCursor for a refused cursor
// (wrapped with %w, to say more).
func (h *Host) FailStorage(err error) {
	h.store.FailReads(err)
	h.store.FailWrites(err)
}

// Logs returns the lines the app's functions logged (mcpfunc.Call.Logf),
// every call's so far, in order.
func (h *Host) Logs() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.logs...)
}

// newInvocation is a call of function in an MCP session, as the host
// describes it to the handler.
func newInvocation(function string) invoke.Invocation {
	return invoke.Invocation{
		Function:   function,
		SessionID:  "mcpfunctest",
		ClientInfo: &invoke.ClientInfo{Name: "mcpfunctest", Version: "1.0.0"},
		Transport:  "http-streamable",
		Headers:    map[string]string{"content-type": "application/json", "accept": "application/json, text/event-stream"},
		Now:        time.Now(),
		RandGUID:   guid.New(),
	}
}

// run is the host's part of an invocation: resolve the blob paths, read
// the inputs, encode the request, let the handler answer it, read the
// answer and write the outputs. Nothing is written unless the handler
// succeeded.
func (h *Host) run(fn *function, data binding.Data, encode func(inputs map[string][]byte) ([]byte, error)) (*invoke.HostResult, error) {
	h.t.Helper()
	ctx := context.Background()
	locs, err := binding.Resolve(fn.blobs, data)
	if err != nil {
		return nil, err
	}
	inputs, err := binding.ReadInputs(ctx, fn.blobs, locs)
	if err != nil {
		return nil, err
	}
	body, err := encode(inputs)
	if err != nil {
		return nil, err
	}
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/"+fn.name, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("X-Azure-Functions-InvocationId", guid.New())
	rec := httptest.NewRecorder()
	h.handler.ServeHTTP(rec, req)
	h.keepLogs(rec.Body.Bytes())
	var outputs []string
	for _, b := range fn.blobs {
		if b.Out {
			outputs = append(outputs, b.Name)
		}
	}
	hr, err := invoke.DecodeResponse(rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes(), outputs)
	if err != nil {
		return nil, err
	}
	if err := binding.WriteOutputs(ctx, fn.blobs, locs, hr.Outputs); err != nil {
		return nil, err
	}
	return hr, nil
}

// keepLogs keeps the function's log lines of an answer, which the handler
// sends whether the call succeeded or not.
func (h *Host) keepLogs(body []byte) {
	h.t.Helper()
	var answer struct {
		Logs []string `json:"Logs"`
	}
	_ = json.Unmarshal(body, &answer)
	for _, l := range answer.Logs {
		h.t.Logf("function log: %s", l)
	}
	h.mu.Lock()
	h.logs = append(h.logs, answer.Logs...)
	h.mu.Unlock()
}

// testWriter writes the handler's own warnings and errors to the test's
// log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Logf("handler: %s", bytes.TrimSuffix(p, []byte("\n")))
	return len(p), nil
}

// noTest stands in for a nil testing.TB: no log, and a panic where a test
// would fail.
type noTest struct{ testing.TB }

func (noTest) Helper()             {}
func (noTest) Logf(string, ...any) {}
func (noTest) Fatalf(format string, args ...any) {
	panic(fmt.Sprintf(format, args...))
}
