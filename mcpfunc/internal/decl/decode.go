package decl

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"

	"remote-mcp-functions-go/mcpfunc/internal/invoke"
	"remote-mcp-functions-go/mcpfunc/internal/rawjson"
)

// This file reads a call's arguments into the typed input in one pass over
// the JSON the client sent, with the decoder input.go compiles.
//
// Names match exactly, as in go-sdk, where encoding/json would also take a
// member whose name differs only in case: with a field tagged "fileName",
// {"fileName":"a","filename":"../evil"} must give the function the "a" the
// host put in the blob path, not "../evil". Otherwise it decodes as
// encoding/json does (a repeated member read again into the same value,
// null leaving a value as it is or a pointer, slice, map or interface nil,
// invalid UTF-8 replaced), with these differences, each what the schema
// clients see says:
//
//   - a number with an integral value, such as 5.0 or 5e0, is an integer;
//   - a []byte is an array of numbers, never a base64 string;
//   - null is the same as leaving the argument out;
//   - what the schema asks beyond the type (rules.go) is checked.

// maxDepth is how deeply arguments may nest: what the Functions host's
// JSON reader allows, so that both hostings take the same calls.
const maxDepth = invoke.MaxDepth

// decodeArgs reads the arguments object args into v, a settable struct;
// no arguments (empty or null) is the empty object.
func (n *node) decodeArgs(args []byte, v reflect.Value) error {
	args = bytes.TrimSpace(args)
	if len(args) == 0 || string(args) == "null" {
		args = []byte("{}")
	}
	if rawjson.Kind(args, 0) != '{' {
		if rawjson.Valid(args, maxDepth) != nil {
			return errNotJSON
		}
		return Errorf(Invalid, "The arguments must be a JSON object, not %s.", kindName(rawjson.Kind(args, 0)))
	}
	d := decoder{data: args}
	end, err := d.value(n, 0, v, maxDepth, nil)
	if err == nil && rawjson.SkipSpace(args, end) != len(args) {
		err = errNotJSON
	}
	return d.refusal(err)
}

// decodeValue reads data, one JSON value, into v; at names it.
func decodeValue(n *node, data []byte, v reflect.Value, at string) error {
	data = bytes.TrimSpace(data)
	d := decoder{data: data}
	end, err := d.value(n, 0, v, maxDepth, &path{name: at})
	if err == nil && end != len(data) {
		err = errNotJSON
	}
	return d.refusal(err)
}

var errNotJSON = Errorf(Invalid, "The arguments are not valid JSON.")

// decoder reads one document.
type decoder struct {
	data []byte
	// buf is reused for text a value is read from (TextUnmarshaler).
	buf []byte
}

// refusal turns what reading failed with into what the client is told.
func (d *decoder) refusal(err error) error {
	var syntax *rawjson.SyntaxError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &syntax):
		return errNotJSON
	case errors.Is(err, rawjson.ErrTooDeep):
		return Errorf(Invalid, "The arguments nest deeper than %d levels.", maxDepth)
	}
	return err
}

// path names a value inside the arguments, for messages: a member of its
// parent (name), or an element (index ≥ 0).
type path struct {
	parent *path
	name   string
	index  int
}

func (p *path) String() string {
	if p == nil {
		return ""
	}
	if p.name == "" && p.parent == nil {
		return ""
	}
	parent := p.parent.String()
	switch {
	case p.name == "":
		return parent + "[" + strconv.Itoa(p.index) + "]"
	case parent == "":
		return p.name
	}
	return parent + "." + p.name
}

