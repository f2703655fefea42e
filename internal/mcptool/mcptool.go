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
	Run     func(ctx context.Context, call *Call) (*Result, error)
}

// Call is one invocation of a tool.
type Call struct {
	// Tool is the tool's name.
	Tool string
	// Args are the call's arguments with their JSON types.
	Args map[string]any
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

// Arg returns an argument as text: strings as they are, other JSON values as
// their JSON text. ok is false when the argument is absent or null.
func (c *Call) Arg(name string) (value string, ok bool) {
	v, ok := c.Args[name]
	if !ok || v == nil {
		return "", false
	}
	if s, isString := v.(string); isString {
		return s, true
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v), true
	}
	return string(b), true
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
