package mcpfunc

import (
	"errors"
	"fmt"

	"remote-mcp-functions-go/mcpfunc/internal/decl"
)

// Call is one invocation of a function, as the function sees it beside
// its typed input: the blob inputs the host read, the blob outputs to
// write, the app's storage and a log.
type Call struct{ c *decl.Call }

// Input returns the text of a blob input binding; found is false when the
// blob does not exist.
func (c *Call) Input(binding string) (text string, found bool) { return c.c.Input(binding) }

// Output sets the bytes written to a blob output binding once the call
// succeeds. A call that fails writes nothing.
func (c *Call) Output(binding string, data []byte) { c.c.Output(binding, data) }

// Logf records one line in the function's log (the host keeps it). Log
// names and sizes, never contents or secrets.
func (c *Call) Logf(format string, args ...any) { c.c.Logf(format, args...) }

// Confirm asks the user to confirm question (a sentence ending in '?')
// before the call does something that cannot be undone, and reports
// whether they did. A function calls it before any such step, at most
// once per call, and returns its error as it is:
//
//	ok, err := call.Confirm("Delete item " + key + "?")
//	if err != nil || !ok {
//		return "Not deleted.", err
//	}
//
// In the self hosting, a client at protocol 2026-07-28 that declares
// elicitation is asked: the first call ends there (err is the question,
// as an input_required result), and the client calls again with the
// answer, which runs the function again from the start; so nothing the
// function does before Confirm may change anything. Accept is true,
// decline and cancel false. The question and the call's arguments are
// sealed in the request state the client sends back, so an answer
// confirms this call only: one with other arguments, another tool, a
// state older than five minutes or one the server did not issue is
// refused and runs nothing. Everywhere else (the trigger hosting, whose
// protocol cannot ask; older clients; clients without elicitation;
// mcpfunctest) Confirm is true at once, and the tool's description is
// what warns the model.
func (c *Call) Confirm(question string) (bool, error) { return c.c.Confirm(question) }

// Blob is one blob binding: the host reads an input before the call and
// writes an output after it succeeds. Path is container/blob with {…}
// expressions: {mcptoolargs.<argument>} in a tool, {mcppromptargs.<argument>}
// in a prompt, {<parameter>} of the URI template in a resource, and
// {sys.randguid}, {sys.utcnow} anywhere. An argument a path names must be a
// required string.
type Blob struct {
	// Name is the binding's name: a letter, then letters and digits.
	Name string
	// Path is where the blob is.
	Path string
	// Out is true for an output binding, false for an input.
	Out bool
	// Connection names the app setting of the storage account; empty
	// means AzureWebJobsStorage, the app's own storage.
	Connection string
}

// BlobIn declares a blob input binding.
func BlobIn(name, path string) Blob { return Blob{Name: name, Path: path} }

// BlobOut declares a blob output binding.
func BlobOut(name, path string) Blob { return Blob{Name: name, Out: true, Path: path} }

// Code classifies an error a client can act on.
type Code string

// The codes. In a tool's result each is an error result with the
// message; in a resource or a prompt (self hosting) Unavailable is JSON-RPC
// error -32603 and the others -32602.
const (
	Invalid     Code = "invalid"     // bad or missing arguments
	NotFound    Code = "not_found"   // the thing asked for does not exist
	TooLarge    Code = "too_large"   // content over a size limit
	Unavailable Code = "unavailable" // a service it needs did not answer
)

// Error is a failure the client can act on: its Message reaches the
// client as it is, so it must not carry secrets. Any other error a
// function returns is internal: the client gets a generic message and
// the details go to the log.
type Error struct {
	Code    Code
	Message string
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// toDecl is err as the hostings read it: an *Error, anywhere in err's
// chain, becomes theirs; any other error stays as it is (internal).
func toDecl(err error) error {
	var e *Error
	if err == nil || !errors.As(err, &e) {
		return err
	}
	return &decl.Error{Code: decl.Code(e.Code), Message: e.Message}
}