// value reads the value at data[i] into v and returns the offset after
// it. depth is how many more levels may open.
func (d *decoder) value(n *node, i int, v reflect.Value, depth int, at *path) (int, error) {
	k := rawjson.Kind(d.data, i)
	if k == 'n' {
		end, err := rawjson.Skip(d.data, i, 0)
		if err != nil {
			return end, err
		}
		return end, d.null(n, v, at)
	}
	if k == 0 {
		return rawjson.Skip(d.data, i, depth) // the syntax error
	}
	if n.jsonKinds != "" && !bytes.ContainsRune([]byte(n.jsonKinds), rune(k)) {
		// Wrong type: the message names it, the value is still checked
		// as JSON.
		if end, err := rawjson.Skip(d.data, i, depth); err != nil {
			return end, err
		}
		return i, typeError(at, n, k)
	}
	switch n.kind {
	case kindString:
		s, end, err := rawjson.String(d.data, i)
		if err != nil {
			return end, err
		}
		if err := n.rules.checkString(at, s); err != nil {
			return end, err
		}
		v.SetString(s)
		return end, nil
	case kindBool:
		end, err := rawjson.Skip(d.data, i, 0)
		if err != nil {
			return end, err
		}
		b := k == 't'
		if err := n.rules.checkValue(at, b); err != nil {
			return end, err
		}
		v.SetBool(b)
		return end, nil
	case kindInt, kindUint, kindFloat:
		end, err := rawjson.Number(d.data, i)
		if err != nil {
			return end, err
		}
		return end, n.number(at, d.data[i:end], v)
	case kindPointer:
		if v.IsNil() {
			v.Set(reflect.New(n.elem.typ))
		}
		return d.value(n.elem, i, v.Elem(), depth, at)
	case kindSlice, kindArray:
		return d.array(n, i, v, depth, at)
	case kindStruct:
		return d.object(n, i, v, depth, at)
	case kindMap:
		return d.mapping(n, i, v, depth, at)
	case kindAny:
		x, end, err := d.generic(i, depth, at)
		if err != nil {
			return end, err
		}
		if err := n.rules.checkGeneric(at, x); err != nil {
			return end, err
		}
		if x == nil {
			v.SetZero()
		} else {
			v.Set(reflect.ValueOf(x))
		}
		return end, nil
	case kindUnmarshaler:
		end, err := rawjson.Skip(d.data, i, depth)
		if err != nil {
			return end, err
		}
		if n.rules != nil {
			x, _, err := d.generic(i, depth, at)
			if err != nil {
				return end, err
			}
			if err := n.rules.checkGeneric(at, x); err != nil {
				return end, err
			}
		}
		if err := v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(d.data[i:end]); err != nil {
			return end, unreadable(at, n, err)
		}
		return end, nil
	case kindText:
		var err error
		var end int
		if d.buf, end, err = rawjson.AppendString(d.buf[:0], d.data, i); err != nil {
			return end, err
		}
		if err := n.rules.checkString(at, string(d.buf)); err != nil {
			return end, err
		}
		if err := v.Addr().Interface().(interface{ UnmarshalText([]byte) error }).UnmarshalText(d.buf); err != nil {
			return end, unreadable(at, n, err)
		}
		return end, nil
	}
	panic("mcpfunc: unknown kind")
}

// null is an argument sent as null: the same as leaving it out. Like
// encoding/json, a pointer, slice, map or interface becomes nil, a type
// that reads JSON itself reads it, and any other value is left as it is.
func (d *decoder) null(n *node, v reflect.Value, at *path) error {
	switch n.kind {
	case kindPointer, kindSlice, kindMap, kindAny:
		v.SetZero()
	case kindUnmarshaler:
		if err := v.Addr().Interface().(json.Unmarshaler).UnmarshalJSON([]byte("null")); err != nil {
			return unreadable(at, n, err)
		}
	}
	return nil
}

// array reads an array into a slice or an array, as encoding/json does:
// a slice gets exactly the elements, an array its first elements, the
// rest zero.
func (d *decoder) array(n *node, i int, v reflect.Value, depth int, at *path) (int, error) {
	if depth == 0 {
		return i, rawjson.ErrTooDeep
	}
	count := 0
	end, err := rawjson.Array(d.data, i, func(at2 int) (int, error) {
		here := &path{parent: at, index: count}
		switch {
		case n.kind == kindArray && count >= v.Len():
			count++
			return rawjson.Skip(d.data, at2, depth-1)
		case n.kind == kindSlice && count >= v.Len():
			if count >= v.Cap() {
				v.Grow(1)
			}
			v.SetLen(count + 1)
			v.Index(count).SetZero()
		}
		end, err := d.value(n.elem, at2, v.Index(count), depth-1, here)
		count++
		return end, err
	})
	if err != nil {
		return end, err
	}
	switch {
	case n.kind == kindArray:
		for j := count; j < v.Len(); j++ {
			v.Index(j).SetZero()
		}
	case count == 0:
		v.Set(reflect.MakeSlice(n.typ, 0, 0))
	default:
		v.SetLen(count)
	}
	if n.rules != nil {
		if err := n.rules.checkItems(at, count, func() ([]any, error) { return d.elements(i, depth, at) }); err != nil {
			return end, err
		}
		if err := n.rules.checkComposite(at, func() (any, error) { x, _, err := d.generic(i, depth, at); return x, err }); err != nil {
			return end, err
		}
	}
	return end, nil
}

