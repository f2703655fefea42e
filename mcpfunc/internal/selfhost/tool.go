package selfhost

import (
	"context"
	"fmt"
	"log/slog"
	"slices"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/mcpfunc/internal/binding"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/funcgen"
	"remote-mcp-functions-go/mcpfunc/internal/guid"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
	"remote-mcp-functions-go/mcpfunc/internal/mcpext"
)

// tool is one declared tool, served.
type tool struct {
	decl     *decl.Tool
	fn       *function
	required []string
}

// addTool lists t as the extension lists its function.json's trigger, and
// serves its calls. go-sdk's low-level AddTool passes the arguments on as
// they came: the function decodes them (decl.Tool.Run), so a value of
// the wrong type gets the same message in both hostings.
func (s *Server) addTool(t *decl.Tool) error {
	fj, err := funcgen.FunctionJSON(t)
	fn, err := s.newFunction(t.Name, fj, err)
	if err != nil {
		return err
	}
	tr := fn.ToolTrigger()
	mt := &mcp.Tool{Name: tr.ToolName, InputSchema: tr.ListedInputSchema(), Meta: tr.Meta, Title: t.Title}
	// The self hosting's own: the extension lists neither a title nor
	// annotations (function.json has no place for them; docs/hostings.md).
	if a := t.Annotations; a != nil {
		destructive, openWorld := a.Destructive, a.OpenWorld
		mt.Annotations = &mcp.ToolAnnotations{
			ReadOnlyHint: a.ReadOnly, DestructiveHint: &destructive,
			IdempotentHint: a.Idempotent, OpenWorldHint: &openWorld,
		}
	}
	if tr.Description != nil {
		mt.Description = *tr.Description
	}
	if tr.OutputSchemaJSON != nil {
		mt.OutputSchema = tr.OutputSchemaJSON
	}
	s.headerArgs = s.headerArgs || headerArguments(mt.InputSchema)
	tl := &tool{decl: t, fn: fn, required: tr.Required()}
	s.mcp.AddTool(mt, func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return s.callTool(ctx, tl, req)
	})
	return nil
}

// callTool runs one tools/call in the host's order: the required
// arguments; the binding paths; the blob inputs; the function; the blob
// outputs, unless the client has gone.
//
// One step is the self hosting's own: before the function runs it learns
// what each output blob is (binding.Versions), and writes it only if it is
// still that. A call whose write reaches storage late, after another
// call's, then fails instead of overwriting the newer save; the host's
// output binding overwrites.
func (s *Server) callTool(ctx context.Context, t *tool, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	ctx, stop := untilAbandoned(ctx)
	defer stop()
	args, err := mcpext.Arguments(req.Params.Arguments)
	if err != nil {
		return nil, err
	}
	// The binding data the host would make of this call: of the
	// arguments, only the ones its paths name.
	missing, paths := mcpext.Prepare(args, t.required, t.decl.PathArgs())
	if len(missing) > 0 {
		return nil, mcpext.MissingToolArguments(missing)
	}
	inv := s.invocation(t.fn.Name)
	call := &decl.Call{Tool: t.decl.Name, Args: args, PathArgs: paths, Store: s.opts.Store}
	log := s.callLog("tool", t.decl.Name, inv.RandGUID)
	call.Log = log.line
	// A state the client sent back is checked before anything runs.
	confirm, err := s.confirmation(req, t.decl.Name, args, log)
	if err != nil {
		return nil, err
	}
	call.Ask = confirm.ask
	fail := func(err error) (*mcp.CallToolResult, error) {
		if ctx.Err() != nil {
			err = errAbandoned // whatever went wrong after, the client is gone
		}
		return s.toolFailed(log, t, err)
	}
	locs, err := binding.Resolve(t.fn.blobs, binding.ToolData(call.PathArgs, inv.Sys()))
	if err != nil {
		return fail(&hostError{err})
	}
	if call.Inputs, err = readInputs(ctx, t.fn.blobs, locs); err != nil {
		return fail(&hostError{err})
	}
	binding.Versions(ctx, t.fn.blobs, locs)
	res, err := t.decl.Run(ctx, call)
	if confirm.asking {
		// The function asked a question: the client answers it first.
		// Whatever the function returned, nothing is written.
		if err = ctx.Err(); err == nil {
			var out *mcp.CallToolResult
			if out, err = s.inputRequired(confirm); err == nil {
				return out, nil
			}
		}
		return fail(err)
	}
	if err != nil {
		return fail(err)
	}
	for name := range res.Outputs {
		if !slices.ContainsFunc(t.fn.blobs, func(b binding.Blob) bool { return b.Out && b.Name == name }) {
			return fail(fmt.Errorf("tool wrote undeclared output %s", name))
		}
	}
	if ctx.Err() != nil {
		// The function returned after its client went away: what it
		// would write now, nobody asked for any more. No write starts.
		return s.toolFailed(log, t, errAbandoned)
	}
	// From here the write goes on if the client leaves: once its request
	// has reached storage it cannot be called back, and cancelling it would
	// only lose its outcome. The storage budget bounds it.
	left := make(chan struct{})
	watch := context.AfterFunc(ctx, func() {
		log.at(slog.LevelWarn, "the client abandoned the call while its outputs were being written; the write goes on")
		close(left)
	})
	err = binding.WriteOutputs(context.WithoutCancel(ctx), t.fn.blobs, locs, res.Outputs)
	if !watch() {
		<-left
		if err == nil {
			log.at(slog.LevelWarn, "the outputs of the abandoned call were written")
		}
	}
	if err != nil {
		return s.toolFailed(log, t, &hostError{err})
	}
	x := exchangeFrom(ctx) // the values go around go-sdk's encoding (bypass.go)
	out := &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: x.text(res.Text)}}}
	if res.Structured != nil {
		out.StructuredContent = x.json(res.Structured)
	}
	for _, l := range res.Links {
		out.Content = append(out.Content, &mcp.ResourceLink{URI: l.URI, Name: l.Name, Description: l.Description, MIMEType: l.MimeType})
	}
	return out, nil
}

// invocation is what the host would know of a call to function: the sys
// binding data.
func (s *Server) invocation(function string) invoke.Invocation {
	return invoke.Invocation{Function: function, Now: s.opts.Now(), RandGUID: guid.New()}
}

// readInputs reads the blob inputs into a call's Inputs: a missing blob is
// not Present.
func readInputs(ctx context.Context, blobs []binding.Blob, locs []binding.Location) (map[string]decl.Input, error) {
	raw, err := binding.ReadInputs(ctx, blobs, locs)
	if err != nil {
		return nil, err
	}
	var in map[string]decl.Input
	for name, data := range raw {
		if in == nil {
			in = make(map[string]decl.Input, len(raw))
		}
		in[name] = decl.Input{Text: string(data), Present: data != nil}
	}
	return in, nil
}
