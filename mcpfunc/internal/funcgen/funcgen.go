// Package funcgen writes the files the Functions host reads from the app's
// Go declarations (package mcpfunc), and finds where the committed files
// have drifted from them: one plan ([NewPlan]) for both, so that a check
// fails exactly when generating would change something. Generation owns
// three things under the app's root:
//
//   - functions/<name>/function.json for each declared function;
//   - functions/.generated ([Manifest]), the folders it wrote, so that it
//     removes a folder whose function is gone and never one written by
//     hand;
//   - host.json's extensions.mcp serverName, serverVersion and
//     instructions ([HostJSON]), from the App; every other byte of
//     host.json stays as the developer wrote it.
//
// Each tool becomes functions/<name>/function.json with an mcpToolTrigger
// named "context" and one binding per declared blob. What the trigger
// carries, member by member, follows the MCP extension's trigger attribute
// (Azure/azure-functions-mcp-extension
// src/Microsoft.Azure.Functions.Extensions.Mcp/Trigger/McpToolTriggerAttribute.cs
// @cd0d1e8c), which the host fills from function.json by name,
// case-insensitively, converting each value to the property's type
// (Azure/azure-webjobs-sdk
// src/Microsoft.Azure.WebJobs.Host/Bindings/AttributeConverter.cs
// @f79ea0bf):
//
//   - toolName and description: both, always (the attribute's only
//     constructor takes both);
//   - toolProperties: a JSON string holding
//     [{"propertyName","propertyType","description","isRequired","isArray"}]
//     (McpToolPropertyAttribute), for inputs made of strings, numbers,
//     integers, booleans and arrays of those, optional pointers and slices
//     included (see decl.Tool.Properties); every bundle with MCP reads
//     it;
//   - useWorkerInputSchema and inputSchema, a JSON string holding the
//     input's JSON schema, for any other input (nested objects, arrays of
//     objects, enums, bounds, defaults): the extension lists it as it is
//     (McpToolTriggerBinding.cs), from extension 1.2.0;
//   - outputSchema, a JSON string holding the output's schema, for tools
//     with structured output, from extension 1.5.0;
//   - useResultSchema: true for every tool but a plain one, so that the
//     handler's call_tool_result (isError with the tool's own message,
//     structured content) is read as a result (ToolReturnValueBinder.cs),
//     from extension 1.3.0;
//   - metadata, a JSON string holding the tool's Meta, for a tool that has
//     one: the extension lists it as the tool's _meta
//     (McpToolTriggerBinding.cs 35 parses it with MetadataParser,
//     DefaultToolRegistry.cs 45 lists it), from extension 1.2.0.
//
// A resource becomes an mcpResourceTrigger with uri, resourceName, title,
// description, mimeType and metadata, the resource's Meta, which the
// extension lists as the resource's _meta in resources/list only
// (McpResourceTriggerAttribute.cs: its constructor takes uri and
// resourceName; McpResourceTriggerBinding.cs 38,
// DefaultResourceRegistry.cs 92; templates from extension 1.4.0),
// and a prompt an mcpPromptTrigger with promptName, title, description and
// promptArguments, a JSON string holding [{"name","description","required"}]
// (McpPromptTriggerAttribute.cs, extension 1.4.0).
//
// The files are indented with two spaces, members in a fixed order, so
// that generating twice gives the same bytes.
package funcgen

import (
	"bytes"
	"encoding/json"
	"path/filepath"

	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
	"remote-mcp-functions-go/mcpfunc/internal/rawjson"
)

// FunctionsDir is where the function folders live in the repository.
const FunctionsDir = "functions"

// trigger is the mcpToolTrigger binding, members in the order written.
type trigger struct {
	Type                 string `json:"type"`
	Direction            string `json:"direction"`
	Name                 string `json:"name"`
	ToolName             string `json:"toolName"`
	Description          string `json:"description"`
	ToolProperties       string `json:"toolProperties,omitempty"`
	UseWorkerInputSchema bool   `json:"useWorkerInputSchema,omitempty"`
	InputSchema          string `json:"inputSchema,omitempty"`
	OutputSchema         string `json:"outputSchema,omitempty"`
	UseResultSchema      bool   `json:"useResultSchema,omitempty"`
	Metadata             string `json:"metadata,omitempty"`
}

type blob struct {
	Type       string `json:"type"`
	Direction  string `json:"direction"`
	Name       string `json:"name"`
	Path       string `json:"path"`
	Connection string `json:"connection"`
}

// property is one entry of toolProperties (McpToolPropertyAttribute).
type property struct {
	Name        string `json:"propertyName"`
	Type        string `json:"propertyType"`
	Description string `json:"description"`
	IsRequired  bool   `json:"isRequired,omitempty"`
	IsArray     bool   `json:"isArray,omitempty"`
}

