package devhost

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/internal/blobstore"
	"remote-mcp-functions-go/internal/funcapp"
	"remote-mcp-functions-go/internal/guid"
	"remote-mcp-functions-go/internal/invoke"
)

// HostVersion is what devhost reports as the host version in
// X-Azure-Functions-HostVersion and User-Agent.
const HostVersion = "4.1000.0-devhost"

// Transport names the extension passes in transport.name.
const (
	TransportStreamable = "http-streamable"
	TransportSSE        = "http-sse"
)

// maxResponseBytes caps a handler's answer; the host has no such cap, but
// a runaway handler must not take devhost's memory with it.
const maxResponseBytes = 256 << 20

// tool is one function served as an MCP tool, with everything a call needs
// worked out once at start.
type tool struct {
	name            string
	function        string
	route           string // "/<function>"
	required        []string
	useResultSchema bool
	inputs          []blobBinding
	outputs         []blobBinding
	outputNames     []string // for DecodeResponse
	mcpTool         *mcp.Tool
	errorResult     string // "An error occurred invoking '<tool>'."
}

type blobBinding struct {
	name  string
	path  *funcapp.PathTemplate
	store BlobStore
}

// newTool prepares f's tool, or returns nil when f has no mcpToolTrigger.
func (s *Server) newTool(f *funcapp.Function) (*tool, error) {
	tr := f.ToolTrigger()
	if tr == nil {
		return nil, nil
	}
	t := &tool{
		name:            tr.ToolName,
		function:        f.Name,
		route:           "/" + f.Name,
		required:        tr.Required(),
		useResultSchema: tr.UseResultSchema,
		errorResult:     fmt.Sprintf("An error occurred invoking '%s'.", tr.ToolName),
	}
	desc := ""
	if tr.Description != nil {
		desc = *tr.Description
	}
	// A raw schema: go-sdk's low-level AddTool only checks that it is an
	// object schema and passes it to clients as it is; arguments are not
	// validated against it, as the extension does not validate them either.
	t.mcpTool = &mcp.Tool{Name: t.name, Description: desc, InputSchema: InputSchema(tr), Meta: tr.Meta}
	if tr.OutputSchemaJSON != nil {
		// Listed as it is, as the extension lists it (1.5.0 and later).
		t.mcpTool.OutputSchema = tr.OutputSchemaJSON
	}
	for _, dir := range []string{funcapp.In, funcapp.Out} {
		for _, b := range f.Blobs(dir) {
			p := b.Template
			if p == nil { // an app that was not loaded through funcapp
				var err error
				if p, err = funcapp.ParsePath(b.Path); err != nil {
					return nil, fmt.Errorf("%s: binding %q: %w", f.Path, b.Name, err)
				}
			}
			store := s.opts.Blobs[b.Connection]
			if store == nil {
				return nil, fmt.Errorf("%s: binding %q: no storage for connection %q", f.Path, b.Name, b.Connection)
			}
			bb := blobBinding{name: b.Name, path: p, store: store}
			if dir == funcapp.In {
				t.inputs = append(t.inputs, bb)
			} else {
				t.outputs = append(t.outputs, bb)
				t.outputNames = append(t.outputNames, b.Name)
			}
		}
	}
	return t, nil
}

// toolHandler runs a tools/call in the host's order. A missing required
// argument is a JSON-RPC error (-32602), as in the extension, checked before
// anything else; every later failure (a binding path that does not
// resolve, storage, the handler down or answering non-2xx or garbage, an
// unreadable ReturnValue) becomes the extension's generic isError result,
// with the reason in devhost's log.
func (s *Server) toolHandler(t *tool) mcp.ToolHandler {
	return func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		if !s.calls.enter() {
			return nil, &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: "devhost is stopping"}
		}
		defer s.calls.leave()
		args, err := parseArguments(req.Params.Arguments)
		if err != nil {
			return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: err.Error()}
		}
		if missing := missingRequired(t.required, args); len(missing) > 0 {
			return nil, &jsonrpc.Error{
				Code:    jsonrpc.CodeInvalidParams,
				Message: "One or more required tool properties are missing values. Please provide: " + strings.Join(missing, ", "),
			}
		}
		inv := &invoke.ToolInvocation{
			Function:  t.function,
			Tool:      t.name,
			Arguments: args,
			Now:       s.opts.Now(),
			RandGUID:  guid.New(),
		}
		describeTransport(ctx, req, inv)
		id := guid.New()
		start := time.Now()
		res, err := s.invokeWithTimeout(ctx, t, inv, id)
		if err != nil {
			// Never the headers, the arguments or contents: only what failed.
			s.log.Error("tool call failed; the client gets the generic tool error",
				"tool", t.name, "function", t.function, "invocation", id, "err", shorten(err.Error()))
			return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: t.errorResult}}}, nil
		}
		s.log.Debug("tool call", "tool", t.name, "invocation", id, "took", time.Since(start))
		return res, nil
	}
}

