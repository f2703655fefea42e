package devhost

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/mcpfunc/internal/binding"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
	"remote-mcp-functions-go/mcpfunc/internal/mcpext"
)

// prompt is one function served as an MCP prompt.
type prompt struct {
	function string
	name     string
	required []string
	blobs    []binding.Blob
}

// newPrompt prepares f's prompt, or returns nil when f has no
// mcpPromptTrigger.
func (s *Server) newPrompt(f *funcapp.Function) (*prompt, error) {
	tr := f.PromptTrigger()
	if tr == nil {
		return nil, nil
	}
	blobs, err := binding.FromFunction(f, s.opts.Blobs)
	if err != nil {
		return nil, err
	}
	p := &prompt{function: f.Name, name: tr.PromptName, required: tr.RequiredArguments(), blobs: blobs}
	mp := &mcp.Prompt{Name: tr.PromptName, Title: tr.Title, Meta: tr.Meta}
	if tr.Description != nil {
		mp.Description = *tr.Description
	}
	for _, a := range tr.Arguments {
		mp.Arguments = append(mp.Arguments, &mcp.PromptArgument{Name: a.Name, Title: a.Title, Description: a.Description, Required: a.Required})
	}
	s.mcp.AddPrompt(mp, func(context.Context, *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		return nil, mcpext.ErrFailed // getPrompts answers first
	})
	return p, nil
}

// getPrompts answers prompts/get as the extension does
// (McpPromptListener.cs, McpWebJobsBuilderExtensions.cs @cd0d1e8c): names
// matched case-insensitively, an unknown one -32602 "Unknown prompt:
// '<name>'"; a missing required argument -32602 "One or more required
// prompt arguments are missing values. Please provide: a, b" (extension
// 1.5.0); the function's failure -32603 "An error occurred.".
func (s *Server) getPrompts(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		r, ok := req.(*mcp.GetPromptRequest)
		if method != "prompts/get" || !ok || r.Params == nil {
			return next(ctx, method, req)
		}
		var p *prompt
		for _, c := range s.prompts {
			if strings.EqualFold(c.name, r.Params.Name) {
				p = c
			}
		}
		if p == nil {
			return nil, mcpext.Unknown("prompt", r.Params.Name)
		}
		var args map[string]json.RawMessage
		if r.Params.Arguments != nil {
			args = make(map[string]json.RawMessage, len(r.Params.Arguments))
			for k, v := range r.Params.Arguments {
				b, _ := json.Marshal(v) // a string always encodes
				args[k] = b
			}
		}
		if missing := mcpext.Missing(p.required, mcpext.PromptArguments(r.Params.Arguments)); len(missing) > 0 {
			return nil, mcpext.MissingPromptArguments(missing)
		}
		if !s.calls.enter() {
			return nil, errStopping
		}
		defer s.calls.leave()
		inv := &invoke.PromptInvocation{Invocation: s.newInvocation(ctx, req, p.function), Prompt: p.name, Arguments: args}
		out, id, err := timed(s, ctx, p.function, func(ctx context.Context, id string) (*mcp.GetPromptResult, error) {
			return s.getPrompt(ctx, p, inv, id)
		})
		if err != nil {
			s.logFailure("prompt failed; the client gets the extension's error", err, "prompt", p.name,
				"function", p.function, "invocation", id)
			return nil, mcpext.ErrFailed
		}
		return out, nil
	}
}

// getPrompt runs the function and maps its return value.
func (s *Server) getPrompt(ctx context.Context, p *prompt, inv *invoke.PromptInvocation, id string) (*mcp.GetPromptResult, error) {
	hr, err := s.run(ctx, p.function, id, p.blobs, binding.PromptData(inv.PromptArgs(), inv.Sys()), func(inputs map[string][]byte) ([]byte, error) {
		inv.Inputs = inputs
		return invoke.NewPromptRequest(inv)
	})
	if err != nil {
		return nil, err
	}
	res, err := invoke.PromptResult(hr.ReturnValue)
	if err != nil {
		return nil, err
	}
	// go-sdk's own decoder knows every content type a message may hold.
	b, err := json.Marshal(res)
	if err != nil {
		return nil, err
	}
	var out mcp.GetPromptResult
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("prompt result: %w", err)
	}
	return &out, nil
}
