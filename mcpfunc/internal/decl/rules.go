package decl

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// This file checks what an input schema asks of an argument beyond its
// type, and says what is wrong in the words clients read: "Argument
// 'limit' must be between 1 and 1000." Messages name arguments by their
// JSON names and values by their JSON types, never a Go type.

// typeError is a value of the wrong JSON type.
func typeError(at *path, n *node, got byte) error {
	if at.String() == "" {
		return Errorf(Invalid, "The arguments must be a JSON object, not %s.", kindName(got))
	}
	return Errorf(Invalid, "Argument '%s' must be %s, not %s.", at, n.want, kindName(got))
}

// kindName names the type of a JSON value by its first byte.
func kindName(k byte) string {
	switch k {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case '"':
		return "a string"
	case 'n':
		return "null"
	case '0':
		return "a number"
	}
	return "not JSON"
}

// unknownMember is a member a closed object does not have.
func unknownMember(at *path, name string, n *node) error {
	names := make([]string, len(n.fields))
	for i, f := range n.fields {
		names[i] = "'" + f.name + "'"
	}
	if at.String() == "" {
		return Errorf(Invalid, "Unknown argument '%s'; the arguments are %s.", name, strings.Join(names, ", "))
	}
	return Errorf(Invalid, "Unknown argument '%s.%s'; the members of '%s' are %s.", at, name, at, strings.Join(names, ", "))
}

// missingArguments names the required arguments a call left out or sent
// as null.
func missingArguments(names []string) error {
	if len(names) == 1 {
		return Errorf(Invalid, "Argument '%s' is missing.", names[0])
	}
	return Errorf(Invalid, "Arguments '%s' are missing.", strings.Join(names, "', '"))
}

// unreadable is a value a type's own UnmarshalJSON or UnmarshalText
// refused: its message if it is an *Error, else what the value must be.
func unreadable(at *path, n *node, err error) error {
	if e, ok := err.(*Error); ok {
		return e
	}
	t := n.typ
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeFor[time.Time]() {
		return Errorf(Invalid, "Argument '%s' must be a date and time as RFC 3339 writes it, such as 2026-01-02T15:04:05Z.", at)
	}
	return Errorf(Invalid, "Argument '%s' has a value this tool cannot read.", at)
}

// number reads an integer or a number into v: an integral value of any
// form for an integer (5, 5.0, 5e0), within the schema's bounds, then
// within what the field holds.
func (n *node) number(at *path, text []byte, v reflect.Value) error {
	x := parseNumber(text)
	if n.want == "an integer" && !x.integral() {
		if len(text) <= 32 {
			return Errorf(Invalid, "Argument '%s' must be an integer, not %s.", at, text)
		}
		return Errorf(Invalid, "Argument '%s' must be an integer.", at)
	}
	if err := n.rules.checkNumber(at, x); err != nil {
		return err
	}
	switch n.kind {
	case kindInt:
		bits := n.typ.Bits()
		limit := uint64(1) << (bits - 1)
		mag, ok := x.magnitude()
		if !ok || !x.neg && mag > limit-1 || x.neg && mag > limit {
			return Errorf(Invalid, "Argument '%s' must be an integer between %d and %d.", at, -int64(limit-1)-1, limit-1)
		}
		if x.neg {
			v.SetInt(-int64(mag-1) - 1)
		} else {
			v.SetInt(int64(mag))
		}
	case kindUint:
		bits := n.typ.Bits()
		most := uint64(math.MaxUint64) >> (64 - bits)
		mag, ok := x.magnitude()
		if !ok || x.neg && mag != 0 || mag > most {
			return Errorf(Invalid, "Argument '%s' must be an integer between 0 and %d.", at, most)
		}
		v.SetUint(mag)
	case kindFloat:
		bits := n.typ.Bits()
		f, err := strconv.ParseFloat(string(text), bits)
		if err != nil {
			return floatRange(at, bits)
		}
		v.SetFloat(f)
	}
	return nil
}

// floatRange is a number too large for a float of bits bits.
func floatRange(at *path, bits int) error {
	most := math.MaxFloat64
	if bits == 32 {
		most = math.MaxFloat32
	}
	return Errorf(Invalid, "Argument '%s' must be a number between %s and %s.", at, strconv.FormatFloat(-most, 'g', -1, bits), strconv.FormatFloat(most, 'g', -1, bits))
}

// decimal is a JSON number read exactly: mant × 10^exp, mant its
// significant digits without leading or trailing zeros ("" for zero).
type decimal struct {
	text []byte
	neg  bool
	mant string
	exp  int
}