// parseArguments reads tools/call arguments; nil when the client sent none.
func parseArguments(raw json.RawMessage) (map[string]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var args map[string]json.RawMessage
	if err := json.Unmarshal(raw, &args); err != nil {
		return nil, errors.New("tool arguments must be a JSON object")
	}
	return args, nil
}

// missingRequired lists required properties that are absent or null.
func missingRequired(required []string, args map[string]json.RawMessage) []string {
	var missing []string
	for _, name := range required {
		v, ok := args[name]
		if !ok || string(bytes.TrimSpace(v)) == "null" {
			missing = append(missing, name)
		}
	}
	return missing
}

// describeTransport fills in what the extension tells the handler about
// the MCP session: transport, session id, client and request headers.
func describeTransport(ctx context.Context, req *mcp.CallToolRequest, inv *invoke.ToolInvocation) {
	if c := sseCallFrom(ctx); c != nil {
		// A message POST's headers do not reach the tool; the stream's are
		// the ones this session has.
		inv.Transport, inv.SessionID, inv.Headers = TransportSSE, c.sessionID, c.headers
	} else {
		inv.Transport = TransportStreamable
		if req.Extra != nil {
			inv.Headers = flatten(req.Extra.Header)
		}
		if req.Session != nil {
			inv.SessionID = req.Session.ID()
		}
	}
	if inv.Headers == nil {
		inv.Headers = map[string]string{}
	}
	if req.Session != nil {
		if p := req.Session.InitializeParams(); p != nil && p.ClientInfo != nil {
			inv.ClientInfo = &invoke.ClientInfo{Name: p.ClientInfo.Name, Version: p.ClientInfo.Version}
		}
	}
}

// errFunctionTimeout is an invocation that ran past host.json's
// functionTimeout.
var errFunctionTimeout = errors.New("function timeout")

// invokeWithTimeout runs the invocation within the function timeout, as
// the host does: on expiry the client gets the generic tool error and the
// handler process is restarted, since it may be stuck (Azure/azure-functions-host
// src/WebJobs.Script.WebHost/WebScriptHostExceptionHandler.cs
// OnTimeoutExceptionAsync @89dc438d: "A function timeout has occurred.
// Restarting worker process executing invocationId …").
func (s *Server) invokeWithTimeout(ctx context.Context, t *tool, inv *invoke.ToolInvocation, id string) (*mcp.CallToolResult, error) {
	if s.opts.FunctionTimeout <= 0 {
		return s.invoke(ctx, t, inv, id)
	}
	tctx, cancel := context.WithTimeoutCause(ctx, s.opts.FunctionTimeout, errFunctionTimeout)
	defer cancel()
	res, err := s.invoke(tctx, t, inv, id)
	if err != nil && errors.Is(context.Cause(tctx), errFunctionTimeout) && ctx.Err() == nil {
		s.log.Error(fmt.Sprintf("Timeout value of %s exceeded by function '%s' (Id: '%s'). Initiating cancellation.",
			formatTimeSpan(s.opts.FunctionTimeout), t.function, id))
		if r, ok := s.opts.Worker.(Restarter); ok {
			s.log.Warn(fmt.Sprintf("A function timeout has occurred. Restarting worker process executing invocationId '%s'.", id))
			r.Restart()
		}
		return nil, fmt.Errorf("%w after %v", errFunctionTimeout, s.opts.FunctionTimeout)
	}
	return res, err
}

// formatTimeSpan prints d as .NET prints a TimeSpan: [d.]hh:mm:ss, with
// seven digits of fraction when there is one.
func formatTimeSpan(d time.Duration) string {
	days, rest := d/(24*time.Hour), d%(24*time.Hour)
	s := fmt.Sprintf("%02d:%02d:%02d", rest/time.Hour, rest%time.Hour/time.Minute, rest%time.Minute/time.Second)
	if days > 0 {
		s = fmt.Sprintf("%d.%s", days, s)
	}
	if frac := rest % time.Second; frac > 0 {
		s += fmt.Sprintf(".%07d", frac/100)
	}
	return s
}

