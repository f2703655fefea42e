// Package testenv runs a function app's real parts for tests and
// benchmarks: Azurite on free ports (the same launcher as `make start`),
// the staged app (the same staging code as `make build`), and devhost, the
// local stand-in for the Functions host, serving MCP in front of the
// handler, or the handler serving MCP itself (the self hosting).
//
// Any app can be staged ([Stage] of a [Source]: its folder and its
// handler's package); unless told otherwise it is the library's own test
// app, [Fixture] (package fixture), so that the library's tests never
// depend on the repository's app. Package mcpfunctest's Serve runs an
// app's own handler on the same parts.
//
// # Using it
//
// A test binary that uses testenv calls [Main] from TestMain, so the things
// it shares (one build of each app and of devhost, one Azurite) are made
// once and removed when the binary ends:
//
//	func TestMain(m *testing.M) { testenv.Main(m) }
//
//	func TestPut(t *testing.T) {
//		az := testenv.SharedAzurite(t)
//		dh := testenv.StartDevhost(t, testenv.DevhostOptions{Storage: az.ConnectionString()})
//		… an MCP client on dh.URL (Streamable HTTP) or dh.SSEURL puts "demo" …
//		got, ok := az.Blob(t, "items", "demo.txt")
//	}
//
// Without Main, builds and stagings are made per test, and [SharedAzurite]
// is refused.
//
// [StartAzurite] gives a test its own Azurite (to stop and restart it, or
// to fill it without slowing the others); [SharedAzurite] is the one every
// test may write to, so such tests use names of their own. [StartDevhost]
// starts a devhost for one test and stops it at the test's end, checking
// that it exits 0 on SIGTERM and leaves no handler behind. [StartSelfhost]
// does the same for the self hosting: the handler staged for it ([SelfApp])
// run on its own, the MCP server itself, as make start runs it without
// func. Both answer [Endpoint]: where a client connects. With
// MCP_TEST_HOST set ([HostSetting]), both run that command in the staged
// app folder instead: the CI workflow runs the suites with the real
// Functions host, MCP_TEST_HOST="func start --port {port}".
// [StartStorageProxy] stands between a server and an Azurite and holds the
// storage requests a test picks, to play slow or frozen storage in an
// order the test chooses. [Inspector] runs
// the pinned MCP Inspector CLI; [Conformance] runs the pinned MCP
// conformance suite's server scenarios and reads its per-check results.
//
// # What it needs
//
// Go, and the pinned Node tools in node_modules (`npm ci`, which `make test`
// runs first). Azurite and the Inspector run on the machine's Node (20 or
// later); the conformance suite needs Node 22, so it runs on the Node binary
// of the npm package package.json pins for this platform (see
// node22Packages). A missing tool fails the test with the command that
// installs it: tests never skip.
//
// Every process started here is stopped by the test that started it, and is
// also tied to the test binary (package proc: a parent-death signal on
// Linux, a job object on Windows), so no Azurite or devhost outlives a
// crashed run there. macOS has no such mechanism: a test binary killed
// with SIGKILL may leave an Azurite behind (devhost watches its parent).
package testenv
