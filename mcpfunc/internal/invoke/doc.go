// Package invoke is the wire contract between the Azure Functions host and a
// custom handler, for functions triggered by the MCP extension's
// mcpToolTrigger, mcpResourceTrigger and mcpPromptTrigger.
//
// # The exchange
//
// For every MCP tools/call, resources/read and prompts/get the host POSTs to
// http://127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT/<function folder name>
// a [Request]:
//
//	{"Data": {"context": …, "file": …}, "Metadata": {"mcptoolargs": {…}, "arguments": {…}, "sys": {…}, …}}
//
// Data holds one entry per input binding (the trigger first, then blob
// inputs); Metadata holds the binding data. The handler answers 200 with a
// [Response]:
//
//	{"Outputs": {"file": "<base64>"}, "Logs": ["…"], "ReturnValue": "…"}
//
// # The host's encodings
//
// The host builds Data and Metadata values with Newtonsoft: objects become
// JSON objects, but every .NET string is serialized to JSON text first and
// that text is then written as a JSON string. So each string arrives encoded
// one extra time:
//
//   - a blob holding print(1) arrives as "\"print(1)\"";
//   - a missing blob (a null value) arrives as "null", the four letters;
//   - the trigger value is itself JSON text (the extension serializes its
//     ToolInvocationContext to a string), so Data.context is encoded three
//     times: wire string → JSON string literal → {"name":…,"arguments":…}.
//
// [DecodeString] undoes exactly one extra level of a binding's value;
// [Request.Trigger] peels the trigger value's levels until its JSON object
// appears, and [Request.Context] builds on it. Arguments are read from the
// trigger context ([Request.Arguments]), where the extension wrote the
// client's JSON back as it came: Metadata.arguments is a lossy Newtonsoft
// re-parse of it, and Metadata.mcptoolcontext is built with a serializer
// that ignores the extension's property names, so neither is read.
// Metadata.mcptoolargs holds the text the host builds binding paths from
// ([Request.ToolArgs]); a handler reads only the members its paths use.
//
// [ParseRequest] reads a payload once, front to back (package rawjson),
// keeping each value as a slice of the body: a 1 MiB argument appears four
// times in a payload, escaped up to nine times over, and only the one in
// the trigger is decoded. Nothing the handler reads may nest deeper than
// [MaxDepth], the host's own limit; [MaxPayloadBytes] says how large a
// payload can get.
//
// # Answers
//
// The host treats any non-2xx answer, an empty body or a body that is not a
// JSON object as a failed invocation, and the MCP client then sees only
// "An error occurred invoking '<tool>'." (for a resource or a prompt,
// JSON-RPC error -32603 "An error occurred."). An empty body is worse: the
// host waits until the function timeout. So a handler always answers with a
// JSON object, and a tool that declares useResultSchema answers its own
// failures with 200 and isError (below); a plain tool, a resource or a
// prompt has no other way to fail than a non-2xx.
//
// Output strings are base64 of the bytes: the host base64-decodes any output
// string that happens to be valid base64 (the text "test" would otherwise be
// written as three binary bytes).
//
// ReturnValue is either plain text, which the extension wraps in one text
// content block, or, when the trigger declares "useResultSchema": true, the
// JSON string {"type":"call_tool_result","content":"<CallToolResult JSON>"}:
// the only way for a handler to return isError with its own message
// ([RichReturn]).
// A [Response] writes its body in one pass: a tool's text sits in a string
// (CallToolResult) in a string (the envelope) in a string (ReturnValue),
// and is escaped for all three levels at once, never built as the texts
// around it first.
//
// # The host's side
//
// The same contract seen from the host, for the local stand-in for the
// host and for tests: [NewToolRequest] encodes a request as the host does
// (hostrequest.go), [DecodeResponse] reads an answer as the host does
// (hostresponse.go), and [ToolResult] maps a ReturnValue to the MCP result
// as the extension's return value binders do (returnbinder.go).
//
// Sources: Azure/azure-functions-host (DefaultHttpWorkerService.cs,
// ScriptInvocationContextExtensions.cs, HttpScriptInvocationResultExtensions.cs)
// and Azure/azure-functions-mcp-extension (McpToolTriggerBinding.cs,
// ToolReturnValueBinder.cs, McpToolResult.cs). Nothing here was run against
// a real host; docs/contract.md#not-confirmed lists what is unconfirmed,
// and docs/deploy.md#verify-a-deployment what to check first on a
// deployment.
package invoke