// invoke does steps 2–7 of a call: bind, read inputs, post, decode, write
// outputs, map the return value.
func (s *Server) invoke(ctx context.Context, t *tool, inv *invoke.ToolInvocation, id string) (*mcp.CallToolResult, error) {
	toolArgs := inv.ToolArgs()
	sys := inv.Sys()

	// The host binds every binding before the function runs, outputs
	// included: a path that does not resolve fails the call up front.
	outPaths := make([]blobLocation, len(t.outputs))
	for i, b := range t.outputs {
		loc, err := b.locate(toolArgs, sys)
		if err != nil {
			return nil, err
		}
		outPaths[i] = loc
	}
	if len(t.inputs) > 0 {
		inv.Inputs = make(map[string][]byte, len(t.inputs))
	}
	for _, b := range t.inputs {
		loc, err := b.locate(toolArgs, sys)
		if err != nil {
			return nil, err
		}
		data, found, err := b.store.Read(ctx, loc.container, loc.blob)
		if err != nil {
			return nil, fmt.Errorf("input %q: %w", b.name, err)
		}
		if found && data == nil {
			data = []byte{} // an empty blob is present, not missing
		}
		inv.Inputs[b.name] = data
	}

	body, err := invoke.NewToolRequest(inv)
	if err != nil {
		return nil, err
	}
	base, err := s.opts.Worker.BaseURL(ctx)
	if err != nil {
		return nil, fmt.Errorf("handler unavailable: %w", err)
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, base+t.route, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	hreq.Header = http.Header{
		"Content-Type":                   {"application/json; charset=utf-8"},
		"X-Azure-Functions-Invocationid": {id},
		"X-Azure-Functions-Hostversion":  {HostVersion},
		"User-Agent":                     {"Azure-Functions-Host/" + HostVersion},
	}
	resp, err := s.client.Do(hreq)
	if err != nil {
		return nil, fmt.Errorf("post to handler: %w", err)
	}
	respBody, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read handler answer: %w", err)
	}
	if len(respBody) > maxResponseBytes {
		return nil, fmt.Errorf("handler answer over %d bytes", maxResponseBytes)
	}
	hr, err := invoke.DecodeResponse(resp.StatusCode, resp.Header.Get("Content-Type"), respBody, t.outputNames)
	if err != nil {
		// The host drops a failed answer's Logs; its body may still say why.
		s.logFailedAnswer(t, id, respBody)
		return nil, err
	}
	for _, line := range hr.Logs {
		s.log.Debug("function log", "function", t.function, "invocation", id, "line", line)
	}

	for i, b := range t.outputs {
		data, ok := hr.Outputs[b.name]
		if !ok {
			continue
		}
		if err := b.store.Write(ctx, outPaths[i].container, outPaths[i].blob, data); err != nil {
			return nil, fmt.Errorf("output %q: %w", b.name, err)
		}
	}

	res, err := invoke.ToolResult(hr.ReturnValue, t.useResultSchema)
	if err != nil {
		return nil, err
	}
	return callToolResult(res)
}

// logFailedAnswer logs, at debug level, the error and log lines of a
// handler's non-2xx answer, when it has them (this app's handler sends
// {"error":…,"Logs":[…]}).
func (s *Server) logFailedAnswer(t *tool, id string, body []byte) {
	var failed struct {
		Error string   `json:"error"`
		Logs  []string `json:"Logs"`
	}
	if json.Unmarshal(body, &failed) != nil {
		return
	}
	for _, line := range failed.Logs {
		s.log.Debug("function log", "function", t.function, "invocation", id, "line", shorten(line))
	}
	if failed.Error != "" {
		s.log.Debug("handler's error", "function", t.function, "invocation", id, "error", shorten(failed.Error))
	}
}

type blobLocation struct{ container, blob string }

// locate resolves the binding's path from the invocation's binding data
// and checks it as the host's blob extension does before it calls storage.
func (b blobBinding) locate(args map[string]string, sys invoke.SysData) (blobLocation, error) {
	path, err := b.path.Resolve(func(e funcapp.Expr) (string, bool) {
		switch strings.ToLower(e.Source) {
		case "mcptoolargs":
			return invoke.LookupFold(args, e.Member)
		case "sys":
			switch strings.ToLower(e.Member) {
			case "methodname":
				return sys.MethodName, true
			case "utcnow":
				return sys.UtcNow, true
			case "randguid":
				return sys.RandGuid, true
			}
		}
		return "", false
	})
	if err != nil {
		return blobLocation{}, fmt.Errorf("binding %q: %w", b.name, err)
	}
	c, n, err := blobstore.SplitPath(path)
	if err == nil {
		err = blobstore.CheckName(c, n)
	}
	if err != nil {
		return blobLocation{}, fmt.Errorf("binding %q: %w", b.name, err)
	}
	return blobLocation{c, n}, nil
}

// shorten cuts a log value to a readable length: a client's argument can
// reach an error message (a name in a blob path), and a megabyte of it
// helps nobody.
func shorten(s string) string {
	const max = 512
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes in all)", s[:cut], len(s))
}
