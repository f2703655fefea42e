// Package rpcmsg looks at a JSON-RPC request body before an MCP SDK reads
// it, for what a server must decide first: whether it is a batch, each
// message's id and method, and where a message's arguments are. [Peek] is
// one pass over the bytes (package rawjson; a second only for JSON that is
// no JSON-RPC) that checks the body is JSON, no deeper than the server
// allows, and decodes only member names and methods: a megabyte of
// arguments costs far less than decoding it.
//
// Both MCP servers here use it in front of go-sdk: the self hosting, to
// answer what go-sdk answers wrongly or not at all (an unknown method, a
// batch reusing an id, an id go-sdk cannot echo, a message nested too
// deeply) and to take a tool call's arguments around go-sdk's JSON
// passes; devhost, to answer as the Functions host's MCP extension does.
// [Rebuild] and [Restorer] let a server pass go-sdk an id it can echo and
// give the client back its own; [Messages.SetArguments] rewrites
// arguments in place.
package rpcmsg

import (
	"errors"
	"math/big"

	"remote-mcp-functions-go/mcpfunc/internal/rawjson"
)

// Message is what Peek reads of one message. Member names match exactly,
// escapes decoded, as go-sdk matches them; a later member of the same name
// wins, as in its decoder.
type Message struct {
	// ID is the raw JSON of the id member, nil when there is none.
	ID []byte
	// Method is the method, when HasMethod.
	Method    string
	HasMethod bool
	// Arguments is the raw JSON of params.arguments, nil when params is
	// not an object or has none.
	Arguments []byte

	// idAt and argsAt are where ID and Arguments start in the body; start
	// and end are where the message is.
	idAt, argsAt, start, end int
	// repeated says the message names method or params twice, or its
	// params name arguments twice.
	repeated bool
}

// IsCall reports a request that expects an answer: a method and an id.
func (m *Message) IsCall() bool { return m.HasMethod && m.ID != nil }

// Unambiguous reports a message that names method and params once each,
// and whose params name arguments once at most: one whose Method and
// Arguments every JSON decoder reads alike, whichever duplicate it keeps.
func (m *Message) Unambiguous() bool { return !m.repeated }

// Messages is what Peek reads of a body.
type Messages struct {
	// Batch says the body is a JSON array of messages.
	Batch bool
	List  []Message
}

// ErrNotRPC is a body that is JSON but not a JSON-RPC message or batch as
// far as Peek reads it: not an object or an array of objects, or a method
// that is not a string. The SDK's decoder says what is wrong.
var ErrNotRPC = errors.New("not a JSON-RPC message or batch")

// Peek reads the messages of body: a JSON object, or an array of them,
// nested no deeper than depth (the outermost value counting as one). The
// error is rawjson.ErrTooDeep for a body nested deeper, a
// *rawjson.SyntaxError for one that is not JSON, ErrNotRPC for JSON of
// another shape.
func Peek(body []byte, depth int) (Messages, error) {
	ms, err := peek(body, depth)
	if errors.Is(err, ErrNotRPC) {
		// Not a message: still, a body nested too deeply is refused as
		// such wherever the nesting is.
		if verr := rawjson.Valid(body, depth); verr != nil {
			err = verr
		}
	}
	if err != nil {
		return Messages{}, err
	}
	return ms, nil
}

func peek(body []byte, depth int) (ms Messages, err error) {
	i := rawjson.SkipSpace(body, 0)
	switch rawjson.Kind(body, i) {
	case '{':
		m, end, err := message(body, i, depth)
		if err != nil {
			return ms, err
		}
		ms.List, i = []Message{m}, end
	case '[':
		if depth < 1 {
			return ms, rawjson.ErrTooDeep
		}
		ms.Batch = true
		i, err = rawjson.Array(body, i, func(at int) (int, error) {
			if rawjson.Kind(body, at) != '{' {
				return at, ErrNotRPC
			}
			m, end, err := message(body, at, depth-1)
			ms.List = append(ms.List, m)
			return end, err
		})
		if err != nil {
			return ms, err
		}
	default:
		return ms, ErrNotRPC
	}
	if rawjson.SkipSpace(body, i) != len(body) {
		return ms, ErrNotRPC
	}
	return ms, nil
}

