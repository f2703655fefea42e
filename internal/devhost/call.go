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
	path  *PathTemplate
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
	for _, dir := range []string{funcapp.In, funcapp.Out} {
		for _, b := range f.Blobs(dir) {
			p, err := ParsePath(b.Path)
			if err != nil {
				return nil, fmt.Errorf("%s: binding %q: %w", f.Path, b.Name, err)
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
		res, err := s.invoke(ctx, t, inv, id)
		if err != nil {
			// Never the headers, the arguments or contents: only what failed.
			s.log.Error("tool call failed; the client gets the generic tool error",
				"tool", t.name, "function", t.function, "invocation", id, "err", err)
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

	raw, err := invoke.ToolResult(hr.ReturnValue, t.useResultSchema)
	if err != nil {
		return nil, err
	}
	return callToolResult(raw)
}

type blobLocation struct{ container, blob string }

func (b blobBinding) locate(args map[string]string, sys invoke.SysData) (blobLocation, error) {
	path, err := b.path.Resolve(args, sys)
	if err != nil {
		return blobLocation{}, fmt.Errorf("binding %q: %w", b.name, err)
	}
	c, n, err := blobstore.SplitPath(path)
	if err != nil {
		return blobLocation{}, fmt.Errorf("binding %q: %w", b.name, err)
	}
	return blobLocation{c, n}, nil
}