// parseNumber reads a number rawjson has checked.
func parseNumber(text []byte) decimal {
	x := decimal{text: text}
	s := string(text)
	if s != "" && s[0] == '-' {
		x.neg, s = true, s[1:]
	}
	intPart, rest := s, ""
	if i := strings.IndexAny(s, ".eE"); i >= 0 {
		intPart, rest = s[:i], s[i:]
	}
	frac := ""
	if strings.HasPrefix(rest, ".") {
		frac = rest[1:]
		if i := strings.IndexAny(frac, "eE"); i >= 0 {
			frac, rest = frac[:i], frac[i:]
		} else {
			rest = ""
		}
	}
	exp := 0
	if rest != "" { // e or E, then the exponent
		e := rest[1:]
		sign := 1
		switch {
		case strings.HasPrefix(e, "-"):
			sign, e = -1, e[1:]
		case strings.HasPrefix(e, "+"):
			e = e[1:]
		}
		for _, c := range e {
			if exp < 1e9 { // far beyond any float; saturates
				exp = exp*10 + int(c-'0')
			}
		}
		exp *= sign
	}
	mant := strings.TrimLeft(intPart+frac, "0")
	exp -= len(frac)
	trimmed := strings.TrimRight(mant, "0")
	exp += len(mant) - len(trimmed)
	x.mant, x.exp = trimmed, exp
	if x.mant == "" {
		x.neg, x.exp = false, 0 // -0 is 0
	}
	return x
}

// integral reports whether the number is a whole number.
func (x decimal) integral() bool { return x.mant == "" || x.exp >= 0 }

// magnitude is the absolute value of an integral number, when it fits.
func (x decimal) magnitude() (uint64, bool) {
	switch {
	case x.mant == "":
		return 0, true
	case !x.integral() || len(x.mant)+x.exp > 20:
		return 0, false
	}
	v, err := strconv.ParseUint(x.mant, 10, 64)
	if err != nil {
		return 0, false
	}
	for range x.exp {
		if v > math.MaxUint64/10 {
			return 0, false
		}
		v *= 10
	}
	return v, true
}

// float is the number as a float64: ±Inf when too large.
func (x decimal) float() float64 {
	f, _ := strconv.ParseFloat(string(x.text), 64)
	return f
}

