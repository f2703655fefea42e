package decl

import (
	"encoding/json"
	"fmt"
)

// Call is one invocation of a tool, as its function sees it beside its
// typed input: the blob inputs the host read, the blob outputs to write,
// and a log.
type Call struct {
	// Tool is the tool's name.
	Tool string
	// Args is the call's arguments object exactly as the client sent it
	// (nil or empty when it sent none); the typed input is decoded from
	// it, once.
	Args json.RawMessage
	// PathArgs is each argument the binding paths use ([Tool.PathArgs])
	// as the text the host put in them ({mcptoolargs.<name>}); nil when
	// the host sent none. Run checks that the typed input holds the same.
	PathArgs map[string]string
	// Inputs are the blob inputs' contents by binding name.
	Inputs map[string]Input
	// Log receives the tool's log lines; nil discards them.
	Log func(msg string)
	// Store gives the storage of a connection setting ("" means
	// AzureWebJobsStorage), for what no binding does; nil when the hosting
	// has none.
	Store func(connection string) (Store, error)
	// Ask asks the client to confirm a question (see Confirm); nil when
	// the hosting cannot ask this client, and every confirmation is given.
	Ask func(question string) (bool, error)

	outputs map[string][]byte
	links   []Link
}

// Input is the text of an input binding; Present is false for a missing
// blob.
type Input struct {
	Text    string
	Present bool
}

// Input returns a blob input's text; present is false when the blob does
// not exist.
func (c *Call) Input(binding string) (text string, present bool) {
	in := c.Inputs[binding]
	return in.Text, in.Present
}

// Output sets the bytes the host writes to a blob output binding once the
// call succeeds. A call that fails writes nothing.
func (c *Call) Output(binding string, data []byte) {
	if c.outputs == nil {
		c.outputs = map[string][]byte{}
	}
	c.outputs[binding] = data
}

// SetLinks sets the resource links the call's result carries beside its
// text (links.go).
func (c *Call) SetLinks(links []Link) { c.links = links }

// Confirm asks the user, through the client, to confirm question before
// the function does what cannot be undone, and reports whether they did.
// Where the hosting cannot ask (Ask is nil), it is true at once. Where it
// can, the first time it is false with an error the function must return
// as it is: the hosting turns it into the question, and the client calls
// again with the answer, which runs the function again from the start.
func (c *Call) Confirm(question string) (bool, error) {
	if c.Ask == nil {
		return true, nil
	}
	return c.Ask(question)
}

// Outputs returns what the call set with Output.
func (c *Call) Outputs() map[string][]byte { return c.outputs }

// Logf records one log line. Log names and sizes, never contents or
// secrets: the host keeps these lines.
func (c *Call) Logf(format string, args ...any) {
	if c.Log != nil {
		c.Log(fmt.Sprintf(format, args...))
	}
}

// Result is a successful tool result.
type Result struct {
	// Text is what the client reads.
	Text string
	// Structured is the structured content, for tools with typed output;
	// nil otherwise.
	Structured json.RawMessage
	// Outputs are the bytes to write to output bindings, by binding name.
	Outputs map[string][]byte
	// Links are resource_link content blocks, after the text.
	Links []Link
}

// Code classifies an error a client can act on.
type Code string

const (
	Invalid     Code = "invalid"     // bad or missing arguments
	NotFound    Code = "not_found"   // the thing asked for does not exist
	TooLarge    Code = "too_large"   // content over a size limit
	Unavailable Code = "unavailable" // a service it needs did not answer
)

// Error is a failure the client can act on. Message is shown to the client
// as it is, so it must not carry secrets.
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return e.Message }

// InternalError is what a client is told, where a function can tell it,
// of a failure that is no *Error (a bug, a service failing unexpectedly):
// that the function of that kind (tool, resource, prompt) and name failed,
// and that its logs have the details; never the error itself. An empty
// name is "this function".
func InternalError(kind, name string) string {
	if name == "" {
		return "Internal error in this function; the function logs have the details."
	}
	return fmt.Sprintf("Internal error in %s '%s'; the function logs have the details.", kind, name)
}

// Errorf returns an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}
