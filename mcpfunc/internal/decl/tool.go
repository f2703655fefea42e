package decl

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/google/jsonschema-go/jsonschema"

	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
)

// Tool is one MCP tool declared in Go. It is one function folder of the
// app: Name is the folder, the tool's name and the handler's route, and its
// function.json is generated from this declaration (make generate).
type Tool struct {
	// Name is the tool's name: letters, digits, '_' and '-'.
	Name string
	// Description tells the model what the tool does; clients show it.
	Description string
	// Title is the tool's name for people; empty lists none.
	Title string
	// Annotations are the hints listed with the tool (annotations.go);
	// nil lists none.
	Annotations *Annotations
	// Plain marks a tool that never refuses a call with its own message:
	// its trigger then declares no useResultSchema, the form every bundle
	// with MCP understands, and its text is the result as it is. A plain
	// tool that does return an *Error gets the host's generic error.
	// Leave it false for every tool with arguments (a wrong type is an
	// isError result) or with typed output.
	Plain bool
	// Blobs are the blob bindings the host resolves around each call:
	// inputs are read before the call (see Call.Input), outputs written
	// after it succeeds (see Call.Output). A path names arguments as
	// {mcptoolargs.<json name>}; each must be a required string field of
	// the input, and the function sees exactly the text the host used.
	// The paths are parsed once, with the input's decoder.
	Blobs []Blob
	// TooLarge is the message for a call whose payload is over the
	// handler's body limit, which is sized from the app's own limits, so
	// only arguments far beyond them get there. Empty means a generic one.
	TooLarge string
	// Handler is the tool's function: see Typed.
	Handler Handler
	// Meta is the tool's _meta in tools/list, such as an MCP App's view
	// link {"ui": {"resourceUri": "ui://…"}}: the trigger's metadata,
	// which the extension lists as it is (MetaText).
	Meta map[string]any

	prep preparation
}

// Blob is one blob binding of a function.
type Blob struct {
	// Name is the binding's name (a letter, then letters and digits).
	Name string
	// Out is true for an output binding, false for an input.
	Out bool
	// Path is container/blob, with {…} expressions.
	Path string
	// Connection names the storage setting; empty means AzureWebJobsStorage.
	Connection string
}

// BlobIn declares a blob input binding.
func BlobIn(name, path string) Blob { return Blob{Name: name, Path: path} }

// BlobOut declares a blob output binding.
func BlobOut(name, path string) Blob { return Blob{Name: name, Out: true, Path: path} }

// ConnectionName is b.Connection, or the host's own storage
// (funcapp.StorageSetting) when it names none.
func (b Blob) ConnectionName() string {
	if b.Connection == "" {
		return funcapp.StorageSetting
	}
	return b.Connection
}

// Handler is a tool's function with its input and output types. Make one
// with Typed.
type Handler struct {
	in, out reflect.Type
	run     func(ctx context.Context, call *Call, in any) (any, error)
	// adjust changes the inferred input schema: see Handler.WithSchema.
	adjust func(*jsonschema.Schema)
}

// Typed makes a Handler of fn. In is the input: a struct whose exported
// fields are the tool's arguments, named by their json tags, described by
// their jsonschema tags, and required unless tagged omitempty (the
// conventions of go-sdk's mcp.AddTool and github.com/google/jsonschema-go).
// Out is the output: a string for a text result, or a struct for
// structured content with an output schema, whose text for clients is
// its Text() string method if it has one, else its JSON.
func Typed[In, Out any](fn func(ctx context.Context, call *Call, in In) (Out, error)) Handler {
	return Handler{
		in:  reflect.TypeFor[In](),
		out: reflect.TypeFor[Out](),
		run: func(ctx context.Context, call *Call, in any) (any, error) { return fn(ctx, call, in.(In)) },
	}
}

