package selfhost

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/mcpfunc/internal/binding"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/funcgen"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
)

// resource is one declared resource, served.
type resource struct {
	decl *decl.Resource
	fn   *function
}

// addResource lists r as the extension lists its trigger (a resource, or a
// template when its URI has parameters) and serves its reads.
func (s *Server) addResource(r *decl.Resource) error {
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
	res := &resource{decl: r, fn: fn}
	s.resources.Add(tr.URI, res)
	read := func(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
		return s.readURI(ctx, req.Params.URI)
	}
	if len(tr.TemplateParams()) == 0 {
		s.mcp.AddResource(&mcp.Resource{URI: tr.URI, Name: tr.ResourceName, Title: tr.Title, Description: desc, MIMEType: tr.MimeType, Meta: tr.Meta}, read)
		return nil
	}
	s.mcp.AddResourceTemplate(&mcp.ResourceTemplate{URITemplate: tr.URI, Name: tr.ResourceName, Title: tr.Title, Description: desc, MIMEType: tr.MimeType, Meta: tr.Meta}, read)
	return nil
}

// readResources answers resources/read itself, before go-sdk looks the URI
// up: go-sdk matches templates by RFC 6570, case-sensitively, where the
// extension matches them its own way, literal text case-insensitively
// (funcapp.ResourceTable), so ITEM://name would read in one hosting
// only; and go-sdk's not-found error writes the URI with %q into its JSON
// data (mcp/resource.go ResourceNotFoundError @v1.8.0), which a control
// character makes invalid JSON: the answer was lost, HTTP 200 with an
// empty body.
func (s *Server) readResources(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		r, ok := req.(*mcp.ReadResourceRequest)
		if method != "resources/read" || !ok || r.Params == nil {
			return next(ctx, method, req)
		}
		res, err := s.readURI(ctx, r.Params.URI)
		if err == nil && r.ProtocolVersion() >= multiRoundTripVersion {
			res = complete(res)
		}
		return res, err
	}
}

// multiRoundTripVersion is the first protocol whose results say whether
// they are complete (resultType).
const multiRoundTripVersion = "2026-07-28"

// complete is res marked "resultType":"complete", as go-sdk marks the
// results it builds for a client at 2026-07-28 or later
// (handleMultiRoundTripResult, mcp/mrtr.go, v1.8.0). go-sdk keeps the
// field unexported and sets it only when it decodes a result, so it is
// set by decoding one.
func complete(res *mcp.ReadResourceResult) *mcp.ReadResourceResult {
	var c mcp.ReadResourceResult
	if err := json.Unmarshal([]byte(`{"resultType":"complete"}`), &c); err != nil {
		panic(err) // a constant that decodes
	}
	c.Meta, c.Cacheable, c.Contents = res.Meta, res.Cacheable, res.Contents
	return &c
}

// readURI reads the resource uri names. A URI that is not absolute (no
// scheme) or holds a control character, or that names no resource, is
// -32602 with the URI in the data, as go-sdk answers it, but as valid
// JSON.
func (s *Server) readURI(ctx context.Context, uri string) (*mcp.ReadResourceResult, error) {
	if reason := invalidURI(uri); reason != "" {
		return nil, resourceError("Invalid resource URI: "+reason, uri)
	}
	res, params, found := s.resources.Match(uri)
	if !found {
		return nil, resourceError("Resource not found", uri)
	}
	return s.readResource(ctx, res, params, uri)
}

// invalidURI says what makes uri no absolute URI, "" when nothing does:
// a scheme (RFC 3986: a letter, then letters, digits, + - .) and a colon
// first, and no control character anywhere (no URI holds one, escaped or
// not).
func invalidURI(uri string) string {
	for _, c := range []byte(uri) {
		if c < 0x20 || c == 0x7f {
			return "it holds a control character"
		}
	}
	scheme, _, found := strings.Cut(uri, ":")
	if !found || scheme == "" || !isLetter(scheme[0]) {
		return "not an absolute URI (no scheme)"
	}
	for _, c := range []byte(scheme) {
		if !isLetter(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.' {
			return "not an absolute URI (no scheme)"
		}
	}
	return ""
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// resourceError is -32602 with {"uri": uri} as its data.
func resourceError(msg, uri string) error {
	data, _ := json.Marshal(struct {
		URI string `json:"uri"`
	}{uri}) // a string always encodes: invalid UTF-8 becomes U+FFFD
	return &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: msg, Data: data}
}

// readResource binds, reads the inputs and runs the function for one
// resources/read. The parameters are taken as the extension takes them:
// raw, so a URI gives the same blob paths in both hostings.
func (s *Server) readResource(ctx context.Context, r *resource, params map[string]string, uri string) (*mcp.ReadResourceResult, error) {
	ctx, stop := untilAbandoned(ctx)
	defer stop()
	inv := &invoke.ResourceInvocation{Invocation: s.invocation(r.fn.Name), URI: uri, Params: params}
	log := s.callLog("resource", r.decl.Name, inv.RandGUID)
	call := &decl.Call{Tool: r.decl.Name, Log: log.line, Store: s.opts.Store}
	locs, err := binding.Resolve(r.fn.blobs, binding.ResourceData(params, uri, inv.Sys()))
	if err != nil {
		return nil, logged(s.rpcFailed(log, &hostError{err}))
	}
	if call.Inputs, err = readInputs(ctx, r.fn.blobs, locs); err != nil {
		return nil, logged(s.rpcFailed(log, &hostError{err}))
	}
	text, err := r.decl.Read(ctx, call, decl.ResourceRead{URI: uri, Params: params})
	if err != nil {
		return nil, logged(s.rpcFailed(log, err))
	}
	// The text goes around go-sdk's encoding (bypass.go). readResources
	// answers before go-sdk would set the cache hints, so they are set
	// here as go-sdk sets them on every other result: the default scope
	// (mcp/server.go resolveCacheable, v1.8.0).
	return &mcp.ReadResourceResult{
		Contents:  []*mcp.ResourceContents{{URI: uri, MIMEType: r.decl.MimeType, Text: exchangeFrom(ctx).text(text)}},
		Cacheable: mcp.Cacheable{CacheScope: "public"},
	}, nil
}
