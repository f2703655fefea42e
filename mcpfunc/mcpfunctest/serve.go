// # End to end
//
// [Serve] runs an app the way it runs under `make start`, for a test to
// drive as any MCP client would: Azurite on free ports (the storage
// emulator, from the module's node_modules: run npm ci once), the app's
// handler built from its package and staged with the function app's files
// as make build stages them, and in front of it devhost, the local
// stand-in for the Functions host and its MCP extension (the default
// hosting), or nothing (MCP_HOSTING=self: the handler serves MCP itself).
// It returns the MCP endpoint, a connected go-sdk client session, the
// Azurite's blobs and the servers' logs, and stops everything when the
// test ends. It takes seconds, not milliseconds: use it for what only the
// real stack shows, and [New] for a function's every case.
//
//	func TestSaveEndToEnd(t *testing.T) {
//		for _, hosting := range []string{"triggers", "self"} {
//			t.Run(hosting, func(t *testing.T) {
//				srv := mcpfunctest.Serve(t, mcpfunctest.ServeOptions{Hosting: hosting})
//				res, err := srv.Session.CallTool(t.Context(), &mcp.CallToolParams{
//					Name: "save", Arguments: map[string]any{"name": "a", "text": "x"}})
//				require.NoError(t, err)
//				got, found := srv.Blob("notes", "a.txt") // the tool's blob output
//				…
//			})
//		}
//	}
//
// A package whose tests call Serve more than once can share one Azurite
// and one build of each hosting between them by calling [Main] from its
// TestMain.
package mcpfunctest

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/hosting"
	"remote-mcp-functions-go/mcpfunc/internal/nodetool"
	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// ServeOptions say what [Serve] runs, and how.
type ServeOptions struct {
	// Hosting is "triggers" (the default: devhost in front of the
	// handler, as the Functions host and its MCP extension run it) or
	// "self" (the handler serving MCP itself, MCP_HOSTING=self).
	Hosting string
	// Dir is the function app's folder (host.json, local.settings.json,
	// functions/), relative to the module's root (the folder of go.mod);
	// empty means the root, where make generate writes them.
	Dir string
	// Handler is the handler's main package, relative to Dir; empty means
	// "./handler".
	Handler string
	// Settings are app settings for the handler, over local.settings.json's
	// Values, as the environment is under func start.
	Settings map[string]string
	// Key, when not empty, is the key the server requires of every
	// request (x-functions-key header or ?code=), as on Azure; Session
	// sends it in the header.
	Key string
}

// Server is an app served end to end by [Serve].
type Server struct {
	// URL is the MCP endpoint (Streamable HTTP):
	// …/runtime/webhooks/mcp in the trigger hosting, where devhost also
	// serves legacy SSE at URL+"/sse"; …/mcp self-hosted.
	URL string
	// Session is a go-sdk client session connected to URL, closed when the
	// test ends.
	Session *mcp.ClientSession

	t       testing.TB
	azurite *testenv.Azurite
	output  func() string
	verify  *exec.Cmd // the staged handler's -verify of URL, not yet run
}

// startLimit bounds Serve's own steps that have no bound of their own.
const startLimit = 2 * time.Minute

// Serve builds the app's handler, starts Azurite and the hosting, and
// connects a client, failing the test with what went wrong if any of it
// does. The function app's files must match the declarations (make
// generate): Serve refuses to run stale ones. Everything it starts stops
// when the test ends: a server that does not exit cleanly within its
// grace is killed, and fails the test.
func Serve(t testing.TB, opts ServeOptions) *Server {
	t.Helper()
	testenv.SkipIfShort(t) // make test-unit: no Azurite, no builds
	mode := hosting.Mode(opts.Hosting)
	switch mode {
	case "":
		mode = hosting.Triggers
	case hosting.Triggers, hosting.Self:
	default:
		t.Fatalf("mcpfunctest.Serve: Hosting %q: want %q (the default) or %q", opts.Hosting, hosting.Triggers, hosting.Self)
		return nil
	}
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatalf("mcpfunctest.Serve: %v", err)
		return nil
	}
	if err := nodeTools(root); err != nil {
		t.Fatalf("mcpfunctest.Serve needs Azurite: %v", err)
		return nil
	}
	var az *testenv.Azurite
	if testenv.Shared() {
		az = testenv.SharedAzurite(t)
	} else {
		az = testenv.StartAzurite(t)
	}

	src := testenv.Source{Dir: filepath.Join(root, opts.Dir), Package: opts.Handler}
	if src.Package == "" {
		src.Package = "./handler"
	}
	staged := testenv.Stage(t, src, mode)
	env := settingsEnv(opts.Settings)
	if err := checkGenerated(t, staged, src.Dir, env); err != nil {
		t.Fatalf("mcpfunctest.Serve: %v", err)
		return nil
	}
	s := &Server{t: t, azurite: az}
	switch mode {
	case hosting.Self:
		sh := testenv.StartSelfhost(t, testenv.SelfhostOptions{App: staged, Storage: az.ConnectionString(), Key: opts.Key, Env: env})
		s.URL, s.output = sh.URL, sh.Output
	default:
		dh := testenv.StartDevhost(t, testenv.DevhostOptions{App: staged, Storage: az.ConnectionString(), Key: opts.Key, Env: env})
		s.URL, s.output = dh.URL, dh.Output
	}
	s.verify = verifyCommand(staged, s.URL, env, opts.Key)

	var client *http.Client
	if opts.Key != "" {
		client = &http.Client{Transport: keyTransport{opts.Key}}
	}
	ctx, cancel := context.WithTimeout(context.Background(), startLimit)
	defer cancel()
	session, err := mcp.NewClient(&mcp.Implementation{Name: "mcpfunctest", Version: "1.0.0"}, nil).
		Connect(ctx, &mcp.StreamableClientTransport{Endpoint: s.URL, HTTPClient: client, MaxRetries: -1}, nil)
	if err != nil {
		t.Fatalf("mcpfunctest.Serve: connect to %s: %v", s.URL, err)
		return nil
	}
	t.Cleanup(func() { _ = session.Close() })
	s.Session = session
	return s
}

