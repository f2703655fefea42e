package funcapp

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Function is one function folder: its name is the folder's, which is also
// the handler route the host POSTs to.
type Function struct {
	Name     string     `json:"-"`
	Path     string     `json:"-"` // the function.json file
	Bindings []*Binding `json:"bindings"`
}

// Binding is one entry of function.json's bindings. A trigger type's own
// fields are read and checked only on a binding of that type.
type Binding struct {
	Type       string `json:"type"`
	Direction  string `json:"direction"`
	Name       string `json:"name"`
	Path       string `json:"path,omitempty"`
	Connection string `json:"connection,omitempty"`
	DataType   string `json:"dataType,omitempty"`

	// mcpToolTrigger (Azure/azure-functions-mcp-extension
	// src/Microsoft.Azure.Functions.Extensions.Mcp/Trigger/McpToolTriggerAttribute.cs
	// @cd0d1e8c). ToolProperties, Metadata, InputSchema and OutputSchema
	// are JSON text inside a JSON string: the host converts them to string
	// attributes and rejects raw arrays and objects.
	ToolName             string          `json:"toolName,omitempty"`
	Description          *string         `json:"description,omitempty"`
	ToolProperties       json.RawMessage `json:"toolProperties,omitempty"`
	Metadata             json.RawMessage `json:"metadata,omitempty"`
	UseResultSchema      bool            `json:"useResultSchema,omitempty"`
	UseWorkerInputSchema bool            `json:"useWorkerInputSchema,omitempty"`
	InputSchema          json.RawMessage `json:"inputSchema,omitempty"`
	OutputSchema         json.RawMessage `json:"outputSchema,omitempty"`

	// Properties is ToolProperties parsed.
	Properties []ToolProperty `json:"-"`
	// Meta is Metadata parsed (ParseMetadata): the tool's, resource's or
	// prompt's _meta in its listing (DefaultPromptRegistry.cs 53
	// @cd0d1e8c lists a prompt's as the others').
	Meta map[string]any `json:"-"`
	// InputSchemaJSON and OutputSchemaJSON are the schemas themselves,
	// parsed out of their strings; nil when absent.
	InputSchemaJSON, OutputSchemaJSON json.RawMessage `json:"-"`

	// mcpResourceTrigger and mcpPromptTrigger: see resource.go.
	ResourceTriggerFields
	PromptTriggerFields
	// Template is Path parsed; nil when the binding has no path.
	Template *PathTemplate `json:"-"`
}

// ToolProperty is one tool argument as declared in toolProperties.
type ToolProperty struct {
	Name        string   `json:"propertyName"`
	Type        string   `json:"propertyType"`
	Description string   `json:"description"`
	IsRequired  bool     `json:"isRequired,omitempty"`
	IsArray     bool     `json:"isArray,omitempty"`
	EnumValues  []string `json:"enumValues,omitempty"`
}

// Binding types and directions this app uses.
const (
	ToolTriggerType = "mcpToolTrigger"
	BlobType        = "blob"
	In              = "in"
	Out             = "out"
)

// ToolTrigger returns the function's mcpToolTrigger binding, or nil.
func (f *Function) ToolTrigger() *Binding {
	for _, b := range f.Bindings {
		if strings.EqualFold(b.Type, ToolTriggerType) {
			return b
		}
	}
	return nil
}

// Blobs returns the blob bindings with the given direction.
func (f *Function) Blobs(direction string) []*Binding {
	var out []*Binding
	for _, b := range f.Bindings {
		if strings.EqualFold(b.Type, BlobType) && strings.EqualFold(b.Direction, direction) {
			out = append(out, b)
		}
	}
	return out
}

// Required returns the names of the required arguments, in order: the
// isRequired properties, or with useWorkerInputSchema the schema's
// top-level "required", which is all the host checks (ToolInputSchema.cs
// @cd0d1e8c).
func (b *Binding) Required() []string {
	if b.UseWorkerInputSchema {
		var s objectSchema
		_ = json.Unmarshal(b.InputSchemaJSON, &s)
		return s.Required
	}
	var out []string
	for _, p := range b.Properties {
		if p.IsRequired {
			out = append(out, p.Name)
		}
	}
	return out
}

