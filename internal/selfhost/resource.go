package selfhost

import (
	"context"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/internal/binding"
	"remote-mcp-functions-go/internal/funcapp"
	"remote-mcp-functions-go/internal/funcgen"
	"remote-mcp-functions-go/internal/invoke"
	"remote-mcp-functions-go/internal/mcpfunc"
)

// addResource lists r as the extension lists its trigger (a resource, or a
// template when its URI has parameters) and serves its reads. go-sdk finds
// the resource a URI names (a template by RFC 6570 matching; anything else
// is -32602 "Resource not found"); the parameters are then taken as the
// declaration says, as the extension takes them (funcapp.URITemplate): raw,
// so a URI gives the same blob paths in both hostings.
func (s *Server) addResource(r *mcpfunc.Resource) error {
	fj, err := funcgen.ResourceJSON(r)
	fn, err := s.newFunction(r.Name, fj, err)
	if err != nil {
		return err
	}
	tr := fn.ResourceTrigger()
	desc := ""
	if tr.Description != nil {
		desc = *tr.Description
	}
	template := funcapp.CompileURITemplate(tr.URI)
	read := func(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
		return s.readResource(ctx, r, fn, template, req.Params.URI)
	}
	if len(tr.TemplateParams()) == 0 {
		s.mcp.AddResource(&mcp.Resource{URI: tr.URI, Name: tr.ResourceName, Title: tr.Title, Description: desc, MIMEType: tr.MimeType}, read)
		return nil
	}
	s.mcp.AddResourceTemplate(&mcp.ResourceTemplate{URITemplate: tr.URI, Name: tr.ResourceName, Title: tr.Title, Description: desc, MIMEType: tr.MimeType}, read)
	return nil
}

// readResource binds, reads the inputs and runs the function for one
// resources/read.
func (s *Server) readResource(ctx context.Context, r *mcpfunc.Resource, fn *function, template *funcapp.URITemplate, uri string) (*mcp.ReadResourceResult, error) {
	ctx, stop := untilAbandoned(ctx)
	defer stop()
	params, ok := template.Match(uri)
	if !ok {
		return nil, mcp.ResourceNotFoundError(uri)
	}
	inv := &invoke.ResourceInvocation{Invocation: s.invocation(fn.Name), URI: uri, Params: params}
	log := s.callLog("resource", r.Name, inv.RandGUID)
	call := &mcpfunc.Call{Tool: r.Name, Log: log.line}
	locs, err := binding.Resolve(fn.blobs, binding.ResourceData(params, uri, inv.Sys()))
	if err != nil {
		return nil, s.rpcFailed(log, &hostError{err})
	}
	if call.Inputs, err = readInputs(ctx, fn.blobs, locs); err != nil {
		return nil, s.rpcFailed(log, &hostError{err})
	}
	text, err := r.Read(ctx, call, mcpfunc.ResourceRead{URI: uri, Params: params})
	if err != nil {
		return nil, s.rpcFailed(log, err)
	}
	// The text goes around go-sdk's encoding (bypass.go).
	return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: uri, MIMEType: r.MimeType, Text: exchangeOf(ctx).text(text)}}}, nil
}