// verifyLimit bounds one Verify: every request it makes has a bound of
// its own; this is the backstop.
const verifyLimit = 5 * time.Minute

// Verify runs the handler's -verify against the server, as make verify
// runs it against a deployment: what the server lists is checked against
// the app's declarations and every probe runs, with the server's key
// (MCP_KEY). It returns what -verify printed (a table and the verdict
// line), and an error when a check failed.
func (s *Server) Verify() (string, error) {
	s.t.Helper()
	cmd := exec.Command(s.verify.Path, s.verify.Args[1:]...)
	cmd.Env = s.verify.Env
	return testenv.RunToExit(s.t, cmd, verifyLimit)
}

// verifyCommand is the staged handler's -verify of url, with the
// settings env and key.
func verifyCommand(staged, url string, env []string, key string) *exec.Cmd {
	exe := "handler"
	if app, err := funcapp.Load(staged); err == nil {
		exe = app.Host.Executable()
	}
	cmd := exec.Command(filepath.Join(staged, exe), "-verify", url)
	// The test's environment (the system's own variables, which some
	// platforms' networking needs) without a key, then the app's settings.
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "MCP_KEY=") })
	cmd.Env = append(cmd.Env, env...)
	if key != "" {
		cmd.Env = append(cmd.Env, "MCP_KEY="+key)
	}
	return cmd
}

// Blob returns the blob container/name of the server's storage; found is
// false when there is none. An error of the storage fails the test.
func (s *Server) Blob(container, name string) (data []byte, found bool) {
	data, found, err := s.azurite.ReadBlob(container, name)
	if err != nil {
		s.t.Errorf("mcpfunctest.Server.Blob: %v", err)
	}
	return data, found
}

// SetBlob stores data as the blob container/name, as another writer
// would, creating the container if needed. An error of the storage fails
// the test.
func (s *Server) SetBlob(container, name string, data []byte) {
	if err := s.azurite.WriteBlob(container, name, data); err != nil {
		s.t.Errorf("mcpfunctest.Server.SetBlob: %v", err)
	}
}

// Blobs returns every blob of the server's storage, keyed
// "container/name": compare two of them to see what a call wrote. An
// error of the storage fails the test.
func (s *Server) Blobs() map[string][]byte {
	all, err := s.azurite.ReadAll()
	if err != nil {
		s.t.Errorf("mcpfunctest.Server.Blobs: %v", err)
	}
	return all
}

// Logs returns the lines the servers have printed so far: devhost's and
// the handler's (the app's Call.Logf among them), or the self-hosted
// handler's.
func (s *Server) Logs() []string {
	out := strings.TrimSuffix(s.output(), "\n")
	if out == "" {
		return nil
	}
	return strings.Split(out, "\n")
}

// Main runs a package's tests, sharing one Azurite and one build of each
// hosting between the Serve calls of its tests, and removes them at the
// end. Call it from TestMain, if at all:
//
//	func TestMain(m *testing.M) { mcpfunctest.Main(m) }
func Main(m *testing.M) { testenv.Main(m) }

// nodeTools says whether Azurite is installed where Serve runs it from.
func nodeTools(root string) error {
	_, err := nodetool.Bin(root, "azurite", "")
	return err
}

// settingsEnv is settings as environment variables, in a fixed order.
func settingsEnv(settings map[string]string) []string {
	var env []string
	for _, k := range slices.Sorted(maps.Keys(settings)) {
		env = append(env, k+"="+settings[k])
	}
	return env
}

// checkGenerated runs the staged handler's -check on the app's folder:
// an error when functions/ or host.json differ from the declarations.
func checkGenerated(t testing.TB, staged, dir string, env []string) error {
	t.Helper()
	app, err := funcapp.Load(staged)
	if err != nil {
		return err
	}
	cmd := exec.Command(filepath.Join(staged, app.Host.Executable()), "-check", "-root", dir)
	cmd.Env = append([]string{}, env...)
	out, err := testenv.RunToExit(t, cmd, testenv.ExitLimit)
	if err != nil {
		return fmt.Errorf("the function app's files in %s differ from the app's declarations (run make generate): %v\n%s", dir, err, strings.TrimSpace(out))
	}
	return nil
}

// keyTransport sends the function key with every request, as an MCP
// client configured with it does.
type keyTransport struct{ key string }

func (k keyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("x-functions-key", k.key)
	return http.DefaultTransport.RoundTrip(r)
}