// argument reports whether the tool declares an argument name, of what
// JSON type, and whether it is required.
func (b *Binding) argument(name string) (typ string, declared, required bool) {
	if b.UseWorkerInputSchema {
		var s objectSchema
		_ = json.Unmarshal(b.InputSchemaJSON, &s)
		p, ok := s.Properties[name]
		if !ok {
			return "", false, false
		}
		var ps struct {
			Type any `json:"type"`
		}
		_ = json.Unmarshal(p, &ps)
		typ, _ = ps.Type.(string)
		return typ, true, slices.Contains(s.Required, name)
	}
	for _, p := range b.Properties {
		if p.Name == name {
			return p.Type, true, p.IsRequired
		}
	}
	return "", false, false
}

// objectSchema is what the host checks of a tool's input or output schema
// (IsValidMcpToolJsonSchema in McpInputSchemaJsonUtilities.cs @cd0d1e8c):
// an object with "type":"object", properties an object, required an array.
type objectSchema struct {
	Type       string                     `json:"type"`
	Properties map[string]json.RawMessage `json:"properties"`
	Required   []string                   `json:"required"`
}

// parseSchema reads an inputSchema or outputSchema member: a JSON string
// holding an object schema.
func parseSchema(raw json.RawMessage) (json.RawMessage, error) {
	var text string
	if err := json.Unmarshal(raw, &text); err != nil {
		return nil, fmt.Errorf("must be a JSON string holding a JSON schema, not raw JSON")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &fields); err != nil {
		return nil, fmt.Errorf("not a JSON object: %v", err)
	}
	var s objectSchema
	if err := json.Unmarshal([]byte(text), &s); err != nil || s.Type != "object" {
		return nil, fmt.Errorf(`the host wants an object schema: "type":"object", properties an object, required an array`)
	}
	return json.RawMessage(text), nil
}