// compare orders the number against a bound: exactly when both are
// integers an int64 holds, else as float64s, as JSON schema validators
// compare.
func (x decimal) compare(bound float64) int {
	if mag, ok := x.magnitude(); ok && mag <= math.MaxInt64 && bound == math.Trunc(bound) && math.Abs(bound) < 1<<63 {
		v, b := int64(mag), int64(bound)
		if x.neg {
			v = -v
		}
		return cmpInt(v, b)
	}
	f := x.float()
	switch {
	case f < bound:
		return -1
	case f > bound:
		return 1
	}
	return 0
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// formatBound writes a bound as a person would: 1000, not 1e+03.
func formatBound(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// checkNumber checks a number against the bounds, multipleOf, enum and
// const.
func (r *rules) checkNumber(at *path, x decimal) error {
	if r == nil {
		return nil
	}
	out := r.minimum != nil && x.compare(*r.minimum) < 0 ||
		r.maximum != nil && x.compare(*r.maximum) > 0 ||
		r.exclusiveMin != nil && x.compare(*r.exclusiveMin) <= 0 ||
		r.exclusiveMax != nil && x.compare(*r.exclusiveMax) >= 0
	if out {
		return Errorf(Invalid, "Argument '%s' must be %s.", at, r.boundsText())
	}
	if m := r.multipleOf; m != nil {
		q := x.float() / *m
		if math.IsInf(q, 0) || q != math.Trunc(q) {
			return Errorf(Invalid, "Argument '%s' must be a multiple of %s.", at, formatBound(*m))
		}
	}
	return r.checkValue(at, x.float())
}

// boundsText says a number's bounds: "between 1 and 1000", "at least 0",
// "greater than 0 and at most 10".
func (r *rules) boundsText() string {
	if r.minimum != nil && r.maximum != nil && r.exclusiveMin == nil && r.exclusiveMax == nil {
		return "between " + formatBound(*r.minimum) + " and " + formatBound(*r.maximum)
	}
	var parts []string
	if r.minimum != nil {
		parts = append(parts, "at least "+formatBound(*r.minimum))
	}
	if r.exclusiveMin != nil {
		parts = append(parts, "greater than "+formatBound(*r.exclusiveMin))
	}
	if r.maximum != nil {
		parts = append(parts, "at most "+formatBound(*r.maximum))
	}
	if r.exclusiveMax != nil {
		parts = append(parts, "less than "+formatBound(*r.exclusiveMax))
	}
	return strings.Join(parts, " and ")
}

// checkString checks a string's length in characters, its pattern, enum
// and const.
func (r *rules) checkString(at *path, s string) error {
	if r == nil {
		return nil
	}
	if r.minLength > 0 || r.maxLength >= 0 && len(s) > r.maxLength {
		n := utf8.RuneCountInString(s)
		switch {
		case n < r.minLength && r.maxLength >= 0, r.maxLength >= 0 && n > r.maxLength && r.minLength > 0:
			return Errorf(Invalid, "Argument '%s' must be %d to %d characters long.", at, r.minLength, r.maxLength)
		case n < r.minLength:
			return Errorf(Invalid, "Argument '%s' must be at least %d characters long.", at, r.minLength)
		case r.maxLength >= 0 && n > r.maxLength:
			return Errorf(Invalid, "Argument '%s' must be at most %d characters long.", at, r.maxLength)
		}
	}
	if r.pattern != nil && !r.pattern.MatchString(s) {
		return Errorf(Invalid, "Argument '%s' must match the pattern %s.", at, r.pattern)
	}
	return r.checkValue(at, s)
}

// checkItems checks an array's number of items and, with uniqueItems,
// that none repeats (elems reads them generically).
func (r *rules) checkItems(at *path, count int, elems func() ([]any, error)) error {
	if r == nil {
		return nil
	}
	switch {
	case count < r.minItems && r.maxItems >= 0, r.maxItems >= 0 && count > r.maxItems && r.minItems > 0:
		if r.minItems == r.maxItems {
			return Errorf(Invalid, "Argument '%s' must have %d items.", at, r.minItems)
		}
		return Errorf(Invalid, "Argument '%s' must have %d to %d items.", at, r.minItems, r.maxItems)
	case count < r.minItems:
		return Errorf(Invalid, "Argument '%s' must have at least %d items.", at, r.minItems)
	case r.maxItems >= 0 && count > r.maxItems:
		return Errorf(Invalid, "Argument '%s' must have at most %d items.", at, r.maxItems)
	}
	if r.uniqueItems {
		items, err := elems()
		if err != nil {
			return err
		}
		seen := make(map[string]bool, len(items))
		for _, it := range items {
			key, _ := json.Marshal(it) // maps marshal sorted: equal values, equal text
			if seen[string(key)] {
				return Errorf(Invalid, "Argument '%s' must not repeat an item.", at)
			}
			seen[string(key)] = true
		}
	}
	return nil
}

// checkMembers checks an object's number of members.
func (r *rules) checkMembers(at *path, count int) error {
	if r == nil {
		return nil
	}
	name := at.String()
	if name == "" {
		name = "The arguments"
	} else {
		name = "Argument '" + name + "'"
	}
	switch {
	case count < r.minProps:
		return Errorf(Invalid, "%s must have at least %d members.", name, r.minProps)
	case r.maxProp >= 0 && count > r.maxProp:
		return Errorf(Invalid, "%s must have at most %d members.", name, r.maxProp)
	}
	return nil
}

// checkComposite checks an array's or object's enum and const, reading
// the value generically (value) only when there are any.
func (r *rules) checkComposite(at *path, value func() (any, error)) error {
	if r == nil || len(r.enum) == 0 && !r.hasConst {
		return nil
	}
	x, err := value()
	if err != nil {
		return err
	}
	return r.checkValue(at, x)
}

// checkGeneric checks a value read generically (an interface, or a type
// that reads JSON itself) against every rule that applies to what it is.
func (r *rules) checkGeneric(at *path, x any) error {
	if r == nil {
		return nil
	}
	switch v := x.(type) {
	case string:
		return r.checkString(at, v)
	case float64:
		return r.checkNumber(at, parseNumber([]byte(strconv.FormatFloat(v, 'g', -1, 64))))
	case []any:
		if err := r.checkItems(at, len(v), func() ([]any, error) { return v, nil }); err != nil {
			return err
		}
	case map[string]any:
		if err := r.checkMembers(at, len(v)); err != nil {
			return err
		}
	case nil:
		return nil
	}
	return r.checkValue(at, x)
}

// checkValue checks enum and const: x is as encoding/json reads a value
// into an interface (numbers float64).
func (r *rules) checkValue(at *path, x any) error {
	if r == nil {
		return nil
	}
	if len(r.enum) > 0 && !slices.ContainsFunc(r.enum, func(e any) bool { return reflect.DeepEqual(e, x) }) {
		return Errorf(Invalid, "Argument '%s' must be one of %s.", at, jsonList(r.enum))
	}
	if r.hasConst && !reflect.DeepEqual(r.constant, x) {
		return Errorf(Invalid, "Argument '%s' must be %s.", at, jsonList([]any{r.constant}))
	}
	return nil
}

// jsonList writes values as JSON, separated by commas.
func jsonList(values []any) string {
	parts := make([]string, len(values))
	for i, v := range values {
		b, err := json.Marshal(v)
		if err != nil {
			b = []byte(fmt.Sprint(v))
		}
		parts[i] = string(b)
	}
	return strings.Join(parts, ", ")
}
