package decl

import (
	"encoding"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
)

// This file compiles what a call's arguments must be into a decoder: the
// input type's fields, found once by reflection, each with what its
// schema asks of it (decode.go reads the arguments with it, rules.go
// checks and says what is wrong). The schema is the one clients are shown,
// so what they are told is what is checked, and only that.

// kind is how a value decodes.
type kind uint8

const (
	kindString kind = iota
	kindBool
	kindInt
	kindUint
	kindFloat
	kindSlice
	kindArray
	kindStruct
	kindMap
	kindPointer
	kindAny         // interface{}: maps, slices, float64, string, bool, nil
	kindUnmarshaler // a type with its own UnmarshalJSON
	kindText        // a type with its own UnmarshalText, from a string
)

// node decodes one value of a type, with what the schema asks of it.
type node struct {
	kind kind
	typ  reflect.Type
	// elem is the pointer's target, or the slice's, array's or map's
	// element.
	elem *node
	// fields are a struct's arguments, in declaration order.
	fields []field
	// closed refuses members that are not fields (additionalProperties
	// false).
	closed bool
	// want names the JSON type the value must be, for messages: "a
	// string", "an integer", …; jsonKinds are the kinds it may be
	// (rawjson.Kind), empty for any.
	want      string
	jsonKinds string
	rules     *rules
}

// field is one member of a struct.
type field struct {
	name     string
	index    []int
	node     *node
	required bool
	// def is the schema's default, decoded when the member is absent.
	def json.RawMessage
}

// field returns the struct's field named name exactly, or nil.
func (n *node) field(name []byte) *field {
	if i := n.fieldIndex(name); i >= 0 {
		return &n.fields[i]
	}
	return nil
}

// fieldIndex is the index in fields of the one named name exactly, or -1.
// Inputs have a handful of fields: a scan beats a map.
func (n *node) fieldIndex(name []byte) int {
	for i := range n.fields {
		if n.fields[i].name == string(name) {
			return i
		}
	}
	return -1
}

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// compile makes the decoder of t for schema s. at names the value in
// errors, which are the declaration's mistakes: a schema that says what
// cannot be checked, or that does not match the type.
func compile(t reflect.Type, s *jsonschema.Schema, at string) (*node, error) {
	if s == nil {
		s = &jsonschema.Schema{}
	}
	if err := supported(s, at); err != nil {
		return nil, err
	}
	n := &node{typ: t}
	switch {
	case t.Kind() == reflect.Pointer:
		elem, err := compile(t.Elem(), s, at)
		if err != nil {
			return nil, err
		}
		n.kind, n.elem, n.want, n.jsonKinds, n.rules = kindPointer, elem, elem.want, elem.jsonKinds, nil
		return n, nil
	case reflect.PointerTo(t).Implements(unmarshalerType):
		n.kind = kindUnmarshaler
	case reflect.PointerTo(t).Implements(textUnmarshalerType):
		n.kind, n.jsonKinds = kindText, `"`
	default:
		var err error
		if err = n.compileKind(t, s, at); err != nil {
			return nil, err
		}
	}
	if err := n.schemaTypes(s, at); err != nil {
		return nil, err
	}
	r, err := compileRules(s, at)
	if err != nil {
		return nil, err
	}
	n.rules = r
	return n, nil
}

