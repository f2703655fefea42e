// Package rpcmsg looks at a JSON-RPC request body before an MCP SDK reads
// it, for what a server must decide first: whether it is a batch, and each
// message's id and method. It is one quick pass over the bytes that jumps
// over strings and the members it does not need (params, most of a body),
// so a megabyte costs far less than decoding it; it does not validate the
// JSON, which the SDK's decoder does after it.
//
// Both MCP servers here use it in front of go-sdk: the self hosting, to
// answer what go-sdk answers wrongly or not at all (an unknown method, a
// batch reusing an id, an id go-sdk cannot echo), and devhost, to answer
// as the Functions host's MCP extension does. [Swap] and [Restorer] let a
// server pass go-sdk an id it can echo and give the client back its own.
package rpcmsg

import (
	"bytes"
	"encoding/json"
	"math/big"
)

// Message is what Peek reads of one message.
type Message struct {
	// ID is the raw JSON of the id member, nil when there is none.
	ID []byte
	// idAt is where ID starts in the body; start and end are where the
	// message is.
	idAt, start, end int
	// Method is the method, when HasMethod.
	Method    string
	HasMethod bool
}

// IsCall reports a request that expects an answer: a method and an id.
func (m *Message) IsCall() bool { return m.HasMethod && m.ID != nil }

// Messages is what Peek reads of a body.
type Messages struct {
	// Batch says the body is a JSON array of messages.
	Batch bool
	List  []Message
}

// Peek reads the messages of body: a JSON object, or an array of them.
// ok is false for anything else, as far as one quick look can tell, or
// when a method is not a string: the SDK's decoder says what is wrong.
func Peek(body []byte) (ms Messages, ok bool) {
	s := &scanner{b: body}
	s.ws()
	switch s.peek() {
	case '{':
		m, ok := s.object()
		if !ok {
			return Messages{}, false
		}
		ms.List = []Message{m}
	case '[':
		ms.Batch = true
		s.i++
		s.ws()
		if s.peek() == ']' {
			s.i++
			break
		}
		for {
			s.ws()
			if s.peek() != '{' {
				return Messages{}, false
			}
			m, ok := s.object()
			if !ok {
				return Messages{}, false
			}
			ms.List = append(ms.List, m)
			s.ws()
			c := s.peek()
			s.i++
			if c == ']' {
				break
			}
			if c != ',' {
				return Messages{}, false
			}
		}
	default:
		return Messages{}, false
	}
	s.ws()
	return ms, s.i == len(body)
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
	if len(id) == 0 {
		return Other
	}
	switch c := id[0]; {
	case c == '"':
		return String
	case c == '-' || c >= '0' && c <= '9':
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
		var s string
		if json.Unmarshal(id, &s) == nil {
			return "s" + s
		}
	case Number:
		if r, ok := new(big.Rat).SetString(string(id)); ok {
			return "n" + r.RatString()
		}
	}
	return "o" + string(id)
}

// scanner walks a body.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// object reads a message: the object at s.i, keeping id and method.
// Member names match exactly, as go-sdk matches them; a later member of
// the same name wins, as in its decoder.
func (s *scanner) object() (m Message, ok bool) {
	m.start = s.i
	defer func() { m.end = s.i }()
	s.i++ // {
	s.ws()
	if s.peek() == '}' {
		s.i++
		return m, true
	}
	for {
		s.ws()
		if s.peek() != '"' {
			return m, false
		}
		ks, ke, ok := s.str()
		if !ok {
			return m, false
		}
		key := s.b[ks+1 : ke-1]
		if !plain(s.b[ks:ke]) {
			var k string
			if json.Unmarshal(s.b[ks:ke], &k) != nil {
				return m, false
			}
			key = []byte(k)
		}
		s.ws()
		if s.peek() != ':' {
			return m, false
		}
		s.i++
		s.ws()
		vs, ve, ok := s.value()
		if !ok {
			return m, false
		}
		switch string(key) {
		case "id":
			m.ID, m.idAt = s.b[vs:ve], vs
		case "method":
			if s.b[vs] != '"' {
				return m, false
			}
			m.HasMethod = true
			raw := s.b[vs:ve]
			if plain(raw) {
				m.Method = string(raw[1 : len(raw)-1])
			} else if json.Unmarshal(raw, &m.Method) != nil {
				return m, false
			}
		}
		s.ws()
		c := s.peek()
		s.i++
		switch c {
		case ',':
			continue
		case '}':
			return m, true
		}
		return m, false
	}
}

// str reads the string at s.i and says where it starts and ends (quotes
// included).
func (s *scanner) str() (start, end int, ok bool) {
	start = s.i
	i := s.i + 1
	for {
		j := bytes.IndexByte(s.b[i:], '"')
		if j < 0 {
			return 0, 0, false
		}
		i += j
		// The quote ends the string unless an odd run of backslashes
		// escapes it.
		k := i - 1
		for k > start && s.b[k] == '\\' {
			k--
		}
		if (i-1-k)%2 == 0 {
			s.i = i + 1
			return start, s.i, true
		}
		i++
	}
}

// value skips the value at s.i and says where it was.
func (s *scanner) value() (start, end int, ok bool) {
	start = s.i
	switch s.peek() {
	case '"':
		_, end, ok := s.str()
		return start, end, ok
	case '{', '[':
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				if _, _, ok := s.str(); !ok {
					return 0, 0, false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i++
					return start, s.i, true
				}
			}
			s.i++
		}
		return 0, 0, false
	case 0:
		return 0, 0, false
	}
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return start, s.i, s.i > start
		}
		s.i++
	}
	return start, s.i, s.i > start
}

// plain reports a JSON string that means its bytes: printable ASCII, no
// escape. Anything else is decoded (an invalid UTF-8 byte becomes U+FFFD,
// as in every Go JSON decoder).
func plain(raw []byte) bool {
	for _, c := range raw[1 : len(raw)-1] {
		if c < 0x20 || c >= 0x7f || c == '\\' {
			return false
		}
	}
	return true
}
