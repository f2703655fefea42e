// Package selfhost serves an app's MCP functions (package mcpfunc) as an
// MCP server of its own, with go-sdk: the second way this app can run on
// Azure Functions. With host.json's configurationProfile
// "mcp-custom-handler" the Functions host loads no MCP extension and
// forwards every HTTP request to the handler, which speaks MCP itself:
//
//	MCP client ──Streamable HTTP──▶ Functions host (keys, CORS) ──proxy──▶ handler: [Server] at /mcp
//	                                                                          │ blob bindings, in process
//	                                                                          ▼
//	                                                                       storage
//
// The declarations are the ones the trigger hosting serves through the
// extension, and clients see the same tools:
//
//   - Listings: each function's function.json is generated from its
//     declaration (package funcgen), read as the host reads it (package
//     funcapp), and listed as the extension lists it: tools with the same
//     inputSchema and outputSchema, the same resource templates and
//     prompts. One addition is the self hosting's own: a tool's title and
//     annotations, which the extension cannot list (tool.go).
//   - A tools/call runs in the host's order: required arguments checked
//     (JSON-RPC -32602 with the extension's message), binding paths
//     resolved from the same binding data ({mcptoolargs.x}, {sys.…}), blob
//     inputs read, the Go function run (its arguments checked against the
//     listed input schema first, as in the trigger hosting: package
//     mcpfunc), blob outputs written; the same errors reach the client
//     (see errors.go).
//   - Writes cannot land stale, where the host's overwrite: before the
//     function runs, the server learns what each output blob is (its
//     ETag, or that it does not exist), and writes it only if it is still
//     that. A call whose write reaches storage after another call's is
//     refused and says the blob changed; a write storage did not confirm
//     says it may or may not have been saved.
//   - A call the client abandoned starts no output write after that; a
//     write already sent goes on to its end, and the log says how it
//     ended (abandoned.go).
//   - Confirmations (confirm.go): a function that calls Confirm asks a
//     client at protocol 2026-07-28 that declares elicitation, with an
//     input_required result whose requestState is sealed (package
//     reqstate, key Options.StateKey); the retry's state is checked
//     before anything runs. The extension cannot ask: there, and for
//     every other client, Confirm is true at once.
//   - Resources and prompts: resolved and read the same way; their
//     failures are JSON-RPC errors that say what is wrong, where the
//     extension can only answer -32603 "An error occurred.". A prompt
//     argument sent as null counts as missing, as in the extension, though
//     go-sdk reads prompt arguments as strings (prompt.go).
//   - Completions, which the extension does not serve: declared on a
//     resource template or a prompt, they answer completion/complete, and
//     only then is the completions capability advertised (complete.go).
//
// # Transport
//
// Stateless Streamable HTTP at [Path], POST only, answered as JSON: the
// only form the self-hosted preview supports (no sessions, no GET
// streams). Any protocol version go-sdk knows is negotiated. go-sdk speaks
// the protocol; a tool call's arguments and the large values of results
// go around its JSON passes, read and written once (bypass.go).
//
// A front (front.go) reads each request before go-sdk does, and answers
// what go-sdk answers wrongly or not at all, as the MCP specification and
// JSON-RPC say: an MCP-Protocol-Version it does not speak (400, -32022),
// an unknown method (-32601), a batch that reuses an id or an id that is
// not a string or a number (400, -32600), a message nested deeper than
// the trigger hosting's 64 levels (400, -32700); and it passes go-sdk
// ids it can echo, so that 2^70 comes back as 2^70. Bodies are read
// within a byte budget (package bodylimit): a Content-Length over
// [Options.MaxMessageBytes] is refused before a byte is read, and the
// bodies held at once stay within [Options.MaxBodiesBytes]. A panic fails
// its request only (recover.go), and every refusal is one log line
// (refused.go). resources/read matches URIs as the extension does, scheme
// and literal text case-insensitively (resource.go).
//
// # Where it runs
//
// Behind the Functions host (on Azure, and under func start) the host
// checks keys and applies CORS before forwarding, and it connects over
// loopback with the Host header set to 127.0.0.1:<port> (YARP's default
// transformer), so the server checks nothing itself. Run directly, facing
// clients on the developer's machine ([Options.Direct]), it refuses
// cross-site and DNS-rebinding requests and, with [Options.Key], requests
// without the key (package guard).
package selfhost