// compileKind sets n up for a type without a decoding of its own.
func (n *node) compileKind(t reflect.Type, s *jsonschema.Schema, at string) error {
	switch t.Kind() {
	case reflect.String:
		n.kind, n.jsonKinds = kindString, `"`
	case reflect.Bool:
		n.kind, n.jsonKinds = kindBool, "tf"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n.kind, n.jsonKinds = kindInt, "0"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n.kind, n.jsonKinds = kindUint, "0"
	case reflect.Float32, reflect.Float64:
		n.kind, n.jsonKinds = kindFloat, "0"
	case reflect.Interface:
		if t.NumMethod() > 0 {
			return fmt.Errorf("%s: an interface with methods cannot hold an argument", at)
		}
		n.kind = kindAny
	case reflect.Slice, reflect.Array:
		if t == reflect.TypeFor[json.RawMessage]() {
			return fmt.Errorf("%s: json.RawMessage has no schema clients can use; use any", at)
		}
		n.kind, n.jsonKinds = kindSlice, "["
		if t.Kind() == reflect.Array {
			n.kind = kindArray
		}
		elem, err := compile(t.Elem(), s.Items, at+"[]")
		if err != nil {
			return err
		}
		n.elem = elem
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return fmt.Errorf("%s: a map needs string keys to hold JSON members", at)
		}
		if len(s.Properties) > 0 {
			return fmt.Errorf("%s: properties on a map cannot be checked; use a struct", at)
		}
		n.kind, n.jsonKinds = kindMap, "{"
		elem, err := compile(t.Elem(), s.AdditionalProperties, at+".*")
		if err != nil {
			return err
		}
		n.elem = elem
	case reflect.Struct:
		n.kind, n.jsonKinds = kindStruct, "{"
		return n.compileStruct(t, s, at)
	default:
		return fmt.Errorf("%s: a %s cannot hold an argument", at, t.Kind())
	}
	return nil
}

// compileStruct finds the struct's fields as encoding/json does, and
// pairs each with its property of the schema.
func (n *node) compileStruct(t reflect.Type, s *jsonschema.Schema, at string) error {
	fields, err := jsonFields(t, at)
	if err != nil {
		return err
	}
	prefix := at + "."
	if at == "" {
		prefix = ""
	}
	for _, f := range fields {
		ps, ok := s.Properties[f.name]
		if !ok {
			return fmt.Errorf("argument %q is a field of the input but not in its schema", prefix+f.name)
		}
		if f.node, err = compile(f.typ, ps, prefix+f.name); err != nil {
			return err
		}
		f.required = slices.Contains(s.Required, f.name)
		f.def = ps.Default
		n.fields = append(n.fields, f.field)
	}
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		if n.field([]byte(name)) == nil {
			return fmt.Errorf("argument %q is in the schema but no field of the input", prefix+name)
		}
	}
	for _, name := range s.Required {
		if n.field([]byte(name)) == nil {
			return fmt.Errorf("required argument %q is no field of the input", prefix+name)
		}
	}
	// false closes the object; true, absent or a schema leaves it open:
	// members that are no field are then ignored, as the host ignores
	// them.
	if a := s.AdditionalProperties; a != nil {
		if b, _ := json.Marshal(a); string(b) == "false" {
			n.closed = true
		} else if string(b) != "true" && string(b) != "{}" {
			return fmt.Errorf("%s: additionalProperties with a schema cannot be checked on a struct; use a map", orRoot(at))
		}
	}
	for i := range n.fields {
		if d := n.fields[i].def; d != nil {
			// A default that would be refused is the declaration's
			// mistake, found now rather than on a call.
			v := reflect.New(n.fields[i].node.typ).Elem()
			if err := decodeValue(n.fields[i].node, d, v, prefix+n.fields[i].name); err != nil {
				return fmt.Errorf("the default of %s: %v", prefix+n.fields[i].name, err)
			}
		}
	}
	return nil
}

func orRoot(at string) string {
	if at == "" {
		return "the arguments"
	}
	return at
}

// schemaTypes checks that the schema's type says what the Go type
// decodes, and sets what messages say the value must be.
func (n *node) schemaTypes(s *jsonschema.Schema, at string) error {
	types := s.Types
	if s.Type != "" {
		types = []string{s.Type}
	}
	types = slices.DeleteFunc(slices.Clone(types), func(t string) bool { return t == "null" })
	natural := map[kind]string{kindString: "string", kindBool: "boolean", kindInt: "integer", kindUint: "integer",
		kindFloat: "number", kindSlice: "array", kindArray: "array", kindMap: "object", kindStruct: "object"}[n.kind]
	switch {
	case n.kind == kindAny || n.kind == kindUnmarshaler || n.kind == kindText:
		// The schema says what is accepted: the type reads whatever
		// it is given.
		if len(types) > 0 {
			n.jsonKinds = ""
			for _, t := range types {
				n.jsonKinds += jsonKindsOf(t)
			}
			if n.kind == kindText && n.jsonKinds != `"` {
				return fmt.Errorf("%s: a type read from text takes a string, not %s", orRoot(at), strings.Join(types, " or "))
			}
		}
	case len(types) == 0:
		types = []string{natural}
	case len(types) != 1 || types[0] != natural && !(natural == "number" && types[0] == "integer"):
		return fmt.Errorf("%s: the schema says %s; the field holds %s", orRoot(at), strings.Join(types, " or "), natural)
	}
	if natural == "number" && len(types) == 1 && types[0] == "integer" {
		n.jsonKinds = "0" // a float field the schema wants integral
		n.want = "an integer"
	}
	if n.want == "" {
		var names []string
		for _, t := range types {
			names = append(names, article(t))
		}
		n.want = strings.Join(names, " or ")
	}
	return nil
}

