package invoke

import (
	"bytes"
	"encoding/json"

	"errors"
	"fmt"
	segjson "github.com/segmentio/encoding/json"
	"maps"
)

// Request is the body the host POSTs for one invocation, as a handler reads
// it (see ParseRequest).
type Request struct {
	// Data holds one value per input binding, keyed by binding name: the
	// trigger (named "context" in our function.json files) and blob inputs.
	Data map[string]json.RawMessage

	// The argument sources of Metadata, decoded in the same pass as the
	// rest of the body: arguments (JSON types kept) and mcptoolargs (every
	// value as text).
	arguments any
	toolArgs  json.RawMessage
}

// ToolContext is the MCP extension's ToolInvocationContext, carried as the
// trigger value. Transport headers are kept raw and never logged: they carry
// the client's key.
type ToolContext struct {
	Name       string          `json:"name"`
	Arguments  map[string]any  `json:"arguments,omitempty"`
	SessionID  string          `json:"sessionid,omitempty"`
	ClientInfo *ClientInfo     `json:"clientinfo,omitempty"`
	Transport  json.RawMessage `json:"transport,omitempty"`
}

// ClientInfo names the MCP client that made the call.
type ClientInfo struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// TriggerName is the trigger binding's name in every function.json of the
// app; the host puts the trigger value in Data under this name.
const TriggerName = "context"

// ErrMalformed reports a payload the handler cannot read at all.
var ErrMalformed = errors.New("malformed invocation payload")

// ParseRequest reads a request body. It fails only when the body is not a
// JSON object with object-valued Data and Metadata (absent ones are empty).
//
// Of Metadata it keeps what a handler reads (arguments and mcptoolargs):
// the rest (the trigger again, transport headers, mcptoolcontext) is
// skipped unread, which is most of the payload.
//
// The body is decoded with segmentio/encoding/json, a drop-in for
// encoding/json (the Go MCP SDK uses it too): validating and skipping the
// host's heavily escaped payload is most of an invocation's cost, and it
// halves it. FuzzParseRequest checks it agrees with encoding/json.
func ParseRequest(body []byte) (*Request, error) {
	var wire struct {
		Data     map[string]json.RawMessage `json:"Data"`
		Metadata struct {
			Arguments   any             `json:"arguments"`
			McpToolArgs json.RawMessage `json:"mcptoolargs"`
		} `json:"Metadata"`
	}
	if err := segjson.Unmarshal(body, &wire); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if body = bytes.TrimSpace(body); len(body) == 0 || body[0] != '{' {
		return nil, fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}
	req := &Request{Data: wire.Data, arguments: wire.Metadata.Arguments, toolArgs: wire.Metadata.McpToolArgs}
	if req.Data == nil {
		req.Data = map[string]json.RawMessage{}
	}
	return req, nil
}

// Context decodes the trigger value, however many times the host encoded it
// (three on the wire today; fewer is accepted).
func (r *Request) Context() (*ToolContext, error) {
	raw, ok := r.Data[TriggerName]
	if !ok {
		return nil, fmt.Errorf("%w: no trigger value %q in Data", ErrMalformed, TriggerName)
	}
	// Peel string levels until the JSON object appears; three is the most
	// the host produces, so more is malformed.
	for range 3 {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			break
		}
		raw = json.RawMessage(s)
	}
	var tc ToolContext
	if err := json.Unmarshal(raw, &tc); err != nil {
		return nil, fmt.Errorf("%w: trigger value is not a tool invocation context", ErrMalformed)
	}
	return &tc, nil
}

// Arguments returns the tool call's arguments. Metadata.arguments keeps the
// client's JSON types; Metadata.mcptoolargs has every value as text; the
// trigger context's arguments are the fallback for hosts that send neither.
// A call without arguments yields an empty map.
func (r *Request) Arguments() (map[string]any, error) {
	if args, ok := argsObject(r.arguments); ok {
		return args, nil
	}
	if r.toolArgs != nil {
		var v any
		if json.Unmarshal(r.toolArgs, &v) == nil {
			if args, ok := argsObject(v); ok {
				return args, nil
			}
		}
	}
	tc, err := r.Context()
	if err != nil {
		return nil, err
	}
	if tc.Arguments == nil {
		return map[string]any{}, nil
	}
	return maps.Clone(tc.Arguments), nil
}

// argsObject reads an arguments value: a JSON object, or a string holding
// one, itself possibly encoded once more as .NET strings are (tolerated
// like any other extra encoding level).
func argsObject(v any) (map[string]any, bool) {
	switch a := v.(type) {
	case map[string]any:
		return a, true
	case string:
		var inner string
		if json.Unmarshal([]byte(a), &inner) == nil {
			a = inner
		}
		var args map[string]any
		if json.Unmarshal([]byte(a), &args) == nil && args != nil {
			return args, true
		}
	}
	return nil, false
}

// Input returns the text of an input binding (a blob) as the handler should
// see it: present is false for a missing blob. single reports a value that
// was encoded only once, which the handler logs: today's host encodes twice.
func (r *Request) Input(name string) (text string, present, single bool) {
	raw, ok := r.Data[name]
	if !ok {
		return "", false, false
	}
	return DecodeString(raw)
}

// DecodeString undoes the host's extra level of encoding of one Data or
// Metadata value.
//
// raw is a value as it appears on the wire. A JSON string whose text is
// itself a JSON string literal yields that literal's content: this is the
// host's double encoding ("\"print(1)\"" → print(1)). Text that is JSON
// null, or raw JSON null, means no value ("null" → missing). Anything else
// is taken as it is and reported as single-encoded: a string that is not a
// JSON string literal yields its own text, and a number, boolean, object or
// array yields its JSON text.
//
// Exactly one level is undone: a blob whose content is itself a quoted
// string keeps its quotes.
func DecodeString(raw json.RawMessage) (text string, present, single bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", false, false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		// Not a JSON string at all: a number, bool, object or array the
		// host wrote as real JSON. Its text is the value.
		return string(raw), true, true
	}
	if s == "null" {
		return "", false, false
	}
	// The host writes the literal with nothing around it, so only text
	// that starts and ends with a quote is a candidate.
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		var inner string
		if json.Unmarshal([]byte(s), &inner) == nil {
			return inner, true, false
		}
	}
	return s, true, true
}
