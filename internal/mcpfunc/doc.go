// Package mcpfunc is how this app declares its MCP tools in Go: plain Go
// functions with typed input and output, free of HTTP and of the host's
// encodings. Everything the Functions host needs about a tool (its
// function.json: trigger, properties or schemas, blob bindings) is
// generated from the declaration by package funcgen (make generate).
//
// # Declaring a tool
//
// A tool is a [Tool] value whose Handler is made by [Typed] from a
// function of a typed input:
//
//	type shoutInput struct {
//		Text string `json:"text" jsonschema:"What to shout."`
//		Times int   `json:"times,omitempty" jsonschema:"How often; 1 if left out."`
//	}
//
//	var Shout = &mcpfunc.Tool{
//		Name:        "shout",
//		Description: "Shout a text.",
//		Handler: mcpfunc.Typed(func(ctx context.Context, call *mcpfunc.Call, in shoutInput) (string, error) {
//			if in.Text == "" {
//				return "", mcpfunc.Errorf(mcpfunc.Invalid, "Nothing to shout.")
//			}
//			return strings.Repeat(strings.ToUpper(in.Text)+"! ", max(in.Times, 1)), nil
//		}),
//	}
//
// The input's fields are the tool's arguments: json tags name them,
// jsonschema tags describe them, and a field without omitempty is
// required (the host refuses a call without it). A client that sends the
// wrong type of value gets an isError result that says so; nothing is
// converted.
//
// The output is text (a string), or a struct: then the result carries it
// as structured content and the tool declares its output schema.
//
// # Storage
//
// Blob bindings give a tool storage without code: the host reads an input
// blob before the call ([Call.Input]) and writes an output blob after it
// ([Call.Output]); their paths name arguments as {mcptoolargs.<name>}.
//
// # Errors
//
// Errors a client can act on are [*Error] values; their message reaches the
// client as an isError result. Any other error is internal: the client gets
// a generic message and the details go to the logs only.
package mcpfunc