// jsonKindsOf is the rawjson kinds of a JSON schema type.
func jsonKindsOf(t string) string {
	switch t {
	case "string":
		return `"`
	case "boolean":
		return "tf"
	case "integer", "number":
		return "0"
	case "array":
		return "["
	case "object":
		return "{"
	}
	return ""
}

// article names a JSON schema type with its article.
func article(t string) string {
	switch t {
	case "integer", "array", "object":
		return "an " + t
	case "":
		return "a value"
	}
	return "a " + t
}

// keywords are the schema keywords the decoder enforces or that only
// annotate. Any other keyword would be shown to clients and not kept, so
// a schema with one is refused at declaration.
var keywords = map[string]bool{
	// What the value must be.
	"type": true, "enum": true, "const": true,
	"minimum": true, "maximum": true, "exclusiveMinimum": true, "exclusiveMaximum": true, "multipleOf": true,
	"minLength": true, "maxLength": true, "pattern": true,
	"items": true, "minItems": true, "maxItems": true, "uniqueItems": true,
	"properties": true, "required": true, "additionalProperties": true, "minProperties": true, "maxProperties": true,
	"default": true,
	// Annotations: for people and models, nothing to check.
	"title": true, "description": true, "examples": true, "deprecated": true, "readOnly": true, "writeOnly": true,
	"$comment": true, "$schema": true, "format": true, "contentEncoding": true, "contentMediaType": true,
}

// supported refuses a schema with a keyword the decoder does not enforce.
func supported(s *jsonschema.Schema, at string) error {
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("%s: the schema does not encode: %v", orRoot(at), err)
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(b, &members) != nil {
		return nil // true or false
	}
	for _, k := range slices.Sorted(maps.Keys(members)) {
		if !keywords[k] && !isExtra(s, k) {
			return fmt.Errorf("%s: the schema keyword %q is not enforced, so it would promise clients what is not checked; use the function's own check", orRoot(at), k)
		}
	}
	if s.ItemsArray != nil {
		return fmt.Errorf("%s: items as a list of schemas is not enforced; give items one schema", orRoot(at))
	}
	return nil
}

// isExtra reports whether k is one of the schema's unknown members, which
// JSON schema treats as annotations.
func isExtra(s *jsonschema.Schema, k string) bool {
	_, ok := s.Extra[k]
	return ok
}

// jsonField is a struct field as encoding/json sees it.
type jsonField struct {
	field
	typ    reflect.Type
	tagged bool
	depth  int
}

