// Package decl is the declarations of an app's functions as the hostings
// run them: tools, resources and prompts with their typed handlers, the
// Call a function sees, the errors a client can act on, and the decoding
// and checking of arguments against the input schema. Package mcpfunc,
// the library's public API, converts its own declarations to these once;
// the custom handler (trigger hosting), the self-hosted server and the
// generator of function.json (package funcgen) all read them, so both
// hostings check and decode a call alike. Functions are plain Go, free of
// HTTP and of the host's encodings.
//
// # Declaring a tool
//
// A tool is a [Tool] value whose Handler is made by [Typed] from a
// function of a typed input (see the Example).
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
// For what no binding does (listing, deleting), [Call.Store] gives the
// storage account of a connection setting, which the hosting provides.
//
// # Errors
//
// Errors a client can act on are [*Error] values; their message reaches the
// client as an isError result. Any other error is internal: the client gets
// a generic message and the details go to the logs only.
package decl