// bindingName is the host's rule for binding names.
var bindingName = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9]{0,127}$`)

// ValidName reports whether name passes the host's rule for binding names
// (a letter, then letters and digits, 128 at most), which resource template
// parameters follow too.
func ValidName(name string) bool { return bindingName.MatchString(name) }

// propertyTypes are the JSON Schema types a tool property may declare.
var propertyTypes = map[string]bool{"string": true, "number": true, "integer": true, "boolean": true, "object": true}

// sysFields are the members of the sys binding data.
var sysFields = map[string]bool{"methodname": true, "utcnow": true, "randguid": true}

func (f *Function) check(probs *problems) {
	if len(f.Bindings) == 0 {
		probs.add(f.Path, "bindings", "no bindings")
		return
	}
	triggers := 0
	for i, b := range f.Bindings {
		at := fmt.Sprintf("bindings[%d]", i)
		switch {
		case b.Name == "$return":
			probs.add(f.Path, at+".name", "no $return binding: the MCP trigger takes the handler's ReturnValue itself")
		case !bindingName.MatchString(b.Name):
			probs.add(f.Path, at+".name", "%q must match %s", b.Name, bindingName)
		}
		if strings.HasSuffix(strings.ToLower(b.Type), "trigger") {
			triggers++
		}
		switch {
		case strings.EqualFold(b.Type, ToolTriggerType):
			b.checkToolTrigger(f.Path, at, probs)
		case strings.EqualFold(b.Type, ResourceTriggerType):
			b.checkResourceTrigger(f.Path, at, probs)
		case strings.EqualFold(b.Type, PromptTriggerType):
			b.checkPromptTrigger(f.Path, at, probs)
		case strings.EqualFold(b.Type, BlobType):
			if b.Path == "" {
				probs.add(f.Path, at+".path", "missing")
			}
			if b.Connection == "" {
				probs.add(f.Path, at+".connection", "missing (AzureWebJobsStorage)")
			}
			if b.Direction != In && b.Direction != Out {
				probs.add(f.Path, at+".direction", "must be \"in\" or \"out\", got %q", b.Direction)
			}
		}
	}
	if triggers != 1 {
		probs.add(f.Path, "bindings", "want exactly one trigger, found %d", triggers)
	}
	t := f.ToolTrigger()
	for i, b := range f.Bindings {
		if b.Path == "" || b == t || b == f.ResourceTrigger() || b == f.PromptTrigger() {
			continue
		}
		field := fmt.Sprintf("bindings[%d].path", i)
		tmpl, err := ParsePath(b.Path)
		if err != nil {
			probs.add(f.Path, field, "%v", err)
			continue
		}
		b.Template = tmpl
		switch {
		case t != nil:
			f.checkPath(t, tmpl, field, probs)
		case f.ResourceTrigger() != nil:
			f.checkResourcePath(f.ResourceTrigger(), tmpl, field, probs)
		case f.PromptTrigger() != nil:
			f.checkPromptPath(f.PromptTrigger(), tmpl, field, probs)
		}
	}
}

func (b *Binding) checkToolTrigger(path, at string, probs *problems) {
	if b.Direction != In {
		probs.add(path, at+".direction", "must be \"in\"")
	}
	if b.ToolName == "" {
		probs.add(path, at+".toolName", "missing")
	}
	if b.Description == nil {
		// The trigger attribute's only constructor takes both.
		probs.add(path, at+".description", "missing: the host needs toolName and description together")
	}
	if b.DataType != "" && !strings.EqualFold(b.DataType, "string") {
		probs.add(path, at+".dataType", "%q: the trigger value is a JSON string; leave dataType out", b.DataType)
	}
	if len(b.ToolProperties) > 0 {
		var text string
		if err := json.Unmarshal(b.ToolProperties, &text); err != nil {
			probs.add(path, at+".toolProperties", "must be a JSON string holding a JSON array, not raw JSON")
		} else if err := json.Unmarshal([]byte(text), &b.Properties); err != nil {
			probs.add(path, at+".toolProperties", "not a JSON array of properties: %v", err)
		}
	}
	seen := map[string]bool{}
	for i, p := range b.Properties {
		pat := fmt.Sprintf("%s.toolProperties[%d]", at, i)
		switch {
		case p.Name == "":
			probs.add(path, pat+".propertyName", "missing")
		case seen[p.Name]:
			probs.add(path, pat+".propertyName", "%q declared twice", p.Name)
		}
		seen[p.Name] = true
		if !propertyTypes[p.Type] {
			probs.add(path, pat+".propertyType", "%q: want string, number, integer, boolean or object", p.Type)
		}
		if p.Description == "" {
			probs.add(path, pat+".description", "missing: clients show it to the model")
		}
	}
	switch {
	case b.UseWorkerInputSchema && len(b.InputSchema) == 0:
		probs.add(path, at+".inputSchema", "missing: useWorkerInputSchema needs it (the host does not start the tool without)")
	case len(b.InputSchema) > 0 && !b.UseWorkerInputSchema:
		probs.add(path, at+".inputSchema", "ignored by the host unless useWorkerInputSchema is true")
	case len(b.InputSchema) > 0:
		if len(b.ToolProperties) > 0 && string(b.ToolProperties) != `"[]"` {
			probs.add(path, at+".toolProperties", "ignored with useWorkerInputSchema: declare the arguments in inputSchema")
		}
		s, err := parseSchema(b.InputSchema)
		if err != nil {
			probs.add(path, at+".inputSchema", "%v", err)
		}
		b.InputSchemaJSON = s
	}
	if len(b.OutputSchema) > 0 {
		s, err := parseSchema(b.OutputSchema)
		if err != nil {
			probs.add(path, at+".outputSchema", "%v", err)
		}
		b.OutputSchemaJSON = s
		if !b.UseResultSchema {
			probs.add(path, at+".outputSchema", "a tool with an output schema must return structured content: it needs useResultSchema")
		}
	}
	b.parseMetadata(path, at, probs)
}

// checkPath checks each {…} of a binding path against what the host can
// resolve for an MCP tool: {mcptoolargs.<required property>} and
// {sys.<field>}.
func (f *Function) checkPath(t *Binding, path *PathTemplate, field string, probs *problems) {
	for _, e := range path.Exprs() {
		switch strings.ToLower(e.Source) {
		case "mcptoolargs":
			_, declared, required := t.argument(e.Member)
			switch {
			case e.Member == "":
				probs.add(f.Path, field, "%s: name the property, {mcptoolargs.<property>}", e)
			case !declared:
				probs.add(f.Path, field, "%s names no declared tool property", e)
			case !required:
				probs.add(f.Path, field, "%s: property %q must be isRequired, or calls without it fail in the host", e, e.Member)
			}
		case "sys":
			if !sysFields[strings.ToLower(e.Member)] {
				probs.add(f.Path, field, "%s: sys has MethodName, UtcNow and RandGuid", e)
			}
		default:
			probs.add(f.Path, field, "%s: only {mcptoolargs.<property>} and {sys.<field>} are supported", e)
		}
	}
}
