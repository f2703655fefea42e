package decl

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
)

// Resource is one MCP resource declared in Go, or a resource template when
// its URI holds {parameters}. It is one function folder with an
// mcpResourceTrigger (extension 1.2.0; templates 1.4.0).
type Resource struct {
	// Name is the function folder and the handler's route.
	Name string
	// URI is the resource's URI, or a template such as note://{name}: a
	// parameter matches one or more characters other than / ? # (the
	// extension's matching, case-insensitive and without percent-decoding).
	URI string
	// ResourceName is the name clients list it by.
	ResourceName string
	// Title and Description are what clients show.
	Title, Description string
	// MimeType is the contents' type, such as text/plain.
	MimeType string
	// Blobs are read before the call; a path names a template parameter as
	// {<parameter>}, resolved from the URI the client asked for.
	Blobs []Blob
	// Meta is the resource's _meta in resources/list, such as an MCP App
	// view's {"ui": {"prefersBorder": true}}: the trigger's metadata,
	// which the extension lists as it is (MetaText) and does not put on
	// the read contents.
	Meta map[string]any
	// Read is the resource's function. Its text becomes the contents, with
	// the requested URI and MimeType. An error of any kind reaches the
	// client as the extension's JSON-RPC error -32603 "An error occurred.":
	// the extension has no way to carry a resource's own message, so say
	// why in the log.
	Read func(ctx context.Context, call *Call, req ResourceRead) (string, error)
	// Complete, if set, suggests values for one of the template's
	// parameters from the prefix a client has typed (completion/complete):
	// see [Completion].
	Complete Completion
}

// Completion suggests values for a resource template's parameter or a
// prompt's argument, named by arg, that start with prefix: at most
// [MaxCompletions] reach the client. Only the self hosting asks: the MCP
// extension does not serve completion/complete.
type Completion func(ctx context.Context, call *Call, arg, prefix string) ([]string, error)

// MaxCompletions is the most values one completion/complete result
// carries (the MCP specification's limit, server/utilities/completion).
const MaxCompletions = 100

// ResourceRead is one resources/read.
type ResourceRead struct {
	// URI is the URI the client asked for.
	URI string
	// Params are the template's parameters, as the host put them in the
	// binding paths.
	Params map[string]string
}

// Params lists the URI template's parameters, in order.
func (r *Resource) Params() []string { return funcapp.URIParams(r.URI) }

// Check reports what is wrong with the declaration itself.
func (r *Resource) Check() error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("resource %q: "+format, append([]any{r.Name}, args...)...))
	}
	if !toolName.MatchString(r.Name) {
		add("the function name must be 1-128 letters, digits, '_' or '-'")
	}
	if !strings.Contains(r.URI, "://") {
		add("the URI %q needs a scheme, such as note://", r.URI)
	}
	params := r.Params()
	for _, p := range params {
		if !funcapp.ValidName(p) {
			add("template parameter {%s} must be a letter then letters and digits", p)
		}
		switch strings.ToLower(p) {
		case "uri", "sessionid", "clientinfo", "transport", "sys":
			// The host lifts the trigger value's own members into the
			// binding data over them (Utility.ApplyBindingData).
			add("template parameter {%s} is a name the host's binding data already uses", p)
		}
	}
	if strings.TrimSpace(r.ResourceName) == "" {
		add("a resourceName is needed (the trigger's constructor takes uri and resourceName)")
	}
	if strings.TrimSpace(r.Description) == "" {
		add("a description is needed: clients show it")
	}
	if r.Read == nil {
		add("no Read function")
	}
	if r.Complete != nil && len(params) == 0 {
		add("Complete needs a template parameter to complete; %s has none", r.URI)
	}
	if _, err := MetaText(r.Meta); err != nil {
		add("%v", err)
	}
	if err := r.checkApp(); err != nil {
		errs = append(errs, err)
	}
	seen := map[string]bool{}
	for _, b := range r.Blobs {
		if b.Out {
			add("binding %q: a resource only reads", b.Name)
		}
		if !funcapp.ValidName(b.Name) || seen[b.Name] {
			add("blob binding name %q must be unique, a letter then letters and digits", b.Name)
		}
		seen[b.Name] = true
		path, err := funcapp.ParsePath(b.Path)
		if err != nil {
			add("binding %q: %v", b.Name, err)
			continue
		}
		for _, e := range path.Exprs() {
			if e.Member == "" && !slices.Contains(params, e.Source) || e.Member != "" && !strings.EqualFold(e.Source, "sys") {
				add("binding %q: %s is not a parameter of %s", b.Name, e, r.URI)
			}
		}
	}
	return errors.Join(errs...)
}
