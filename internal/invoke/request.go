package invoke

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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

// ParseRequest reads a request body. It fails only when the body is not a
// JSON object with object-valued Data and Metadata (absent ones are empty),
// or nests deeper than [MaxDepth].
//
// Metadata is kept as raw JSON and read on demand: mcptoolargs and
// mcppromptargs ([Request.ToolArgs], [Request.PromptArgs]) and a resource
// template's parameters ([Request.Metadata]), the text the host builds
// binding paths from. Arguments are read from the trigger instead of
// Metadata.arguments, which the host re-parses lossily (see
// [Request.Arguments]).
func ParseRequest(body []byte) (*Request, error) {
	if body = bytes.TrimSpace(body); len(body) == 0 || body[0] != '{' {
		return nil, fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}
	if err := checkDepth(body, MaxDepth); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	var wire struct {
		Data     map[string]json.RawMessage `json:"Data"`
		Metadata map[string]json.RawMessage `json:"Metadata"`
	}
	if err := json.Unmarshal(body, &wire); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	req := &Request{Data: wire.Data, metadata: wire.Metadata}
	if req.Data == nil {
		req.Data = map[string]json.RawMessage{}
	}
	return req, nil
}

// Trigger decodes the trigger value into v, however many times the host
// encoded it (three on the wire today; fewer is accepted): a
// ToolInvocationContext, ResourceInvocationContext or
// PromptInvocationContext as the extension serialized it.
func (r *Request) Trigger(v any) error {
	raw, ok := r.Data[TriggerName]
	if !ok {
		return fmt.Errorf("%w: no trigger value %q in Data", ErrMalformed, TriggerName)
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
	// The outer depth check saw the trigger as a string; its contents are
	// checked now that they are JSON again.
	if err := checkDepth(raw, MaxDepth); err != nil {
		return fmt.Errorf("%w: trigger value: %w", ErrMalformed, err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%w: trigger value is not an invocation context: %v", ErrMalformed, err)
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
// mcppromptargs); values that are not strings are left out: they are no
// path text.
func (r *Request) stringsOf(key string) map[string]string {
	raw, ok := r.metadata[key]
	if !ok {
		return nil
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil || fields == nil {
		return nil
	}
	out := make(map[string]string, len(fields))
	for k, v := range fields {
		var s string
		if json.Unmarshal(v, &s) == nil {
			out[k] = s
		}
	}
	return out
}

// Context decodes a tool call's trigger value.
func (r *Request) Context() (*ToolContext, error) {
	var tc ToolContext
	if err := r.Trigger(&tc); err != nil {
		return nil, err
	}
	return &tc, nil
}

// Arguments returns the tool call's arguments as the client sent them, one
// raw JSON value per name; a call without arguments yields an empty map.
//
// They are read from the trigger context, which the extension serializes
// from the client's own JSON elements, so types and text arrive intact.
// Metadata.arguments is not used: the host builds it by re-parsing the
// trigger with Newtonsoft's JObject.Parse (Azure/azure-functions-host
// src/WebJobs.Script/Utility.cs ApplyBindingData @89dc438d), which turns
// ISO-date-looking strings into dates and writes them back reformatted,
// and numbers beyond a double into Infinity.
func (r *Request) Arguments() (map[string]json.RawMessage, error) {
	tc, err := r.Context()
	if err != nil {
		return nil, err
	}
	if tc.Arguments == nil {
		return map[string]json.RawMessage{}, nil
	}
	return tc.Arguments, nil
}

// ToolArgs returns Metadata.mcptoolargs: each argument as the text the host
// substitutes for {mcptoolargs.<name>} in binding paths (JsonElement's
// ToString: strings bare, true as True, other values as their JSON text).
// It is nil when the host sent none, as for a call without arguments.
func (r *Request) ToolArgs() map[string]string { return r.stringsOf("mcptoolargs") }

// PromptArgs returns Metadata.mcppromptargs, a prompt's arguments as the
// text the host substitutes for {mcppromptargs.<name>}; nil when absent.
func (r *Request) PromptArgs() map[string]string { return r.stringsOf("mcppromptargs") }

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
