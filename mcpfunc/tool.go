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
	// Title is the tool's name for people, shown by clients instead of
	// Name. Title and Annotations are listed by the self hosting only:
	// the MCP extension (trigger hosting) lists neither.
	Title string
	// Annotations tell clients how the tool behaves; nil lists none.
	Annotations *Annotations
	// Blobs are the tool's blob bindings.
	Blobs []Blob
	// Handler is the tool's function: see [Typed].
	Handler Handler
	// Probe, when set, checks the tool on a running server (see
	// [ProbeClient]); it may call other functions too, as a round trip
	// does.
	Probe func(ctx context.Context, c *ProbeClient) error
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
// one, else its JSON. An output with a Links() []Link method adds those
// resource links to the result, after the text.
//
// A tool without arguments whose output is text is declared in the form
// every extension bundle with MCP understands; an error it returns reaches
// the client as the host's generic error.
func Typed[In, Out any](fn func(ctx context.Context, call *Call, in In) (Out, error)) Handler {
	in, out := reflect.TypeFor[In](), reflect.TypeFor[Out]()
	return Handler{
		h: decl.Typed(func(ctx context.Context, c *decl.Call, in In) (Out, error) {
			res, err := fn(ctx, &Call{c: c}, in)
			if l, ok := any(res).(interface{ Links() []Link }); ok && err == nil {
				c.SetLinks(declLinks(l.Links()))
			}
			return res, toDecl(err)
		}),
		// A plain result is one text: it has no room for links.
		plain: out.Kind() == reflect.String && !out.Implements(linksMethod) &&
			in.Kind() == reflect.Struct && !hasFields(in),
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
		Title:       t.Title,
		Annotations: (*decl.Annotations)(t.Annotations),
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

// Annotations are hints about what a tool does, which clients read to
// decide what they may run without asking (a read-only tool, say), listed
// all four as they are: the MCP defaults for a hint left out are not
// all false.
type Annotations struct {
	// ReadOnly: the tool changes nothing.
	ReadOnly bool
	// Destructive: it may delete or overwrite data; a read-only tool
	// cannot be (the declaration is refused).
	Destructive bool
	// Idempotent: a second identical call changes nothing more.
	Idempotent bool
	// OpenWorld: it reaches things outside the app's own, such as the
	// web; false when it only uses the app's storage.
	OpenWorld bool
}

// Link is a resource link a tool's result carries beside its text (an
// MCP resource_link content block): a resource the client can read, such
// as one of the app's own Resources. URI must be absolute and Name set;
// a link that is not fails the call as an internal error.
type Link struct {
	URI         string
	Name        string
	Description string
	// MimeType is the type its contents are read as, like the
	// Resource's MimeType.
	MimeType string
}

var linksMethod = reflect.TypeFor[interface{ Links() []Link }]()

func declLinks(ls []Link) []decl.Link {
	out := make([]decl.Link, len(ls))
	for i, l := range ls {
		out[i] = decl.Link(l)
	}
	return out
}
