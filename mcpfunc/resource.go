package mcpfunc

import (
	"context"

	"remote-mcp-functions-go/mcpfunc/internal/decl"
)

// Resource is one MCP resource, or a resource template when its URI holds
// {parameters}: one function of the function app (extension 1.2.0;
// templates 1.4.0).
type Resource struct {
	// Name is the function's folder and the handler's route.
	Name string
	// URI is the resource's URI, or a template such as note://{name}: a
	// parameter matches one or more characters other than / ? # (the
	// extension's matching: the literal text case-insensitively, without
	// percent-decoding).
	URI string
	// ResourceName is the name clients list it by.
	ResourceName string
	// Title and Description are what clients show.
	Title, Description string
	// MimeType is the contents' type, such as text/plain.
	MimeType string
	// Blobs are read before the call; a path names a template parameter as
	// {<parameter>}.
	Blobs []Blob
	// Meta is the resource's _meta in resources/list, in both hostings
	// (the trigger's metadata); the extension does not put it on the read
	// contents. An MCP App's view says how it is shown here, such as
	// {"ui": {"prefersBorder": true}}.
	Meta map[string]any
	// Read is the resource's function: its text becomes the contents, with
	// the requested URI and MimeType. With the MCP extension an error of
	// any kind reaches the client as JSON-RPC error -32603 "An error
	// occurred." (it carries no message of a resource's), so say why in the
	// log; the self hosting answers an *Error with its message.
	Read func(ctx context.Context, call *Call, req ResourceRead) (string, error)
	// Complete, if set, suggests values for the template parameter param
	// that start with prefix, for clients that complete what a user types
	// (completion/complete). The client gets the first 100, with the
	// count returned as the total; an error reaches it as a failed Read's
	// does in the self hosting. call reads no blob: use [Call.Storage].
	// The self hosting calls it; the MCP extension serves no completions.
	Complete func(ctx context.Context, call *Call, param, prefix string) ([]string, error)
	// Probe, when set, checks the resource on a running server (see
	// [ProbeClient]). Without one a resource whose URI has no parameters
	// is read once.
	Probe func(ctx context.Context, c *ProbeClient) error
}

// AppMimeType is the MimeType of an MCP App's view: an HTML page, with
// its script and style inline, that a client shows in a sandboxed frame
// and that calls the app's tools through the client. Its Resource has a
// fixed ui:// URI; a [Tool] links it in its Meta.
const AppMimeType = "text/html;profile=mcp-app"

// ResourceRead is one resources/read.
type ResourceRead struct {
	// URI is the URI the client asked for.
	URI string
	// Params are the template's parameters, as the host put them in the
	// binding paths.
	Params map[string]string
}

func (r *Resource) decl() *decl.Resource {
	d := &decl.Resource{
		Name:         r.Name,
		URI:          r.URI,
		ResourceName: r.ResourceName,
		Title:        r.Title,
		Description:  r.Description,
		MimeType:     r.MimeType,
		Blobs:        blobs(r.Blobs),
		Meta:         r.Meta,
	}
	if read := r.Read; read != nil {
		d.Read = func(ctx context.Context, c *decl.Call, req decl.ResourceRead) (string, error) {
			text, err := read(ctx, &Call{c: c}, ResourceRead{URI: req.URI, Params: req.Params})
			return text, toDecl(err)
		}
	}
	d.Complete = completion(r.Complete)
	return d
}

// completion adapts a declared Complete function to the core's.
func completion(fn func(ctx context.Context, call *Call, arg, prefix string) ([]string, error)) decl.Completion {
	if fn == nil {
		return nil
	}
	return func(ctx context.Context, c *decl.Call, arg, prefix string) ([]string, error) {
		values, err := fn(ctx, &Call{c: c}, arg, prefix)
		return values, toDecl(err)
	}
}
