package mcpfunc

import (
	"context"
	"reflect"

	"github.com/google/jsonschema-go/jsonschema"

	"remote-mcp-functions-go/mcpfunc/internal/decl"
)

// Tool is one MCP tool. It is one function of the function app: Name is
// its folder under functions/, the tool's name and the handler's route.
type Tool struct {
	// Name is the tool's name: 1-128 letters, digits, '_' or '-'.
	Name string
	// Description tells the model what the tool does; clients show it.
	Description string
	// Blobs are the tool's blob bindings.
	Blobs []Blob
	// Handler is the tool's function: see [Typed].
	Handler Handler
	// Meta is the tool's _meta in tools/list, in both hostings (the
	// trigger's metadata, extension 1.2.0). An MCP App links its view,
	// a [Resource] of the app with MimeType [AppMimeType], as
	// {"ui": {"resourceUri": "ui://…"}}.
	Meta map[string]any
}

// Handler is a tool's function with its input and output types. Make one
// with [Typed].
type Handler struct {
	h decl.Handler
	// plain: no arguments and text out, the trigger form every bundle
	// with MCP understands.
	plain bool
}

// Typed makes a Handler of fn.
//
// In is the input: a struct whose exported fields are the tool's
// arguments, named by their json tags (matched exactly, case included),
// described by their jsonschema tags, and required unless tagged omitempty
// or omitzero. A call whose arguments do not fit the input's schema gets an
// error result that says which argument is wrong and why; nothing is
// converted.
//
// Out is the output: a string for a text result, or a struct for
// structured content with an output schema, whose text for clients that
// do not read structured content is its Text() string method if it has
// one, else its JSON.
//
// A tool without arguments whose output is text is declared in the form
// every extension bundle with MCP understands; an error it returns reaches
// the client as the host's generic error.
func Typed[In, Out any](fn func(ctx context.Context, call *Call, in In) (Out, error)) Handler {
	in, out := reflect.TypeFor[In](), reflect.TypeFor[Out]()
	return Handler{
		h: decl.Typed(func(ctx context.Context, c *decl.Call, in In) (Out, error) {
			res, err := fn(ctx, &Call{c: c}, in)
			return res, toDecl(err)
		}),
		plain: out.Kind() == reflect.String && in.Kind() == reflect.Struct && !hasFields(in),
	}
}

// hasFields reports whether struct type t has a field that could be an
// argument.
func hasFields(t reflect.Type) bool {
	for f := range t.Fields() {
		if f.IsExported() || f.Anonymous {
			return true
		}
	}
	return false
}

// WithSchema returns h with its input schema changed by adjust, for what
// struct tags cannot say: enums, bounds, lengths, patterns. The schema is
// what clients see and what every call is checked against; a keyword the
// check does not know fails the declaration. A schema that says more than
// names, types, descriptions and enums is declared whole to the host
// (useWorkerInputSchema, extension 1.2.0, bundle 4.33.0 and later).
func (h Handler) WithSchema(adjust func(*jsonschema.Schema)) Handler {
	h.h = h.h.WithSchema(adjust)
	return h
}

// decl is t as the hostings use it, with tooLarge as its answer to a call
// over the app's body limit.
func (t *Tool) decl(tooLarge string) *decl.Tool {
	return &decl.Tool{
		Name:        t.Name,
		Description: t.Description,
		Plain:       t.Handler.plain,
		Blobs:       blobs(t.Blobs),
		TooLarge:    tooLarge,
		Handler:     t.Handler.h,
		Meta:        t.Meta,
	}
}

func blobs(bs []Blob) []decl.Blob {
	out := make([]decl.Blob, len(bs))
	for i, b := range bs {
		out[i] = decl.Blob{Name: b.Name, Out: b.Out, Path: b.Path, Connection: b.Connection}
	}
	return out
}
