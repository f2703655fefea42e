package invoke

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"remote-mcp-functions-go/mcpfunc/internal/rawjson"
)

// Request is the body the host POSTs for one invocation, as a handler reads
// it (see ParseRequest).
type Request struct {
	// Data holds one value per input binding, keyed by binding name: the
	// trigger (named "context" in our function.json files) and blob inputs.
	Data map[string]json.RawMessage

	// metadata is Metadata as sent: the binding data, each value raw.
	metadata map[string]json.RawMessage
}

// ToolContext is the MCP extension's ToolInvocationContext, carried as the
// trigger value. Transport headers are kept raw and never logged: they carry
// the client's key.
type ToolContext struct {
	Name string `json:"name"`
	// Arguments are the tool call's arguments exactly as the client sent
	// them: the extension writes each JsonElement back as it read it.
	Arguments  map[string]json.RawMessage `json:"arguments,omitempty"`
	SessionID  string                     `json:"sessionid,omitempty"`
	ClientInfo *ClientInfo                `json:"clientinfo,omitempty"`
	Transport  json.RawMessage            `json:"transport,omitempty"`
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

// malformed wraps what reading a payload failed with.
func malformed(what string, err error) error {
	if errors.Is(err, rawjson.ErrTooDeep) {
		err = ErrTooDeep
	}
	return fmt.Errorf("%w: %s: %w", ErrMalformed, what, err)
}

// ParseRequest reads a request body: a JSON object with object-valued
// Data and Metadata (absent ones are empty), nesting no deeper than
// [MaxDepth].
//
// It reads the body once, front to back, and copies nothing: Data's and
// Metadata's values are slices of body, decoded only when asked for. So
// what the handler does not use (Metadata's copies of the trigger and of
// the arguments, most of a payload) costs one look at each byte:
// Metadata is read on demand for mcptoolargs and mcppromptargs
// ([Request.ToolArgs], [Request.PromptArgs]) and a resource template's
// parameters ([Request.Metadata]), the text the host builds binding paths
// from. Arguments are read from the trigger instead of
// Metadata.arguments, which the host re-parses lossily (see
// [Request.Arguments]).
func ParseRequest(body []byte) (*Request, error) {
	body = bytes.TrimSpace(body)
	if rawjson.Kind(body, 0) != '{' {
		return nil, fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}
	req := &Request{}
	end, err := rawjson.Object(body, 0, func(name []byte, at int) (int, error) {
		switch string(name) {
		case "Data":
			return members(body, at, &req.Data)
		case "Metadata":
			return members(body, at, &req.metadata)
		}
		return rawjson.Skip(body, at, MaxDepth-1)
	})
	if err == nil && end != len(body) {
		err = errors.New("text after the object")
	}
	if err != nil {
		return nil, malformed("body", err)
	}
	if req.Data == nil {
		req.Data = map[string]json.RawMessage{}
	}
	return req, nil
}

// members reads the object at body[at], Data or Metadata, into *m: each
// member's value a slice of body. null leaves *m nil.
func members(body []byte, at int, m *map[string]json.RawMessage) (int, error) {
	if rawjson.Kind(body, at) == 'n' {
		*m = nil
		return rawjson.Skip(body, at, 0)
	}
	if rawjson.Kind(body, at) != '{' {
		end, err := rawjson.Skip(body, at, MaxDepth-1) // too deep says more
		if err != nil {
			return end, err
		}
		return at, errors.New("the payload's Data and Metadata must be objects")
	}
	if *m == nil {
		*m = map[string]json.RawMessage{}
	}
	return rawjson.Object(body, at, func(name []byte, at int) (int, error) {
		end, err := rawjson.Skip(body, at, MaxDepth-2)
		(*m)[string(name)] = body[at:end:end]
		return end, err
	})
}

// triggerObject is the trigger value's JSON object, the string levels the
// host wrapped it in undone: three on the wire today; fewer is accepted.
func (r *Request) triggerObject() ([]byte, error) {
	raw, ok := r.Data[TriggerName]
	if !ok {
		return nil, fmt.Errorf("%w: no trigger value %q in Data", ErrMalformed, TriggerName)
	}
	// Each level is at most as long as the one around it.
	for range 3 {
		if rawjson.Kind(raw, 0) != '"' {
			break
		}
		text, end, err := rawjson.AppendString(make([]byte, 0, len(raw)), raw, 0)
		if err != nil || end != len(raw) {
			return nil, fmt.Errorf("%w: trigger value is not an invocation context", ErrMalformed)
		}
		raw = bytes.TrimSpace(text)
	}
	if rawjson.Kind(raw, 0) != '{' {
		return nil, fmt.Errorf("%w: trigger value is not an invocation context", ErrMalformed)
	}
	return raw, nil
}

// Trigger decodes the trigger value into v, however many times the host
// encoded it: a ToolInvocationContext, ResourceInvocationContext or
// PromptInvocationContext as the extension serialized it (its names are
// camelCase; they match exactly).
func (r *Request) Trigger(v any) error {
	obj, err := r.triggerObject()
	if err != nil {
		return err
	}
	// The body's depth check saw the trigger as a string; its contents
	// are checked now that they are JSON again.
	if err := rawjson.Valid(obj, MaxDepth); err != nil {
		return malformed("trigger value", err)
	}
	if err := json.Unmarshal(obj, v); err != nil {
		return fmt.Errorf("%w: trigger value is not an invocation context", ErrMalformed)
	}
	return nil
}

// Metadata returns a string of the binding data (a resource template's
// parameter, mcpresourceuri, …) with the host's extra encoding undone;
// false when absent or not a string.
func (r *Request) Metadata(key string) (string, bool) {
	raw, ok := LookupFold(r.metadata, key)
	if !ok {
		return "", false
	}
	text, present, _ := DecodeString(raw)
	return text, present
}

// stringsOf reads a Metadata object of strings (mcptoolargs,
// mcppromptargs): the members named, or all when names is empty. Values
// that are not strings are left out: they are no path text. Members not
// asked for are not decoded.
func (r *Request) stringsOf(key string, names []string) map[string]string {
	raw, ok := r.metadata[key]
	if !ok || rawjson.Kind(raw, 0) != '{' {
		return nil
	}
	out := make(map[string]string, max(len(names), 1))
	_, _ = rawjson.Object(raw, 0, func(name []byte, at int) (int, error) {
		if rawjson.Kind(raw, at) == '"' && (len(names) == 0 || slices.Contains(names, string(name))) {
			s, end, err := rawjson.String(raw, at)
			out[string(name)] = s
			return end, err
		}
		return rawjson.Skip(raw, at, MaxDepth)
	})
	return out
}

// Context decodes a tool call's trigger value whole. A handler needs only
// [Request.Arguments]: this is for tests and tools that look at the rest.
func (r *Request) Context() (*ToolContext, error) {
	var tc ToolContext
	if err := r.Trigger(&tc); err != nil {
		return nil, err
	}
	return &tc, nil
}

// Arguments returns a tools/call's or prompts/get's arguments object as
// the client sent it, a slice of the trigger value; nil when it sent none.
//
// They are read from the trigger context, which the extension serializes
// from the client's own JSON elements, so types and text arrive intact.
// Metadata.arguments is not used: the host builds it by re-parsing the
// trigger with Newtonsoft's JObject.Parse (Azure/azure-functions-host
// src/WebJobs.Script/Utility.cs ApplyBindingData @89dc438d), which turns
// ISO-date-looking strings into dates and writes them back reformatted,
// and numbers beyond a double into Infinity.
func (r *Request) Arguments() (json.RawMessage, error) {
	obj, err := r.triggerObject()
	if err != nil {
		return nil, err
	}
	var args json.RawMessage
	end, err := rawjson.Object(obj, 0, func(name []byte, at int) (int, error) {
		end, err := rawjson.Skip(obj, at, MaxDepth-1)
		if string(name) == "arguments" {
			args = obj[at:end:end]
		}
		return end, err
	})
	if err == nil && rawjson.SkipSpace(obj, end) != len(obj) {
		err = errors.New("text after the object")
	}
	if err != nil {
		return nil, malformed("trigger value", err)
	}
	if string(args) == "null" {
		return nil, nil
	}
	return args, nil
}

// ToolArgs returns Metadata.mcptoolargs: each argument named (every one
// when none is) as the text the host substitutes for {mcptoolargs.<name>}
// in binding paths (JsonElement's ToString: strings bare, true as True,
// other values as their JSON text). It is nil when the host sent none, as
// for a call without arguments.
func (r *Request) ToolArgs(names ...string) map[string]string {
	return r.stringsOf("mcptoolargs", names)
}

// PromptArgs returns Metadata.mcppromptargs, a prompt's arguments as the
// text the host substitutes for {mcppromptargs.<name>}, named as with
// ToolArgs; nil when absent.
func (r *Request) PromptArgs(names ...string) map[string]string {
	return r.stringsOf("mcppromptargs", names)
}

// ResourceContext is the extension's ResourceInvocationContext: the
// trigger value of a resources/read
// (Abstractions/ResourceInvocationContext.cs @cd0d1e8c).
type ResourceContext struct {
	// URI is the URI the client asked for.
	URI        string          `json:"uri"`
	SessionID  string          `json:"sessionid,omitempty"`
	ClientInfo *ClientInfo     `json:"clientinfo,omitempty"`
	Transport  json.RawMessage `json:"transport,omitempty"`
}

// PromptContext is the extension's PromptInvocationContext: the trigger
// value of a prompts/get (Abstractions/PromptInvocationContext.cs
// @cd0d1e8c).
type PromptContext struct {
	Name string `json:"name"`
	// Arguments are the prompt's arguments as the client sent them.
	Arguments  map[string]json.RawMessage `json:"arguments,omitempty"`
	SessionID  string                     `json:"sessionid,omitempty"`
	ClientInfo *ClientInfo                `json:"clientinfo,omitempty"`
	Transport  json.RawMessage            `json:"transport,omitempty"`
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
