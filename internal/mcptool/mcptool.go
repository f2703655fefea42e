// Package mcptool is the vocabulary of the app's MCP tools, free of HTTP and
// of the host's encodings: a [Tool] receives a [Call] (its arguments and the
// text of its input bindings) and returns a [Result] (the text for the
// client and the bytes for its output bindings) or an error.
//
// Errors a client can act on are [*Error] values; their message reaches the
// client as an isError result. Any other error is internal: the client gets
// a generic message and the details go to the logs only.
package mcptool

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
)

// Kind says how a tool's results travel back through the Functions host.
type Kind int

const (
	// Plain tools only ever succeed with text. Their trigger has no
	// useResultSchema, and the extension wraps the text in one text block.
	Plain Kind = iota
	// Rich tools may answer isError with their own message. Their trigger
	// must declare "useResultSchema": true.
	Rich
)

func (k Kind) String() string {
	if k == Rich {
		return "rich"
	}
	return "plain"
}

// Tool is one MCP tool served by one function folder.
type Tool struct {
	// Name is the function folder name, which is also the tool name and the
	// handler's route.
	Name string
	Kind Kind
	// Inputs and Outputs name the blob bindings the tool reads and writes;
	// the function app checks declares them in function.json.
	Inputs  []string
	Outputs []string
	// TooLarge is what the client is told when the call's payload is over
	// the handler's body limit, which is sized so that only arguments far
	// over the tool's own limits get there. Empty means a generic message.
	TooLarge string
	Run      func(ctx context.Context, call *Call) (*Result, error)
}

// Call is one invocation of a tool.
type Call struct {
	// Tool is the tool's name.
	Tool string
	// Args are the call's arguments exactly as the client sent them.
	Args map[string]json.RawMessage
	// PathArgs is each argument as the text the host put in the binding
	// paths ({mcptoolargs.<name>}); nil when the host sent none.
	PathArgs map[string]string
	// Inputs are the input bindings' values by binding name.
	Inputs map[string]Input
	// Log receives the tool's log lines; nil discards them.
	Log func(msg string)
}

// Input is the text of an input binding; Present is false for a missing
// blob.
type Input struct {
	Text    string
	Present bool
}

// String returns a string argument. present is false when it is absent or
// null; a value of another JSON type is an Invalid error that says so,
// never a silent conversion.
func (c *Call) String(name string) (value string, present bool, err error) {
	raw, ok := c.Args[name]
	if !ok || string(bytes.TrimSpace(raw)) == "null" {
		return "", false, nil
	}
	if err := json.Unmarshal(raw, &value); err != nil {
		return "", true, Errorf(Invalid, "Argument '%s' must be a string, not %s.", name, jsonKind(raw))
	}
	return value, true, nil
}

// PathString returns a string argument that the host also puts in a
// binding path: the text the tool checks must be the very text the host
// resolved the path from, or the tool would vouch for one blob while the
// host reads or writes another.
func (c *Call) PathString(name string) (value string, present bool, err error) {
	value, present, err = c.String(name)
	if err != nil || !present || c.PathArgs == nil {
		return value, present, err
	}
	if path, ok := c.PathArgs[name]; !ok || path != value {
		return "", true, Errorf(Invalid, "Argument '%s' does not match the text the host used for the blob path.", name)
	}
	return value, true, nil
}

// jsonKind names a JSON value's type for a message.
func jsonKind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "empty"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case '"':
		return "a string"
	}
	return "a number"
}

// Logf records one log line.
func (c *Call) Logf(format string, args ...any) {
	if c.Log != nil {
		c.Log(fmt.Sprintf(format, args...))
	}
}

// Result is a successful tool result.
type Result struct {
	// Text is what the client sees.
	Text string
	// Outputs are the bytes to write to output bindings, by binding name.
	Outputs map[string][]byte
}

// Text returns a result with text only.
func Text(s string) *Result { return &Result{Text: s} }

// Code classifies an error a client can act on.
type Code string

const (
	Invalid  Code = "invalid"   // bad or missing arguments
	NotFound Code = "not_found" // the thing asked for does not exist
	TooLarge Code = "too_large" // content over a size limit
)

// Error is a failure the client can act on. Message is shown to the client
// as it is, so it must not carry secrets.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}
