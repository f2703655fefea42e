package selfhost

import (
	"context"
	"slices"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/mcpfunc/internal/decl"
)

// completer is one declaration's completion: the function, what it
// completes (a template's parameters or a prompt's arguments) and the
// function's name for the log.
type completer struct {
	kind, name string
	args       []string
	complete   decl.Completion
}

// completers collects the declarations that complete, keyed by their
// reference: "ref/resource" and the template as declared, or "ref/prompt"
// and the prompt's name. Nil when none does: the server then advertises
// no completions and go-sdk answers completion/complete with -32601, as
// the trigger hosting does.
func completers(fns decl.Functions) (map[mcp.CompleteReference]*completer, error) {
	var out map[mcp.CompleteReference]*completer
	add := func(ref mcp.CompleteReference, c *completer) {
		if out == nil {
			out = map[mcp.CompleteReference]*completer{}
		}
		out[ref] = c
	}
	for _, r := range fns.Resources {
		if r.Complete != nil {
			add(mcp.CompleteReference{Type: "ref/resource", URI: r.URI}, &completer{kind: "resource", name: r.Name, args: r.Params(), complete: r.Complete})
		}
	}
	for _, p := range fns.Prompts {
		if p.Complete == nil {
			continue
		}
		args, err := p.Arguments()
		if err != nil {
			return nil, err
		}
		c := &completer{kind: "prompt", name: p.Name, complete: p.Complete}
		for _, a := range args {
			c.args = append(c.args, a.Name)
		}
		add(mcp.CompleteReference{Type: "ref/prompt", Name: p.Name}, c)
	}
	return out, nil
}

// complete answers completion/complete (go-sdk has checked that ref and
// argument.name are there). A reference or an argument that nothing
// declared completes to no values, not an error: the MCP specification
// lets a server suggest nothing, and a client that asks about every
// argument it shows needs no error for the ones without suggestions. At
// most decl.MaxCompletions values go back, total counting all the
// function returned and hasMore saying some were cut. A failing
// function's error is answered as a failed prompts/get is.
func (s *Server) complete(ctx context.Context, req *mcp.CompleteRequest) (*mcp.CompleteResult, error) {
	p := req.Params
	ref := mcp.CompleteReference{Type: p.Ref.Type}
	switch p.Ref.Type {
	case "ref/resource":
		ref.URI = p.Ref.URI
	case "ref/prompt":
		ref.Name = p.Ref.Name
	}
	c := s.completers[ref]
	if c == nil || !slices.Contains(c.args, p.Argument.Name) {
		return &mcp.CompleteResult{Completion: mcp.CompletionResultDetails{Values: []string{}}}, nil
	}
	ctx, stop := untilAbandoned(ctx)
	defer stop()
	log := s.callLog(c.kind, c.name, s.invocation(c.name).RandGUID)
	call := &decl.Call{Tool: c.name, Log: log.line, Store: s.opts.Store}
	values, err := c.complete(ctx, call, p.Argument.Name, p.Argument.Value)
	if err != nil {
		return nil, logged(s.rpcFailed(log, err))
	}
	out := mcp.CompletionResultDetails{Values: values, Total: len(values)}
	if out.Values == nil {
		out.Values = []string{}
	}
	if len(values) > decl.MaxCompletions {
		out.Values, out.HasMore = values[:decl.MaxCompletions], true
	}
	return &mcp.CompleteResult{Completion: out}, nil
}
