// Package e2e tests the whole function app as an MCP client sees it, in
// both hostings: real MCP clients (the go-sdk client on Streamable HTTP
// and legacy SSE, the MCP Inspector CLI, the MCP conformance suite) talk
// to devhost, the local stand-in for the Functions host, which invokes the
// real handler binary (the trigger hosting), and to the real handler
// binary serving MCP itself (the self hosting), with snippets stored in a
// real Azurite that the tests read back with azblob. Most suites run once
// per hosting (hostings_test.go); parity_test.go puts the two side by
// side.
//
// The package holds tests and benchmarks only; package testenv starts the
// parts. `go test ./internal/e2e` runs the tests (they are part of
// `make test`); `make bench` runs the end-to-end benchmark, which measures
// the devhost path against a plain go-sdk server doing the same blob work in
// the same run.
//
// What the tests pin, in short:
//
//   - tools/list matches functions/*/function.json exactly (names,
//     descriptions, input schemas with their required lists), and both
//     hostings list the same tools, resources and prompts;
//   - good and bad tool calls get the same answers in both hostings;
//     resource and prompt failures are -32603 with the extension and say
//     what is wrong self-hosted;
//   - snippets round-trip byte for byte through the host's encodings,
//     including text that looks like JSON or base64;
//   - bad input gets the handler's message as an isError result and writes
//     nothing; a missing required argument is JSON-RPC -32602;
//   - key mode answers 401 without the key on both transports and accepts
//     x-functions-key and ?code=;
//   - 32 concurrent clients get exactly what they wrote;
//   - a storage outage gives clear tool errors and recovers, and a killed
//     handler is restarted;
//   - every generic scenario of the MCP conformance suite passes, with and
//     without a key, and the others fail only as its baseline files say
//     (the self hosting's stateless ones beside the app's own);
//   - cmd/start runs either hosting and stops everything it started.
package e2e