// object reads an object into a struct: members by their exact names,
// others refused (a closed object) or skipped; then the required ones
// checked and the defaults of the absent ones set.
func (d *decoder) object(n *node, i int, v reflect.Value, depth int, at *path) (int, error) {
	if depth == 0 {
		return i, rawjson.ErrTooDeep
	}
	var seenBuf [16]bool
	seen := seenBuf[:0]
	if len(n.fields) > len(seenBuf) {
		seen = make([]bool, len(n.fields))
	} else {
		seen = seenBuf[:len(n.fields)]
	}
	members := 0
	end, err := rawjson.Object(d.data, i, func(name []byte, at2 int) (int, error) {
		members++
		j := n.fieldIndex(name)
		if j < 0 {
			if n.closed {
				return at2, unknownMember(at, string(name), n)
			}
			return rawjson.Skip(d.data, at2, depth-1)
		}
		f := &n.fields[j]
		seen[j] = rawjson.Kind(d.data, at2) != 'n'
		return d.value(f.node, at2, v.FieldByIndex(f.index), depth-1, &path{parent: at, name: f.name})
	})
	if err != nil {
		return end, err
	}
	var missing []string
	for k := range n.fields {
		f := &n.fields[k]
		switch {
		case seen[k]:
		case f.required:
			missing = append(missing, (&path{parent: at, name: f.name}).String())
		case f.def != nil:
			dd := decoder{data: f.def}
			if _, err := dd.value(f.node, rawjson.SkipSpace(f.def, 0), v.FieldByIndex(f.index), depth-1, &path{parent: at, name: f.name}); err != nil {
				return end, err
			}
		}
	}
	if len(missing) > 0 {
		return end, missingArguments(missing)
	}
	if n.rules != nil {
		if err := n.rules.checkMembers(at, members); err != nil {
			return end, err
		}
		if err := n.rules.checkComposite(at, func() (any, error) { x, _, err := d.generic(i, depth, at); return x, err }); err != nil {
			return end, err
		}
	}
	return end, nil
}

// mapping reads an object into a map, as encoding/json does: into the map
// there is, or a new one.
func (d *decoder) mapping(n *node, i int, v reflect.Value, depth int, at *path) (int, error) {
	if depth == 0 {
		return i, rawjson.ErrTooDeep
	}
	if v.IsNil() {
		v.Set(reflect.MakeMap(n.typ))
	}
	kt := n.typ.Key()
	end, err := rawjson.Object(d.data, i, func(name []byte, at2 int) (int, error) {
		elem := reflect.New(n.elem.typ).Elem()
		end, err := d.value(n.elem, at2, elem, depth-1, &path{parent: at, name: string(name)})
		if err != nil {
			return end, err
		}
		v.SetMapIndex(reflect.ValueOf(string(name)).Convert(kt), elem)
		return end, nil
	})
	if err != nil {
		return end, err
	}
	if n.rules != nil {
		if err := n.rules.checkMembers(at, v.Len()); err != nil {
			return end, err
		}
		if err := n.rules.checkComposite(at, func() (any, error) { x, _, err := d.generic(i, depth, at); return x, err }); err != nil {
			return end, err
		}
	}
	return end, nil
}

// generic reads the value at data[i] as encoding/json reads it into an
// interface: map[string]any, []any, float64, string, bool or nil.
func (d *decoder) generic(i, depth int, at *path) (any, int, error) {
	switch rawjson.Kind(d.data, i) {
	case '"':
		s, end, err := rawjson.String(d.data, i)
		return s, end, err
	case '0':
		end, err := rawjson.Number(d.data, i)
		if err != nil {
			return nil, end, err
		}
		f, err := strconv.ParseFloat(string(d.data[i:end]), 64)
		if err != nil {
			return nil, end, floatRange(at, 64)
		}
		return f, end, nil
	case 't', 'f', 'n':
		end, err := rawjson.Skip(d.data, i, 0)
		if err != nil {
			return nil, end, err
		}
		switch d.data[i] {
		case 't':
			return true, end, nil
		case 'f':
			return false, end, nil
		}
		return nil, end, nil
	case '[':
		if depth == 0 {
			return nil, i, rawjson.ErrTooDeep
		}
		out := []any{}
		end, err := rawjson.Array(d.data, i, func(at2 int) (int, error) {
			x, end, err := d.generic(at2, depth-1, &path{parent: at, index: len(out)})
			out = append(out, x)
			return end, err
		})
		return out, end, err
	case '{':
		if depth == 0 {
			return nil, i, rawjson.ErrTooDeep
		}
		out := map[string]any{}
		end, err := rawjson.Object(d.data, i, func(name []byte, at2 int) (int, error) {
			x, end, err := d.generic(at2, depth-1, &path{parent: at, name: string(name)})
			out[string(name)] = x
			return end, err
		})
		return out, end, err
	}
	end, err := rawjson.Skip(d.data, i, depth)
	return nil, end, err
}

// elements reads the array at data[i] generically, one value per element.
func (d *decoder) elements(i, depth int, at *path) ([]any, error) {
	x, _, err := d.generic(i, depth, at)
	if err != nil {
		return nil, err
	}
	items, _ := x.([]any)
	return items, nil
}
