package funcapp

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Trigger types of resources and prompts.
const (
	ResourceTriggerType = "mcpResourceTrigger"
	PromptTriggerType   = "mcpPromptTrigger"
)

// ResourceTriggerFields are an mcpResourceTrigger's members
// (Azure/azure-functions-mcp-extension
// src/Microsoft.Azure.Functions.Extensions.Mcp/Trigger/McpResourceTriggerAttribute.cs
// @cd0d1e8c: the constructor takes uri and resourceName).
type ResourceTriggerFields struct {
	URI          string `json:"uri,omitempty"`
	ResourceName string `json:"resourceName,omitempty"`
	Title        string `json:"title,omitempty"`
	MimeType     string `json:"mimeType,omitempty"`
}

// PromptTriggerFields are an mcpPromptTrigger's members
// (Trigger/McpPromptTriggerAttribute.cs @cd0d1e8c). PromptArguments is a
// JSON string holding [{"name","title","description","required"}].
type PromptTriggerFields struct {
	PromptName      string          `json:"promptName,omitempty"`
	PromptArguments json.RawMessage `json:"promptArguments,omitempty"`

	// Arguments is PromptArguments parsed.
	Arguments []PromptArgument `json:"-"`
}

// PromptArgument is one declared prompt argument (the C# SDK's
// PromptArgument).
type PromptArgument struct {
	Name        string `json:"name"`
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
	Required    bool   `json:"required,omitempty"`
}

// ResourceTrigger returns the function's mcpResourceTrigger, or nil.
func (f *Function) ResourceTrigger() *Binding { return f.trigger(ResourceTriggerType) }

// PromptTrigger returns the function's mcpPromptTrigger, or nil.
func (f *Function) PromptTrigger() *Binding { return f.trigger(PromptTriggerType) }

func (f *Function) trigger(typ string) *Binding {
	for _, b := range f.Bindings {
		if strings.EqualFold(b.Type, typ) {
			return b
		}
	}
	return nil
}

// templateParam is one {parameter} of a resource URI template.
var templateParam = regexp.MustCompile(`\{([^{}]*)\}`)

// TemplateParams lists a resource URI's template parameters; none for a
// plain resource.
func (b *Binding) TemplateParams() []string { return URIParams(b.URI) }

// URIParams lists the {parameters} of a resource URI template, in order.
func URIParams(uri string) []string {
	var out []string
	for _, m := range templateParam.FindAllStringSubmatch(uri, -1) {
		out = append(out, m[1])
	}
	return out
}

// RequiredArguments lists a prompt's required arguments, in order.
func (b *Binding) RequiredArguments() []string {
	var out []string
	for _, a := range b.Arguments {
		if a.Required {
			out = append(out, a.Name)
		}
	}
	return out
}

func (b *Binding) checkResourceTrigger(path, at string, probs *problems) {
	if b.Direction != In {
		probs.add(path, at+".direction", "must be \"in\"")
	}
	switch {
	case b.URI == "":
		probs.add(path, at+".uri", "missing: the trigger's constructor takes uri and resourceName")
	case !strings.Contains(b.URI, "://"):
		probs.add(path, at+".uri", "%q has no scheme", b.URI)
	}
	if b.ResourceName == "" {
		probs.add(path, at+".resourceName", "missing: the trigger's constructor takes uri and resourceName")
	}
	for _, p := range b.TemplateParams() {
		if !bindingName.MatchString(p) {
			probs.add(path, at+".uri", "{%s}: a template parameter is a letter then letters and digits", p)
		}
	}
	b.parseMetadata(path, at, probs)
}

func (b *Binding) checkPromptTrigger(path, at string, probs *problems) {
	if b.Direction != In {
		probs.add(path, at+".direction", "must be \"in\"")
	}
	if b.PromptName == "" {
		probs.add(path, at+".promptName", "missing")
	}
	if len(b.PromptArguments) > 0 {
		var text string
		if err := json.Unmarshal(b.PromptArguments, &text); err != nil {
			probs.add(path, at+".promptArguments", "must be a JSON string holding a JSON array, not raw JSON")
		} else if err := json.Unmarshal([]byte(text), &b.Arguments); err != nil {
			probs.add(path, at+".promptArguments", "not a JSON array of arguments: %v", err)
		}
	}
	seen := map[string]bool{}
	for i, a := range b.Arguments {
		if a.Name == "" || seen[a.Name] {
			probs.add(path, fmt.Sprintf("%s.promptArguments[%d].name", at, i), "missing or declared twice")
		}
		seen[a.Name] = true
	}
	b.parseMetadata(path, at, probs)
}

// checkResourcePath checks a resource's binding path: each {…} must be a
// template parameter (which the host puts in the binding data under its
// own name) or sys.
func (f *Function) checkResourcePath(t *Binding, path *PathTemplate, field string, probs *problems) {
	params := t.TemplateParams()
	for _, e := range path.Exprs() {
		switch {
		case strings.EqualFold(e.Source, "sys"):
			if !sysFields[strings.ToLower(e.Member)] {
				probs.add(f.Path, field, "%s: sys has MethodName, UtcNow and RandGuid", e)
			}
		case e.Member == "" && slices.ContainsFunc(params, func(p string) bool { return strings.EqualFold(p, e.Source) }):
		default:
			probs.add(f.Path, field, "%s is not a parameter of %s", e, t.URI)
		}
	}
}

// checkPromptPath checks a prompt's binding path: {mcppromptargs.<a
// required argument>} and {sys.<field>}.
func (f *Function) checkPromptPath(t *Binding, path *PathTemplate, field string, probs *problems) {
	for _, e := range path.Exprs() {
		switch strings.ToLower(e.Source) {
		case "mcppromptargs":
			i := slices.IndexFunc(t.Arguments, func(a PromptArgument) bool { return a.Name == e.Member })
			switch {
			case i < 0:
				probs.add(f.Path, field, "%s names no declared prompt argument", e)
			case !t.Arguments[i].Required:
				probs.add(f.Path, field, "%s: argument %q must be required, or calls without it fail in the host", e, e.Member)
			}
		case "sys":
			if !sysFields[strings.ToLower(e.Member)] {
				probs.add(f.Path, field, "%s: sys has MethodName, UtcNow and RandGuid", e)
			}
		default:
			probs.add(f.Path, field, "%s: only {mcppromptargs.<argument>} and {sys.<field>} are supported", e)
		}
	}
}
