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
// required (the host refuses a call without it, or with it null).
//
// # Arguments
//
// The input schema clients are shown ([Tool.InputSchema], in the form
// [Tool.Properties] picks) is the one each call is checked against, in
// both hostings, before the function runs: a call that does not fit gets
// an isError result that says why in the argument's JSON name and JSON
// types ("Argument 'limit' must be between 1 and 1000."), and nothing is
// converted. The arguments are read once, as the client sent them,
// straight into the input:
//
//   - names match exactly, unlike encoding/json, which also takes a member
//     whose name differs only in case;
//   - an integral number is an integer however written (5, 5.0, 5e0);
//   - null is the same as leaving an argument out;
//   - Handler.WithSchema adds what tags cannot say (enum, bounds, lengths,
//     patterns, item counts, defaults); a schema keyword that would not be
//     checked is refused by Check, so nothing is promised that is not
//     kept;
//   - a tool listed in the plain form (toolProperties) ignores arguments it
//     does not declare, as the host does; one listed whole refuses them
//     (its schema's additionalProperties: false).
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
package decl