// message reads the message object at body[i], which may nest depth
// levels, and returns the offset after it.
func message(body []byte, i, depth int) (m Message, end int, err error) {
	if depth < 1 {
		return m, i, rawjson.ErrTooDeep
	}
	m.start = i
	var method, params bool // seen
	end, err = rawjson.Object(body, i, func(name []byte, at int) (int, error) {
		switch string(name) {
		case "id":
			end, err := rawjson.Skip(body, at, depth-1)
			m.ID, m.idAt = body[at:end], at
			return end, err
		case "method":
			m.repeated = m.repeated || method
			method = true
			if rawjson.Kind(body, at) != '"' {
				return at, ErrNotRPC
			}
			var end int
			var err error
			m.Method, end, err = rawjson.String(body, at)
			m.HasMethod = true
			return end, err
		case "params":
			m.repeated = m.repeated || params
			params = true
			m.Arguments, m.argsAt = nil, 0 // a later params wins
			if rawjson.Kind(body, at) != '{' || depth < 2 {
				return rawjson.Skip(body, at, depth-1)
			}
			arguments := false
			return rawjson.Object(body, at, func(name []byte, at int) (int, error) {
				end, err := rawjson.Skip(body, at, depth-2)
				if string(name) == "arguments" {
					m.repeated = m.repeated || arguments
					arguments = true
					m.Arguments, m.argsAt = body[at:end], at
				}
				return end, err
			})
		}
		return rawjson.Skip(body, at, depth-1)
	})
	m.end = end
	return m, end, err
}

// SetArguments returns body with the arguments of each message replaced by
// what with returns for it, when it returns true; with sees only messages
// that have arguments. body is returned as it is when nothing is replaced.
func (ms Messages) SetArguments(body []byte, with func(m *Message) ([]byte, bool)) []byte {
	var out []byte
	from := 0 // what of body is copied to out
	for k := range ms.List {
		m := &ms.List[k]
		if m.Arguments == nil {
			continue
		}
		args, ok := with(m)
		if !ok {
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(body)-len(m.Arguments)+len(args))
		}
		out = append(out, body[from:m.argsAt]...)
		out = append(out, args...)
		from = m.argsAt + len(m.Arguments)
	}
	if out == nil {
		return body
	}
	return append(out, body[from:]...)
}

// IDKind is the JSON type of an id.
type IDKind int

const (
	// Other is anything but a string or a number: null, a boolean, an
	// object, an array. JSON-RPC allows null; MCP does not.
	Other IDKind = iota
	String
	Number
)

// Kind is the JSON type of a raw id.
func Kind(id []byte) IDKind {
	switch rawjson.Kind(id, 0) {
	case '"':
		return String
	case '0':
		return Number
	}
	return Other
}

// Duplicate returns the id two calls of the batch share, nil when none
// do. Ids are compared by value: "a" and "\u0061" are one id, and so are
// 1, 1.0 and 1e0; "1" and 1 are not.
func (ms Messages) Duplicate() []byte {
	seen := map[string]bool{}
	for _, m := range ms.List {
		if !m.IsCall() {
			continue
		}
		key := idKey(m.ID)
		if seen[key] {
			return m.ID
		}
		seen[key] = true
	}
	return nil
}

// idKey is an id's value, as a map key.
func idKey(id []byte) string {
	switch Kind(id) {
	case String:
		if s, _, err := rawjson.String(id, 0); err == nil {
			return "s" + s
		}
	case Number:
		if r, ok := new(big.Rat).SetString(string(id)); ok {
			return "n" + r.RatString()
		}
	}
	return "o" + string(id)
}
