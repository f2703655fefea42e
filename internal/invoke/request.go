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

	// toolArgs is Metadata.mcptoolargs: each argument as the text the host
	// puts in binding paths; nil when absent.
	toolArgs map[string]string
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
// Of Metadata it keeps only mcptoolargs, the text the host builds binding
// paths from; the rest (the trigger again, transport headers,
// mcptoolcontext, and arguments, which the host re-parses lossily, see
// [Request.Arguments]) is validated and skipped.
func ParseRequest(body []byte) (*Request, error) {
	if body = bytes.TrimSpace(body); len(body) == 0 || body[0] != '{' {
		return nil, fmt.Errorf("%w: not a JSON object", ErrMalformed)
	}
	if err := checkDepth(body, MaxDepth); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	var wire struct {
		Data     map[string]json.RawMessage `json:"Data"`
		Metadata struct {
			McpToolArgs map[string]json.RawMessage `json:"mcptoolargs"`
		} `json:"Metadata"`
	}
	if err := json.Unmarshal(body, &wire); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	req := &Request{Data: wire.Data}
	if req.Data == nil {
		req.Data = map[string]json.RawMessage{}
	}
	if wire.Metadata.McpToolArgs != nil {
		req.toolArgs = make(map[string]string, len(wire.Metadata.McpToolArgs))
		for k, v := range wire.Metadata.McpToolArgs {
			// The host sends a JSON object of strings; anything else is
			// not path text and is left out.
			var s string
			if json.Unmarshal(v, &s) == nil {
				req.toolArgs[k] = s
			}
		}
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
	// The outer depth check saw the context as a string; its contents are
	// checked now that they are JSON again.
	if err := checkDepth(raw, MaxDepth); err != nil {
		return nil, fmt.Errorf("%w: trigger value: %w", ErrMalformed, err)
	}
	var tc ToolContext
	if err := json.Unmarshal(raw, &tc); err != nil {
		return nil, fmt.Errorf("%w: trigger value is not a tool invocation context", ErrMalformed)
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
func (r *Request) ToolArgs() map[string]string { return r.toolArgs }

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
