// Package mcpfunc runs MCP tools, resources and prompts written in Go as an
// Azure Functions app, behind the Functions host's keys, for any MCP
// client (GitHub Copilot, Claude, the MCP Inspector).
//
// A whole server is an [App] and a main that [Start]s it:
//
//	package main
//
//	import (
//		"context"
//
//		"remote-mcp-functions-go/mcpfunc"
//	)
//
//	type GreetInput struct {
//		Name string `json:"name" jsonschema:"Who to greet."`
//	}
//
//	var greet = &mcpfunc.Tool{
//		Name:        "greet",
//		Description: "Greet someone by name.",
//		Handler: mcpfunc.Typed(func(ctx context.Context, call *mcpfunc.Call, in GreetInput) (string, error) {
//			return "Hello, " + in.Name + "!", nil
//		}),
//	}
//
//	func main() {
//		mcpfunc.Start(func() (*mcpfunc.App, error) {
//			return &mcpfunc.App{Name: "greeter", Version: "1.0.0", Tools: []*mcpfunc.Tool{greet}}, nil
//		})
//	}
//
// In this repository the App is app.New in app/app.go, each function is a
// file beside it, and handler/main.go is the main above:
// func main() { mcpfunc.Start(app.New) }. After adding a function to the
// App, make generate writes the function's folder under functions/, which
// the Functions host reads; make start runs the app locally.
//
// # Tools
//
// A [Tool] is a name, a description for the model, and a Handler made by
// [Typed] from a plain Go function: it gets its typed input and returns its
// output or an error, and knows nothing of HTTP or of the host's
// encodings. Its [Call] gives it the blobs the host read, the blobs to
// write, the app's storage and a log.
//
// # Arguments and their schema
//
// The input is a struct; its exported fields are the tool's arguments.
// json tags name them, matched exactly (case included); jsonschema tags
// describe them for the model, and every argument needs one; a field is
// required unless tagged omitempty or omitzero. Strings, numbers,
// booleans, slices and nested structs all work:
//
//	type SearchInput struct {
//		Query      string   `json:"query" jsonschema:"What to look for."`
//		MaxResults int      `json:"maxResults,omitempty" jsonschema:"How many results at most (10 if left out)."`
//		Exact      bool     `json:"exact,omitempty" jsonschema:"Match the words exactly."`
//		Tags       []string `json:"tags,omitempty" jsonschema:"Only results with these tags."`
//	}
//
// The schema clients are shown is the schema every call is checked
// against, in both hostings, before the function runs. A call that does
// not fit gets an error result that says why, in the argument's JSON name
// and JSON types ("Argument 'maxResults' must be an integer, not 2.5."),
// and the function never sees it. An integral number is an integer however
// it is written (5, 5.0, 5e0), and null is the same as leaving an argument
// out. [Handler.WithSchema] says what tags cannot: enums, bounds, lengths,
// patterns, defaults. A schema keyword the check would not enforce is
// refused when the app starts, so nothing is promised that is not kept.
//
// # Output
//
// A function that returns a string answers text. One that returns a
// struct answers structured content, and the tool lists the struct's
// schema as its output schema; clients that do not read structured content
// get the struct's Text() string method if it has one, else its JSON (see
// the Typed example). A Links() []Link method adds resource links after the
// text (see the Link example).
//
// A Tool's Title and Annotations (read-only, destructive, idempotent,
// open-world) tell clients how it behaves; the self hosting lists them, the
// MCP extension cannot (see the Annotations example).
//
// # Blobs
//
// A [Blob] binding moves bytes between a tool and blob storage without
// code: the host reads an input ([BlobIn]) before the call, which the
// function gets with [Call.Input], and writes an output ([BlobOut]) after a
// call that succeeded, with what the function gave [Call.Output]. A path
// names an argument as {mcptoolargs.<name>}:
//
//	Blobs: []mcpfunc.Blob{mcpfunc.BlobOut("note", "notes/{mcptoolargs.name}.txt")},
//
// The host builds the path from the argument's text as the client sent
// it, so check the argument (a '/' or ".." reaches other blobs) before
// trusting what was read or writing anything.
//
// # Storage
//
// What no binding does, such as listing or deleting blobs, a function does
// with the app's own storage account, the one its bindings use:
// [Call.Storage] gives a [Storage] with Read, Write, List and Delete. Each
// operation is bounded in time; one that storage did not answer matches
// [ErrUnconfirmed], as it may have taken effect.
//
// # Confirming first
//
// Before it does what cannot be undone, a tool asks with [Call.Confirm].
// In the self hosting a client at protocol 2026-07-28 that declares
// elicitation is asked, and the function runs again with the answer;
// everywhere else Confirm is true at once. So nothing before Confirm may
// change anything.
//
// # Errors
//
// A function refuses a call with an [*Error] made by [Errorf]: its [Code]
// says what kind of refusal, and its message reaches the client as it is
// (an error result for a tool), so it must say what to do and must not
// carry secrets. Any other error is internal: the client is told only that
// the function failed, and the error goes to the log. [Call.Logf] writes
// the function's log: names and sizes, never contents. A tool without
// arguments that answers text is declared in the form every version of the
// host's MCP extension knows; its errors, whatever they are, reach the
// client as the host's generic error.
//
// # Resources and prompts
//
// A [Resource] is read by URI, or by a URI template such as note://{name}
// whose parameters its blob paths name as {name}. A [Prompt] turns string
// arguments ([TypedPrompt]) into a message for the model; its blob paths
// name them as {mcppromptargs.<name>}. Through the host's MCP extension a
// failed read or prompt reaches the client as JSON-RPC error -32603 "An
// error occurred." whatever the error: say why in the log. A template's
// parameters and a prompt's arguments can complete what a user types
// (Resource.Complete, Prompt.Complete): the self hosting serves that; the
// MCP extension does not.
//
// # MCP Apps
//
// An MCP App is an HTML view a client renders for a tool's results and
// that calls the app's tools through the client: a [Resource] with a fixed
// ui:// URI and MimeType [AppMimeType], whose page has its script and
// style inline, linked from the tool's Meta as
// {"ui": {"resourceUri": "ui://…"}}. Meta, on a tool or a resource, is its
// _meta in the lists, in both hostings (see the AppMimeType example).
//
// # Running
//
// [Start] runs the app as the function app's custom handler, in the
// hosting the app setting MCP_HOSTING names. By default the Functions host
// speaks MCP itself (its MCP extension, at /runtime/webhooks/mcp) and
// invokes the handler once per call; with MCP_HOSTING=self the host
// forwards requests and the handler is an MCP server of its own at /mcp.
// The App is the same in both, and clients see the same tools. The host
// reads a function's trigger and bindings from functions/<name>/function.json:
// the handler's -generate flag writes them from the App (make generate),
// and -check, or [Drift] in a test, says where they differ. [App].MaxContentBytes
// (1 MiB unless set) is the most text one argument or one blob carries: the
// handler reads calls of that size whatever their characters, so the
// function gets them and says itself what is too large.
//
// # Testing
//
// Package mcpfunctest runs an app's functions in a test as the host runs
// them: each call encoded as the host encodes it, served by the app's own
// handler and answered as the client would see it, with an in-memory blob
// storage and no Azure:
//
//	h := mcpfunctest.New(t, app)
//	h.SetBlob("notes", "todo.txt", []byte("call mum"))
//	res, err := h.CallTool("readnote", map[string]any{"name": "todo"})
//
// Each example below is such a test. For a test with a real MCP client,
// [NewHandler] gives the handler Start serves, to serve with
// net/http/httptest: with MCP_HOSTING=self, an MCP server at /mcp.
package mcpfunc