// WithSchema returns h with its inferred input schema changed by adjust:
// for what struct tags cannot say, such as enums or bounds. What the
// schema says is checked on every call (see the package documentation for
// the keywords; Check refuses others). A tool whose schema says more than
// plain properties declares it as inputSchema (useWorkerInputSchema),
// which needs extension 1.2.0.
func (h Handler) WithSchema(adjust func(*jsonschema.Schema)) Handler {
	h.adjust = adjust
	return h
}

// OutputSchema is the JSON schema of the tool's structured content, or nil
// for a tool whose output is text.
func (t *Tool) OutputSchema() (*jsonschema.Schema, error) {
	if t.Handler.out == nil || t.Handler.out.Kind() == reflect.String {
		return nil, nil
	}
	s, err := jsonschema.ForType(t.Handler.out, nil)
	if err != nil {
		return nil, fmt.Errorf("tool %q output: %w", t.Name, err)
	}
	if s.Type != "object" {
		return nil, fmt.Errorf("tool %q: structured output must be an object (a struct or a map), not %s", t.Name, t.Handler.out)
	}
	return s, nil
}

var toolName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)

// Check reports what is wrong with the declaration itself. The function
// app checks (package funcapp) apply on top, to what is generated from it.
func (t *Tool) Check() error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("tool %q: "+format, append([]any{t.Name}, args...)...))
	}
	if !toolName.MatchString(t.Name) {
		add("the name must be 1-128 letters, digits, '_' or '-'")
	}
	if strings.TrimSpace(t.Description) == "" {
		add("a description is needed: clients show it to the model")
	}
	if _, err := MetaText(t.Meta); err != nil {
		add("%v", err)
	}
	if t.Handler.run == nil {
		add("no handler: use mcpfunc.Typed")
		return errors.Join(errs...)
	}
	in, err := t.InputSchema()
	if err != nil {
		errs = append(errs, err)
	}
	if _, err := t.OutputSchema(); err != nil {
		errs = append(errs, err)
	}
	if in != nil {
		for name, p := range in.Properties {
			if strings.TrimSpace(p.Description) == "" {
				add("argument %q has no description: give its field a jsonschema tag, clients show it to the model", name)
			}
		}
	}
	if t.Annotations != nil && t.Annotations.ReadOnly && t.Annotations.Destructive {
		add("a read-only tool cannot be destructive: the hints say it changes nothing and that it destroys")
	}
	if t.Plain && (t.Handler.out.Kind() != reflect.String || in != nil && len(in.Properties) > 0) {
		add("a plain tool takes no arguments and returns text: anything else may need isError")
	}
	seen := map[string]bool{}
	for _, b := range t.Blobs {
		if !funcapp.ValidName(b.Name) || seen[b.Name] {
			add("blob binding name %q must be unique, a letter then letters and digits", b.Name)
		}
		seen[b.Name] = true
		names, err := pathMembers(b.Path, "mcptoolargs")
		if err != nil {
			add("binding %q: %v", b.Name, err)
		}
		for _, name := range names {
			if in == nil {
				break
			}
			p, ok := in.Properties[name]
			switch {
			case !ok:
				add("binding %q: {mcptoolargs.%s} is not an argument", b.Name, name)
			case p.Type != "string":
				add("binding %q: argument %q must be a string to name a blob", b.Name, name)
			case !slices.Contains(in.Required, name):
				add("binding %q: argument %q must be required (no omitempty): the host fails a call without it", b.Name, name)
			}
		}
	}
	if len(errs) == 0 {
		// What the schema says must be what a call is checked against.
		if _, err := t.prepare(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// PathArgs names the arguments the tool's blob paths use: the members of
// mcptoolargs a hosting needs, the only arguments it reads as text.
func (t *Tool) PathArgs() []string {
	p, err := t.prepare()
	if err != nil {
		return nil // Check reports it
	}
	return slices.Clone(p.names)
}

// Run runs one call: the arguments decoded into the input and checked
// against the input schema clients see (decode.go, rules.go: a value the
// schema refuses is an Invalid error that says why, never converted), path
// arguments checked against the text the host used, then the function,
// whose output becomes the result.
func (t *Tool) Run(ctx context.Context, call *Call) (*Result, error) {
	p, err := t.prepare()
	if err != nil {
		return nil, err
	}
	in := reflect.New(t.Handler.in).Elem()
	if err := p.input.decodeArgs(call.Args, in); err != nil {
		return nil, err
	}
	if err := p.checkPaths(call, in); err != nil {
		return nil, err
	}
	out, err := t.Handler.run(ctx, call, in.Interface())
	if err != nil {
		return nil, err
	}
	res := &Result{Outputs: call.Outputs()}
	if res.Links, err = checkLinks(t.Name, call.links); err != nil {
		return nil, err
	}
	if v := reflect.ValueOf(out); v.Kind() == reflect.String {
		// A named string type too: text, as OutputSchema says.
		res.Text = v.String()
		return res, nil
	}
	if res.Structured, err = json.Marshal(out); err != nil {
		return nil, fmt.Errorf("tool %q: encoding its output: %w", t.Name, err)
	}
	if tx, ok := out.(interface{ Text() string }); ok {
		res.Text = tx.Text()
	} else {
		res.Text = string(res.Structured)
	}
	return res, nil
}

// prepared is what a declaration compiles to, once: the decoder of its
// input for the schema clients see, and where its blob paths' arguments
// are in the input.
type prepared struct {
	input *node
	paths []pathArg
	names []string // of paths
}

// pathArg is an argument a blob path uses: a string field of the input.
type pathArg struct {
	name  string
	index []int
}

// preparation holds a declaration's prepared form once made.
type preparation struct {
	once sync.Once
	p    *prepared
	err  error
}

// prepare compiles the tool's input once.
func (t *Tool) prepare() (*prepared, error) {
	t.prep.once.Do(func() {
		s, err := t.ListedInputSchema()
		if err != nil {
			t.prep.err = err
			return
		}
		t.prep.p, t.prep.err = prepare(t.Handler.in, s, t.Blobs, "mcptoolargs")
		if t.prep.err != nil {
			t.prep.err = fmt.Errorf("tool %q: %w", t.Name, t.prep.err)
		}
	})
	return t.prep.p, t.prep.err
}

// prepare compiles the decoder of in for schema s, and finds the fields of
// the arguments the blobs' paths name as {<source>.<name>}.
func prepare(in reflect.Type, s *jsonschema.Schema, blobs []Blob, source string) (*prepared, error) {
	root, err := compile(in, s, "")
	if err != nil {
		return nil, err
	}
	p := &prepared{input: root}
	for _, b := range blobs {
		names, err := pathMembers(b.Path, source)
		if err != nil {
			return nil, fmt.Errorf("binding %q: %w", b.Name, err)
		}
		for _, name := range names {
			if slices.ContainsFunc(p.paths, func(a pathArg) bool { return a.name == name }) {
				continue
			}
			f := root.field([]byte(name))
			if f == nil || f.node.kind != kindString {
				return nil, fmt.Errorf("binding %q: {%s.%s} must name a string field of the input", b.Name, source, name)
			}
			p.paths = append(p.paths, pathArg{name: name, index: f.index})
			p.names = append(p.names, name)
		}
	}
	return p, nil
}

// checkPaths checks that each argument a blob path uses is exactly the
// text the host used for it (call.PathArgs, when the host sent them).
func (p *prepared) checkPaths(call *Call, in reflect.Value) error {
	if call.PathArgs == nil {
		return nil
	}
	for _, a := range p.paths {
		if text, ok := call.PathArgs[a.name]; !ok || text != in.FieldByIndex(a.index).String() {
			return Errorf(Invalid, "Argument '%s' does not match the text the host used for the blob path.", a.name)
		}
	}
	return nil
}

// pathMembers lists the members of source (mcptoolargs, mcppromptargs) a
// blob path uses, parsed with the app's one path grammar.
func pathMembers(path, source string) ([]string, error) {
	t, err := funcapp.ParsePath(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range t.Exprs() {
		if strings.EqualFold(e.Source, source) && e.Member != "" {
			out = append(out, e.Member)
		}
	}
	return out, nil
}