// FunctionJSON is the function.json of one tool.
func FunctionJSON(t *decl.Tool) ([]byte, error) {
	if err := t.Check(); err != nil {
		return nil, err
	}
	props, flat, err := t.Properties()
	if err != nil {
		return nil, err
	}
	tr := trigger{
		Type:            "mcpToolTrigger",
		Direction:       "in",
		Name:            invoke.TriggerName,
		ToolName:        t.Name,
		Description:     t.Description,
		UseResultSchema: !t.Plain,
	}
	if flat {
		list := make([]property, len(props))
		for i, p := range props {
			list[i] = property{Name: p.Name, Type: p.Type, Description: p.Description, IsRequired: p.Required, IsArray: p.IsArray}
		}
		if tr.ToolProperties, err = jsonText(list); err != nil {
			return nil, err
		}
	} else {
		tr.UseWorkerInputSchema = true
		in, err := t.ListedInputSchema()
		if err != nil {
			return nil, err
		}
		if tr.InputSchema, err = jsonText(in); err != nil {
			return nil, err
		}
	}
	if tr.Metadata, err = decl.MetaText(t.Meta); err != nil {
		return nil, err
	}
	out, err := t.OutputSchema()
	if err != nil {
		return nil, err
	}
	if out != nil {
		if tr.OutputSchema, err = jsonText(out); err != nil {
			return nil, err
		}
	}
	return render(tr, t.Blobs)
}

// resourceTrigger is the mcpResourceTrigger binding.
type resourceTrigger struct {
	Type         string `json:"type"`
	Direction    string `json:"direction"`
	Name         string `json:"name"`
	URI          string `json:"uri"`
	ResourceName string `json:"resourceName"`
	Title        string `json:"title,omitempty"`
	Description  string `json:"description,omitempty"`
	MimeType     string `json:"mimeType,omitempty"`
	Metadata     string `json:"metadata,omitempty"`
}

// ResourceJSON is the function.json of one resource.
func ResourceJSON(r *decl.Resource) ([]byte, error) {
	if err := r.Check(); err != nil {
		return nil, err
	}
	meta, err := decl.MetaText(r.Meta)
	if err != nil {
		return nil, err
	}
	return render(resourceTrigger{
		Type: "mcpResourceTrigger", Direction: "in", Name: invoke.TriggerName,
		URI: r.URI, ResourceName: r.ResourceName, Title: r.Title, Description: r.Description, MimeType: r.MimeType,
		Metadata: meta,
	}, r.Blobs)
}

// promptTrigger is the mcpPromptTrigger binding.
type promptTrigger struct {
	Type            string `json:"type"`
	Direction       string `json:"direction"`
	Name            string `json:"name"`
	PromptName      string `json:"promptName"`
	Title           string `json:"title,omitempty"`
	Description     string `json:"description,omitempty"`
	PromptArguments string `json:"promptArguments,omitempty"`
}

// promptArgument is one entry of promptArguments (the C# SDK's
// PromptArgument: required left out, as null, when optional).
type promptArgument struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Required    bool   `json:"required,omitempty"`
}

// PromptJSON is the function.json of one prompt.
func PromptJSON(p *decl.Prompt) ([]byte, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	args, err := p.Arguments()
	if err != nil {
		return nil, err
	}
	tr := promptTrigger{Type: "mcpPromptTrigger", Direction: "in", Name: invoke.TriggerName, PromptName: p.Name, Title: p.Title, Description: p.Description}
	if len(args) > 0 {
		list := make([]promptArgument, len(args))
		for i, a := range args {
			list[i] = promptArgument{a.Name, a.Description, a.Required}
		}
		if tr.PromptArguments, err = jsonText(list); err != nil {
			return nil, err
		}
	}
	return render(tr, p.Blobs)
}

// render writes a function.json: the trigger, then one binding per blob.
func render(trigger any, blobs []decl.Blob) ([]byte, error) {
	bindings := []any{trigger}
	for _, b := range blobs {
		dir := "in"
		if b.Out {
			dir = "out"
		}
		bindings = append(bindings, blob{Type: "blob", Direction: dir, Name: b.Name, Path: b.Path, Connection: b.ConnectionName()})
	}
	compact, err := rawjson.Marshal(struct {
		Bindings []any `json:"bindings"`
	}{bindings})
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, compact, "", "  "); err != nil {
		return nil, err
	}
	return append(buf.Bytes(), '\n'), nil
}

// Files renders every function's function.json, keyed by its path
// relative to the repository (functions/<name>/function.json,
// slash-separated).
func Files(fns decl.Functions) (map[string][]byte, error) {
	if err := fns.Check(); err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	add := func(name string, b []byte, err error) error {
		if err != nil {
			return err
		}
		out[FunctionsDir+"/"+name+"/function.json"] = b
		return nil
	}
	for _, t := range fns.Tools {
		b, err := FunctionJSON(t)
		if err := add(t.Name, b, err); err != nil {
			return nil, err
		}
	}
	for _, r := range fns.Resources {
		b, err := ResourceJSON(r)
		if err := add(r.Name, b, err); err != nil {
			return nil, err
		}
	}
	for _, p := range fns.Prompts {
		b, err := PromptJSON(p)
		if err := add(p.Name, b, err); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// jsonText is v's compact JSON, without HTML escaping, as a string for a
// string-typed trigger member.
func jsonText(v any) (string, error) {
	b, err := rawjson.Marshal(v)
	return string(b), err
}

// Path is where a rendered file goes under root.
func Path(root, rel string) string { return filepath.Join(root, filepath.FromSlash(rel)) }
