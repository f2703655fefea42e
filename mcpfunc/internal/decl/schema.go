package decl

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"

	"github.com/google/jsonschema-go/jsonschema"
)

// This file is a tool's input schema: inferred from its input type,
// adjusted by the declaration, and listed to clients in one of the two
// forms the host knows (see [Tool.Properties]). What is listed is what
// the decoder enforces (input.go).

// InputSchema is the JSON schema of the tool's arguments: inferred from
// the input type as go-sdk's mcp.AddTool infers it
// (github.com/google/jsonschema-go), with one change, then adjusted by
// Handler.WithSchema.
//
// The change: an optional pointer, slice or map is typed as what it
// points to or holds, not also "null" (jsonschema-go writes
// ["null","integer"] for a *int). null is accepted for any argument and
// means the argument was left out, so the "null" adds nothing, and
// clients that expect one type per property warn about a list of them;
// a list of types would also make the host need the whole schema
// (useWorkerInputSchema) where its plain properties suffice.
func (t *Tool) InputSchema() (*jsonschema.Schema, error) {
	if t.Handler.in == nil {
		return nil, fmt.Errorf("tool %q has no handler", t.Name)
	}
	if t.Handler.in.Kind() != reflect.Struct {
		return nil, fmt.Errorf("tool %q: the input must be a struct, not %s", t.Name, t.Handler.in)
	}
	s, err := jsonschema.ForType(t.Handler.in, nil)
	if err != nil {
		return nil, fmt.Errorf("tool %q input: %w", t.Name, err)
	}
	withoutNull(s)
	if t.Handler.adjust != nil {
		t.Handler.adjust(s)
	}
	return s, nil
}

// withoutNull types each property that may be null as what it is
// otherwise, throughout the schema.
func withoutNull(s *jsonschema.Schema) {
	if s == nil {
		return
	}
	if len(s.Types) == 2 && slices.Contains(s.Types, "null") {
		s.Type = s.Types[0]
		if s.Type == "null" {
			s.Type = s.Types[1]
		}
		s.Types = nil
	}
	for _, p := range s.Properties {
		withoutNull(p)
	}
	withoutNull(s.Items)
	withoutNull(s.AdditionalProperties)
}

// Property is one argument as a trigger's toolProperties declares it
// (the extension's McpToolPropertyAttribute).
type Property struct {
	Name, Type, Description string
	Required, IsArray       bool
}

// Properties lists the tool's arguments as toolProperties, and reports
// whether they say all its input schema says. When they do, the host
// lists its own schema built from them, which every bundle with MCP
// understands:
//
//	{"type":"object","properties":{"<name>":{"type":…,"description":…}},"required":[…]}
//
// That is: top-level strings, numbers, integers, booleans and arrays of
// those, each with a type and a description at most, and nothing on the
// root but them. Anything more (enums, bounds, lengths, defaults, nested
// objects, additionalProperties: false) needs the whole schema, listed as
// it is (useWorkerInputSchema, extension 1.2.0), and is enforced as it
// says. additionalProperties: false, which every inferred schema has, is
// the one thing the plain form drops: such a tool ignores arguments it
// does not declare, as the host does.
func (t *Tool) Properties() ([]Property, bool, error) {
	s, err := t.InputSchema()
	if err != nil {
		return nil, false, err
	}
	props, flat := flatProperties(s)
	return props, flat, nil
}

// ListedInputSchema is the input schema as clients see it, in the form
// [Tool.Properties] picks.
func (t *Tool) ListedInputSchema() (*jsonschema.Schema, error) {
	s, err := t.InputSchema()
	if err != nil {
		return nil, err
	}
	if _, flat := flatProperties(s); flat {
		s.AdditionalProperties = nil
	}
	return s, nil
}

// flatProperties is Properties of a schema.
func flatProperties(s *jsonschema.Schema) ([]Property, bool) {
	props := []Property{}
	for _, name := range propertyOrder(s) {
		p := s.Properties[name]
		typ, isArray, ok := flatType(p)
		if !ok {
			return nil, false
		}
		props = append(props, Property{Name: name, Type: typ, Description: p.Description, Required: slices.Contains(s.Required, name), IsArray: isArray})
	}
	// Anything on the root beyond its properties, such as bounds on their
	// number, needs the whole schema.
	root := *s
	root.Properties, root.Required, root.PropertyOrder, root.AdditionalProperties = nil, nil, nil, nil
	if b, _ := json.Marshal(&root); string(b) != `{"type":"object"}` {
		return nil, false
	}
	return props, true
}

// flatType is a property's toolProperties type, and whether it is an array.
func flatType(p *jsonschema.Schema) (typ string, isArray, ok bool) {
	scalar := func(t string) bool { return t == "string" || t == "number" || t == "integer" || t == "boolean" }
	bare := *p
	bare.Type, bare.Description, bare.Items = "", "", nil
	// An empty schema marshals as true.
	if b, _ := json.Marshal(&bare); string(b) != `true` && string(b) != `{}` {
		return "", false, false // several types, enums, bounds, formats, nested objects…
	}
	switch {
	case scalar(p.Type) && p.Items == nil:
		return p.Type, false, true
	case p.Type == "array":
		if p.Items == nil {
			return "", false, false
		}
		if it, nested, ok := flatType(p.Items); ok && !nested && p.Items.Description == "" {
			return it, true, true
		}
	}
	return "", false, false
}

// propertyOrder is the properties in declaration order.
func propertyOrder(s *jsonschema.Schema) []string {
	order := slices.DeleteFunc(slices.Clone(s.PropertyOrder), func(name string) bool { return s.Properties[name] == nil })
	listed := len(order)
	for name := range s.Properties {
		if !slices.Contains(order[:listed], name) {
			order = append(order, name)
		}
	}
	slices.Sort(order[listed:])
	return order
}
