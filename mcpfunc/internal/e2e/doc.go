// Package e2e tests the library end to end as an MCP client sees it, in
// both hostings, on the library's own test app (package fixture, never the
// repository's app): real MCP clients (the go-sdk client on Streamable
// HTTP and legacy SSE, the MCP Inspector CLI, the MCP conformance suite)
// talk to devhost, the local stand-in for the Functions host, which
// invokes the fixture's real handler binary (the trigger hosting), and to
// that handler binary serving MCP itself (the self hosting), with items
// stored in a real Azurite that the tests read back with azblob. Most
// suites run once per hosting (hostings_test.go); parity_test.go puts the
// two side by side.
//
// The package holds tests and benchmarks only; package testenv starts the
// parts. With MCP_TEST_HOST set (testenv.HostSetting) the suites run
// against that host command instead of devhost and the handler on its
// own: the CI workflow runs the keyless ones with the real func start. `go test ./mcpfunc/internal/e2e` runs the tests (they are part
// of `make test`); `make bench` runs the end-to-end benchmark, which
// measures the devhost path against a plain go-sdk server doing the same
// blob work in the same run.
//
// What the tests pin, in short:
//
//   - tools/list matches functions/*/function.json exactly (names,
//     descriptions, input schemas with their required lists), and both
//     hostings list the same tools, resources and prompts;
//   - good and bad tool calls get the same answers in both hostings;
//     resource and prompt failures are -32603 with the extension and say
//     what is wrong self-hosted;
//   - values round-trip byte for byte through the host's encodings,
//     including text that looks like JSON or base64; typed arguments of
//     each kind arrive as sent, and structured output comes back;
//   - bad input gets the tool's or the library's message as an isError
//     result and writes nothing; a missing required argument is JSON-RPC
//     -32602; content within the app's limit always reaches the tool,
//     whatever its encoding;
//   - key mode answers 401 without the key on both transports and accepts
//     x-functions-key and ?code=;
//   - 32 concurrent clients get exactly what they wrote;
//   - a storage outage gives clear tool errors and recovers, a storage
//     that hangs or answers late is bounded and said, and a killed handler
//     is restarted;
//   - every generic scenario of the MCP conformance suite passes, with and
//     without a key, and the others fail only as its baseline files say
//     (what each hosting cannot serve beside the fixture scenarios); the
//     2026-07-28 requirement set passes on the self hosting and the
//     2025-11-25 one on both, with baselines of fixture scenarios only;
//   - go-sdk's client reaches the self hosting at 2026-07-28 (discover,
//     no handshake) for tools, the resource template, the prompt and
//     their completions; the trigger hosting answers completion/complete
//     as the extension does;
//   - mcpfunc/cmd/start runs either hosting and stops everything it
//     started.
//
// What belongs to an app (its own rules, settings and listings) is tested
// by the app itself, through package mcpfunctest: never here.
package e2e
