package decl

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"

	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
)

// Prompt is one MCP prompt declared in Go: one function folder with an
// mcpPromptTrigger (extension 1.4.0).
type Prompt struct {
	// Name is the prompt's name, the function folder and the route.
	Name string
	// Title and Description are what clients show.
	Title, Description string
	// Blobs are read before the call; a path names an argument as
	// {mcppromptargs.<name>}, which must be a required argument.
	Blobs []Blob
	// Handler is the prompt's function: see TypedPrompt.
	Handler PromptHandler
	// Complete, if set, suggests values for one of the arguments from the
	// prefix a client has typed (completion/complete): see [Completion].
	Complete Completion

	prep preparation
}

// PromptHandler is a prompt's function with its arguments' type.
type PromptHandler struct {
	in  reflect.Type
	run func(ctx context.Context, call *Call, in any) (string, error)
}

// TypedPrompt makes a PromptHandler of fn. In is a struct of string fields,
// the prompt's arguments (MCP prompt arguments are strings): json tags
// name them, jsonschema tags describe them, and a field without omitempty
// is required (the host refuses a call without it). The text fn returns
// is the prompt: one user message. An error of any kind reaches the client
// as the extension's JSON-RPC error -32603 "An error occurred.".
func TypedPrompt[In any](fn func(ctx context.Context, call *Call, in In) (string, error)) PromptHandler {
	return PromptHandler{
		in:  reflect.TypeFor[In](),
		run: func(ctx context.Context, call *Call, in any) (string, error) { return fn(ctx, call, in.(In)) },
	}
}

// PromptArgument is one declared argument.
type PromptArgument struct {
	Name, Description string
	Required          bool
}

// Arguments lists the prompt's arguments, in field order.
func (p *Prompt) Arguments() ([]PromptArgument, error) {
	t := p.Handler.in
	if t == nil {
		return nil, fmt.Errorf("prompt %q has no handler", p.Name)
	}
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("prompt %q: the arguments must be a struct, not %s", p.Name, t)
	}
	var out []PromptArgument
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if f.Type.Kind() != reflect.String {
			return nil, fmt.Errorf("prompt %q: argument %q must be a string field: MCP prompt arguments are strings", p.Name, name)
		}
		optional := strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,")
		out = append(out, PromptArgument{Name: name, Description: f.Tag.Get("jsonschema"), Required: !optional})
	}
	return out, nil
}

// Check reports what is wrong with the declaration itself.
func (p *Prompt) Check() error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("prompt %q: "+format, append([]any{p.Name}, args...)...))
	}
	if !toolName.MatchString(p.Name) {
		add("the name must be 1-128 letters, digits, '_' or '-'")
	}
	if strings.TrimSpace(p.Description) == "" {
		add("a description is needed: clients show it")
	}
	if p.Handler.run == nil {
		add("no handler: use mcpfunc.TypedPrompt")
		return errors.Join(errs...)
	}
	args, err := p.Arguments()
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	if p.Complete != nil && len(args) == 0 {
		add("Complete needs an argument to complete; the prompt has none")
	}
	for _, a := range args {
		if strings.TrimSpace(a.Description) == "" {
			add("argument %q has no description: give its field a jsonschema tag", a.Name)
		}
	}
	seen := map[string]bool{}
	for _, b := range p.Blobs {
		if b.Out {
			add("binding %q: a prompt only reads", b.Name)
		}
		if !funcapp.ValidName(b.Name) || seen[b.Name] {
			add("blob binding name %q must be unique, a letter then letters and digits", b.Name)
		}
		seen[b.Name] = true
		names, err := pathMembers(b.Path, "mcppromptargs")
		if err != nil {
			add("binding %q: %v", b.Name, err)
		}
		for _, name := range names {
			i := slices.IndexFunc(args, func(a PromptArgument) bool { return a.Name == name })
			switch {
			case i < 0:
				add("binding %q: {mcppromptargs.%s} is not an argument", b.Name, name)
			case !args[i].Required:
				add("binding %q: argument %q must be required: the host fails a call without it", b.Name, name)
			}
		}
	}
	if len(errs) == 0 {
		if _, err := p.prepare(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// PathArgs names the arguments the prompt's blob paths use: the members
// of mcppromptargs a hosting needs.
func (p *Prompt) PathArgs() []string {
	pp, err := p.prepare()
	if err != nil {
		return nil // Check reports it
	}
	return slices.Clone(pp.names)
}

// Run runs one prompts/get: the arguments (call.Args) decoded into the
// declared struct as a tool's are, path arguments checked against the text
// the host used (call.PathArgs), then the function.
func (p *Prompt) Run(ctx context.Context, call *Call) (string, error) {
	pp, err := p.prepare()
	if err != nil {
		return "", err
	}
	in := reflect.New(p.Handler.in).Elem()
	if err := pp.input.decodeArgs(call.Args, in); err != nil {
		return "", err
	}
	if err := pp.checkPaths(call, in); err != nil {
		return "", err
	}
	return p.Handler.run(ctx, call, in.Interface())
}

// prepare compiles the prompt's arguments once: strings, the required ones
// declared, others ignored as the host ignores them.
func (p *Prompt) prepare() (*prepared, error) {
	p.prep.once.Do(func() {
		args, err := p.Arguments()
		if err != nil {
			p.prep.err = err
			return
		}
		s := &jsonschema.Schema{Type: "object", Properties: map[string]*jsonschema.Schema{}}
		for _, a := range args {
			s.Properties[a.Name] = &jsonschema.Schema{Type: "string", Description: a.Description}
			if a.Required {
				s.Required = append(s.Required, a.Name)
			}
		}
		p.prep.p, p.prep.err = prepare(p.Handler.in, s, p.Blobs, "mcppromptargs")
		if p.prep.err != nil {
			p.prep.err = fmt.Errorf("prompt %q: %w", p.Name, p.prep.err)
		}
	})
	return p.prep.p, p.prep.err
}
