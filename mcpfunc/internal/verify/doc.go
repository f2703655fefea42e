// Package verify checks a running MCP server against the app's
// declarations, as a client sees it: the handler's -verify flag (make
// verify). It is how a run this repository's tests cannot reach (func start
// on a developer's machine, a deployed function app) gets a verdict.
//
// One run, per transport the endpoint's hosting serves (see [ParseEndpoint]):
//
//   - With a key (MCP_KEY), a request without it must be refused (401 or
//     403), and the client sends it in x-functions-key.
//   - initialize answers the declared server name, version and
//     instructions.
//   - tools/list, resources/list, resources/templates/list and prompts/list
//     list exactly the declared functions, each as the self hosting lists
//     it built from the same declarations (which the end-to-end tests
//     check devhost lists alike): compared as JSON values, so that a
//     difference is named by its path (get's inputSchema at
//     /properties/key/type).
//   - Each probe an app declares runs (mcpfunc.Tool.Probe and the like),
//     through a client that records what it called and checks each
//     structuredContent against the tool's listed outputSchema; its
//     cleanups run after it, pass or fail, interrupted too ([RunProbe]);
//     a cleanup that fails says the probe's data may be left. An
//     interrupt (Ctrl+C) starts no other check and is the verdict. A
//     function no
//     probe calls is listed "not called", never called with made-up
//     arguments; a static resource and a prompt without required
//     arguments are read-only, and are read once when no probe does.
//
// Every request, probe and cleanup has a time limit. The result is a
// table (check, result, detail) and one verdict line; a failure's detail
// names the difference and its likely cause. Nothing it prints holds the
// key: every line is scrubbed of it on the way out, whatever a server
// echoes back.
package verify