// jsonFields lists t's fields by their JSON names as encoding/json finds
// them: exported fields, embedded structs' fields promoted, a name at a
// shallower depth hiding deeper ones, and two at the same depth hiding
// each other unless one is tagged.
func jsonFields(t reflect.Type, at string) ([]jsonField, error) {
	var all []jsonField
	var walk func(t reflect.Type, index []int, depth int) error
	walk = func(t reflect.Type, index []int, depth int) error {
		for i := range t.NumField() {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if strings.Contains(","+opts+",", ",string,") {
				return fmt.Errorf("%s: field %s: the json ,string option is not supported for arguments", orRoot(at), sf.Name)
			}
			ft := sf.Type
			if sf.Anonymous && name == "" {
				if ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct {
					return fmt.Errorf("%s: embedded pointer %s: embed the struct itself", orRoot(at), sf.Name)
				}
				if ft.Kind() == reflect.Struct {
					if err := walk(ft, append(slices.Clone(index), i), depth+1); err != nil {
						return err
					}
					continue
				}
			}
			if !sf.IsExported() {
				continue
			}
			all = append(all, jsonField{
				field:  field{name: cmpOr(name, sf.Name), index: append(slices.Clone(index), i)},
				typ:    ft,
				tagged: name != "",
				depth:  depth,
			})
		}
		return nil
	}
	if err := walk(t, nil, 0); err != nil {
		return nil, err
	}
	var out []jsonField
	for _, f := range all {
		rivals := slices.DeleteFunc(slices.Clone(all), func(g jsonField) bool { return g.name != f.name })
		best := slices.MinFunc(rivals, func(a, b jsonField) int { return a.depth - b.depth })
		var atBest []jsonField
		for _, g := range rivals {
			if g.depth == best.depth {
				atBest = append(atBest, g)
			}
		}
		tagged := slices.DeleteFunc(slices.Clone(atBest), func(g jsonField) bool { return !g.tagged })
		switch {
		case f.depth != best.depth:
		case len(atBest) == 1, len(tagged) == 1 && f.tagged:
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(a, b jsonField) int { return slices.Compare(a.index, b.index) })
	return out, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// rules is what a schema asks of a value beyond its type.
type rules struct {
	enum              []any // each as encoding/json decodes it into any
	constant          any
	hasConst          bool
	minimum, maximum  *float64
	exclusiveMin      *float64
	exclusiveMax      *float64
	multipleOf        *float64
	minLength         int
	maxLength         int // -1: none
	pattern           *regexp.Regexp
	minItems          int
	maxItems          int // -1: none
	uniqueItems       bool
	minProps, maxProp int // maxProp -1: none
}

// compileRules reads what s asks beyond the type; nil when nothing.
func compileRules(s *jsonschema.Schema, at string) (*rules, error) {
	r := &rules{maxLength: -1, maxItems: -1, maxProp: -1}
	some := false
	norm := func(v any) (any, error) {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		var out any
		err = json.Unmarshal(b, &out)
		return out, err
	}
	for _, e := range s.Enum {
		v, err := norm(e)
		if err != nil {
			return nil, fmt.Errorf("%s: enum value %v: %v", orRoot(at), e, err)
		}
		r.enum, some = append(r.enum, v), true
	}
	if s.Const != nil {
		v, err := norm(*s.Const)
		if err != nil {
			return nil, fmt.Errorf("%s: const: %v", orRoot(at), err)
		}
		r.constant, r.hasConst, some = v, true, true
	}
	r.minimum, r.maximum, r.exclusiveMin, r.exclusiveMax, r.multipleOf = s.Minimum, s.Maximum, s.ExclusiveMinimum, s.ExclusiveMaximum, s.MultipleOf
	if r.multipleOf != nil && *r.multipleOf <= 0 {
		return nil, fmt.Errorf("%s: multipleOf must be greater than 0", orRoot(at))
	}
	some = some || s.Minimum != nil || s.Maximum != nil || s.ExclusiveMinimum != nil || s.ExclusiveMaximum != nil || s.MultipleOf != nil
	intOr := func(p *int, def int) int {
		if p == nil {
			return def
		}
		some = true
		return *p
	}
	r.minLength, r.maxLength = intOr(s.MinLength, 0), intOr(s.MaxLength, -1)
	r.minItems, r.maxItems = intOr(s.MinItems, 0), intOr(s.MaxItems, -1)
	r.minProps, r.maxProp = intOr(s.MinProperties, 0), intOr(s.MaxProperties, -1)
	if s.Pattern != "" {
		re, err := regexp.Compile(s.Pattern)
		if err != nil {
			return nil, fmt.Errorf("%s: pattern %q is not a Go (RE2) regular expression: %v", orRoot(at), s.Pattern, err)
		}
		r.pattern, some = re, true
	}
	if s.UniqueItems {
		r.uniqueItems, some = true, true
	}
	if !some {
		return nil, nil
	}
	return r, nil
}
