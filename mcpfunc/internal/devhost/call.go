package devhost

import (
	"context"
	"encoding/json"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/mcpfunc/internal/binding"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
	"remote-mcp-functions-go/mcpfunc/internal/mcpext"
)

// tool is one function served as an MCP tool, with everything a call needs
// worked out once at start.
type tool struct {
	name            string
	function        string
	required        []string
	useResultSchema bool
	blobs           []binding.Blob
	mcpTool         *mcp.Tool
	errorResult     string // "An error occurred invoking '<tool>'."
}

// newTool prepares f's tool, or returns nil when f has no mcpToolTrigger.
func (s *Server) newTool(f *funcapp.Function) (*tool, error) {
	tr := f.ToolTrigger()
	if tr == nil {
		return nil, nil
	}
	blobs, err := binding.FromFunction(f, s.opts.Blobs)
	if err != nil {
		return nil, err
	}
	t := &tool{
		name:            tr.ToolName,
		function:        f.Name,
		required:        tr.Required(),
		useResultSchema: tr.UseResultSchema,
		blobs:           blobs,
		errorResult:     mcpext.ToolFailed(tr.ToolName),
	}
	desc := ""
	if tr.Description != nil {
		desc = *tr.Description
	}
	// A raw schema: go-sdk's low-level AddTool only checks that it is an
	// object schema and passes it to clients as it is; arguments are not
	// validated against it, as the extension checks only the required ones
	// (ToolInputSchema.cs @cd0d1e8c): the handler checks the rest.
	t.mcpTool = &mcp.Tool{Name: t.name, Description: desc, InputSchema: tr.ListedInputSchema(), Meta: tr.Meta}
	if tr.OutputSchemaJSON != nil {
		// Listed as it is, as the extension lists it (1.5.0 and later).
		t.mcpTool.OutputSchema = tr.OutputSchemaJSON
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
			return nil, errStopping
		}
		defer s.calls.leave()
		raw, err := mcpext.Arguments(req.Params.Arguments)
		if err != nil {
			return nil, err
		}
		if missing := mcpext.Missing(t.required, raw); len(missing) > 0 {
			return nil, mcpext.MissingToolArguments(missing)
		}
		var args map[string]json.RawMessage // for the payload, as the extension keeps them
		if raw != nil {
			if err := json.Unmarshal(raw, &args); err != nil {
				return nil, err
			}
		}
		inv := &invoke.ToolInvocation{Invocation: s.newInvocation(ctx, req, t.function), Tool: t.name, Arguments: args}
		start := time.Now()
		res, id, err := timed(s, ctx, t.function, func(ctx context.Context, id string) (*mcp.CallToolResult, error) {
			return s.callTool(ctx, t, inv, id)
		})
		if err != nil {
			// Never the headers, the arguments or contents: only what failed.
			s.logFailure("tool call failed; the client gets the generic tool error", err,
				"tool", t.name, "function", t.function, "invocation", id)
			return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: t.errorResult}}}, nil
		}
		s.log.Debug("tool call", "tool", t.name, "invocation", id, "took", time.Since(start))
		return res, nil
	}
}

// callTool does steps 2–7 of a tools/call: bind, read inputs, post,
// decode, write outputs (all in run), map the return value.
func (s *Server) callTool(ctx context.Context, t *tool, inv *invoke.ToolInvocation, id string) (*mcp.CallToolResult, error) {
	hr, err := s.run(ctx, t.function, id, t.blobs, binding.ToolData(inv.ToolArgs(), inv.Sys()), func(inputs map[string][]byte) ([]byte, error) {
		inv.Inputs = inputs
		return invoke.NewToolRequest(inv)
	})
	if err != nil {
		return nil, err
	}
	res, err := invoke.ToolResult(hr.ReturnValue, t.useResultSchema)
	if err != nil {
		return nil, err
	}
	return callToolResult(res)
}
