// Package devhost plays the Azure Functions host and its MCP extension for
// one function app, locally: it serves MCP to clients and invokes the
// custom handler for each tool call as the host does, each behaviour as the
// host's and the extension's source show it (the files cite them), so that
// a handler meets here what it meets under the host. It is a development
// tool, not a production host: it plays the host and the extension, not
// the platform around them on Azure (scaling out, instances recycled, the
// front end's own limits and authentication); where devhost and the host
// differ, the host is right. Run the app under func start, or deploy it,
// before relying on it.
//
// # What the host does, and where it is here
//
//	MCP client ──MCP──▶ Server (this package) ──POST /<function>──▶ handler
//	                        │ blob bindings
//	                        ▼
//	                     storage (Azurite)
//
// In detail:
//
//   - Tools: each function folder whose function.json has an mcpToolTrigger
//     is one tool. Its inputSchema is built from toolProperties as the
//     extension builds it ([funcapp.Binding.ListedInputSchema]); the
//     trigger's metadata becomes the tool's _meta ([funcapp.ParseMetadata]),
//     as a resource trigger's and a prompt trigger's become theirs, in the
//     lists only (a read's contents carry none).
//   - Resources and prompts: an mcpResourceTrigger is a resource, or a
//     resource template when its uri has {parameters} (matched as the
//     extension matches them); an mcpPromptTrigger is a prompt with its
//     arguments (a required one sent as null is missing, as in the
//     extension; go-sdk would read it as "", so the message is read
//     first, see mcpext.NullPromptArguments). They are invoked as tools
//     are, with [invoke.NewResourceRequest] and [invoke.NewPromptRequest];
//     a failure
//     is JSON-RPC error -32603 "An error occurred.", as the extension
//     answers it.
//   - Transports: Streamable HTTP on /runtime/webhooks/mcp and the legacy
//     SSE transport on /runtime/webhooks/mcp/sse with its message endpoint
//     /runtime/webhooks/mcp/message, served with go-sdk. Server name,
//     version and instructions come from host.json extensions.mcp.
//   - A tools/call runs in the host's order: required arguments checked
//     (JSON-RPC error -32602 "One or more required tool properties are
//     missing values. Please provide: a, b"); binding paths resolved
//     ({mcptoolargs.x}, {sys.…}, see [funcapp.PathTemplate]); blob inputs read; the
//     invocation posted to the handler, encoded by [invoke.NewToolRequest];
//     the answer read by [invoke.DecodeResponse]; outputs written to blob
//     outputs; ReturnValue mapped by [invoke.ToolResult]. Any failure after
//     the argument check gives the client only "An error occurred invoking
//     '<tool>'." (isError), as on Azure; devhost logs the reason.
//   - Blob outputs are written as the host writes them: once the handler
//     has answered, over whatever the blob holds by then (an empty blob
//     first, then the content; see blobstore.Account.Write), and whether
//     or not the MCP client is still there: the host does not stop an
//     invocation whose client went away (see timed).
//   - Keys: off by default, like func start. With a key, every request
//     needs it in x-functions-key or ?code=, else 401 with
//     WWW-Authenticate: Bearer, as on Azure. See sseHandler for how a
//     legacy SSE client that connected with ?code= posts its messages.
//   - Browsers: a request whose Origin is another site (unless [CORS]
//     allows it), or whose Host is not a loopback name while devhost
//     listens on loopback, gets 403. With [Options.CORS] (Host.CORS in
//     local.settings.json), preflights and responses get CORS headers as
//     func start gives them.
//   - Messages: what the host cannot read (text that is not JSON, a
//     batch, nesting past 64 levels, an id beyond Int64) is 500, as the host answers an exception
//     the extension does not catch; an id within Int64 comes back exactly;
//     a method no SDK serves gets the C# SDK's -32601; MCP-Protocol-Version
//     is not read, as the extension does not read it (front.go). Bodies
//     are read within a byte budget, a Content-Length over
//     [Options.MaxMessageBytes] refused (413) before reading.
//   - Sessions: Streamable HTTP sessions are go-sdk's, kept in memory
//     where the extension keeps none, so there are at most
//     [Options.MaxSessions]: past it, the least recently used is closed
//     (sessions.go).
//   - Every refused request (403, 401, 413, 500 for a message the host
//     cannot read) is logged with its reason, method and path, never the
//     query string or a header.
//
// The handler process itself is run by package worker, storage is reached
// through package blobstore, and the app is read by package funcapp; the
// devhost command wires them together.
package devhost
