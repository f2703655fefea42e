package devhost

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/url"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/mcpfunc/internal/binding"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
	"remote-mcp-functions-go/mcpfunc/internal/logval"
	"remote-mcp-functions-go/mcpfunc/internal/mcpext"
)

// resource is one function served as an MCP resource or resource template.
type resource struct {
	function string
	uri      string
	// template matches a requested URI, capturing each parameter; nil for
	// a static resource.
	template *funcapp.URITemplate
	mimeType string
	blobs    []binding.Blob
}

// newResource prepares f's resource, or returns nil when f has no
// mcpResourceTrigger.
func (s *Server) newResource(f *funcapp.Function) (*resource, error) {
	tr := f.ResourceTrigger()
	if tr == nil {
		return nil, nil
	}
	blobs, err := binding.FromFunction(f, s.opts.Blobs)
	if err != nil {
		return nil, err
	}
	r := &resource{function: f.Name, uri: tr.URI, mimeType: tr.MimeType, blobs: blobs}
	desc := ""
	if tr.Description != nil {
		desc = *tr.Description
	}
	if len(tr.TemplateParams()) == 0 {
		s.mcp.AddResource(&mcp.Resource{URI: tr.URI, Name: tr.ResourceName, Title: tr.Title, Description: desc, MIMEType: tr.MimeType, Meta: tr.Meta}, unreachableRead)
		return r, nil
	}
	r.template = funcapp.CompileURITemplate(tr.URI)
	s.mcp.AddResourceTemplate(&mcp.ResourceTemplate{URITemplate: tr.URI, Name: tr.ResourceName, Title: tr.Title, Description: desc, MIMEType: tr.MimeType, Meta: tr.Meta}, unreachableRead)
	return r, nil
}

// unreachableRead is registered so that go-sdk lists the resource;
// resources/read never reaches it (see readResources).
func unreachableRead(context.Context, *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
	return nil, mcpext.ErrFailed
}

// readResources answers resources/read as the extension does
// (DefaultResourceRegistry.TryGetResource @cd0d1e8c): a URI that is not
// absolute fails (-32603); an exact static match first, case-insensitive,
// then the templates in order (funcapp.ResourceTable, which the self
// hosting uses too); no match is -32602 "Unknown resource: '<uri>'"; the
// function's failure is -32603 "An error occurred.".
func (s *Server) readResources(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		r, ok := req.(*mcp.ReadResourceRequest)
		if method != "resources/read" || !ok || r.Params == nil {
			return next(ctx, method, req)
		}
		requested := r.Params.URI
		if u, err := url.Parse(requested); err != nil || !u.IsAbs() {
			s.log.Error("resource read failed: not an absolute URI", "uri", logval.Short(requested))
			return nil, mcpext.ErrFailed
		}
		res, params := s.matchResource(requested)
		if res == nil {
			return nil, mcpext.Unknown("resource", requested)
		}
		if !s.calls.enter() {
			return nil, errStopping
		}
		defer s.calls.leave()
		inv := &invoke.ResourceInvocation{Invocation: s.newInvocation(ctx, req, res.function), URI: requested, Params: params}
		out, id, err := timed(s, ctx, res.function, func(ctx context.Context, id string) (*mcp.ReadResourceResult, error) {
			return s.readResource(ctx, res, inv, id)
		})
		if err != nil {
			s.logFailure("resource read failed; the client gets the extension's error", err, "uri", logval.Short(requested),
				"function", res.function, "invocation", id)
			return nil, mcpext.ErrFailed
		}
		return out, nil
	}
}

// matchResource finds the resource a URI names, with a template's
// parameters, as the extension's registry does (funcapp.ResourceTable).
func (s *Server) matchResource(uri string) (*resource, map[string]string) {
	r, params, _ := s.byURI.Match(uri)
	return r, params
}

// readResource runs the function and maps its return value.
func (s *Server) readResource(ctx context.Context, r *resource, inv *invoke.ResourceInvocation, id string) (*mcp.ReadResourceResult, error) {
	hr, err := s.run(ctx, r.function, id, r.blobs, binding.ResourceData(inv.Params, inv.URI, inv.Sys()), func(inputs map[string][]byte) ([]byte, error) {
		inv.Inputs = inputs
		return invoke.NewResourceRequest(inv)
	})
	if err != nil {
		return nil, err
	}
	res, err := invoke.ResourceResult(hr.ReturnValue, inv.URI, r.mimeType)
	if err != nil {
		return nil, err
	}
	out := &mcp.ReadResourceResult{Contents: make([]*mcp.ResourceContents, 0, len(res.Contents))}
	for _, c := range res.Contents {
		rc := &mcp.ResourceContents{URI: c.URI}
		if c.MimeType != nil {
			rc.MIMEType = *c.MimeType
		}
		switch {
		case c.Blob != nil:
			if rc.Blob, err = base64.StdEncoding.DecodeString(*c.Blob); err != nil {
				return nil, fmt.Errorf("resource blob is not base64: %w", err)
			}
		case c.Text != nil:
			rc.Text = *c.Text
		}
		out.Contents = append(out.Contents, rc)
	}
	return out, nil
}
