package selfhost

import (
	"context"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/mcpfunc/internal/binding"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/funcgen"
	"remote-mcp-functions-go/mcpfunc/internal/mcpext"
)

// addPrompt lists p as the extension lists its trigger and serves
// prompts/get: the required arguments checked first, with the extension's
// message (go-sdk checks none), then the blob inputs read and the function
// run. Its text is one user message.
func (s *Server) addPrompt(p *decl.Prompt) error {
	fj, err := funcgen.PromptJSON(p)
	fn, err := s.newFunction(p.Name, fj, err)
	if err != nil {
		return err
	}
	tr := fn.PromptTrigger()
	mp := &mcp.Prompt{Name: tr.PromptName, Title: tr.Title, Meta: tr.Meta}
	if tr.Description != nil {
		mp.Description = *tr.Description
	}
	for _, a := range tr.Arguments {
		mp.Arguments = append(mp.Arguments, &mcp.PromptArgument{Name: a.Name, Title: a.Title, Description: a.Description, Required: a.Required})
	}
	required := tr.RequiredArguments()
	s.mcp.AddPrompt(mp, func(ctx context.Context, req *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		return s.getPrompt(ctx, p, fn, required, req.Params.Arguments)
	})
	return nil
}

func (s *Server) getPrompt(ctx context.Context, p *decl.Prompt, fn *function, required []string, given map[string]string) (*mcp.GetPromptResult, error) {
	ctx, stop := untilAbandoned(ctx)
	defer stop()
	args := mcpext.PromptArguments(given)
	missing, paths := mcpext.Prepare(args, required, p.PathArgs())
	if len(missing) > 0 {
		return nil, mcpext.MissingPromptArguments(missing)
	}
	inv := s.invocation(fn.Name)
	log := s.callLog("prompt", p.Name, inv.RandGUID)
	call := &decl.Call{Tool: p.Name, Args: args, PathArgs: paths, Log: log.line, Store: s.opts.Store}
	locs, err := binding.Resolve(fn.blobs, binding.PromptData(call.PathArgs, inv.Sys()))
	if err != nil {
		return nil, logged(s.rpcFailed(log, &hostError{err}))
	}
	if call.Inputs, err = readInputs(ctx, fn.blobs, locs); err != nil {
		return nil, logged(s.rpcFailed(log, &hostError{err}))
	}
	text, err := p.Run(ctx, call)
	if err != nil {
		return nil, logged(s.rpcFailed(log, err))
	}
	// The text goes around go-sdk's encoding (bypass.go).
	return &mcp.GetPromptResult{Messages: []*mcp.PromptMessage{{Role: "user", Content: &mcp.TextContent{Text: exchangeFrom(ctx).text(text)}}}}, nil
}
