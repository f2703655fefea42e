package e2e

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/hosting"
	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// The end-to-end suites run against both hostings of the app: devhost in
// front of the handler (the trigger hosting, as the Functions host and its
// MCP extension run it) and the self-hosted handler, the MCP server
// itself (as make start runs it without func).

// server is a running hosting, as a test reaches it: *testenv.Devhost or
// *testenv.Selfhost.
type server interface {
	Endpoints() *testenv.Endpoint
	// Output is what it has printed so far.
	Output() string
	// Exited reports whether it has ended.
	Exited() bool
}

// serverOptions say how to start a hosting.
type serverOptions struct {
	// Storage is AzureWebJobsStorage: an Azurite's connection string.
	Storage string
	// Key turns keys on (MCP_EXTENSION_KEY).
	Key string
	// Env is added to the environment; it wins over local.settings.json.
	Env []string
	// Settings are set in a copy of the staged local.settings.json.
	Settings map[string]string
}

// hostingCase is one hosting and how to start it.
type hostingCase struct {
	name  string
	mode  hosting.Mode
	start func(tb testing.TB, o serverOptions) server
}

var hostings = []hostingCase{
	{"triggers", hosting.Triggers, func(tb testing.TB, o serverOptions) server {
		var app string
		if o.Settings != nil {
			app = testenv.CopyApp(tb, o.Settings)
		}
		return testenv.StartDevhost(tb, testenv.DevhostOptions{App: app, Storage: o.Storage, Key: o.Key, Env: o.Env})
	}},
	{"self", hosting.Self, func(tb testing.TB, o serverOptions) server {
		var app string
		if o.Settings != nil {
			app = testenv.CopySelfApp(tb, o.Settings)
		}
		return testenv.StartSelfhost(tb, testenv.SelfhostOptions{App: app, Storage: o.Storage, Key: o.Key, Env: o.Env})
	}},
}

// forEachHosting runs f as a subtest for each hosting.
func forEachHosting(t *testing.T, f func(t *testing.T, h hostingCase)) {
	t.Helper()
	for _, h := range hostings {
		t.Run(h.name, func(t *testing.T) { f(t, h) })
	}
}

// transportsOf lists the transports s serves: Streamable HTTP and legacy
// SSE for devhost; Streamable HTTP alone for the self hosting, at the
// newest protocol and at 2025-06-18.
func transportsOf(s server) []transport {
	if s.Endpoints().SSEURL == "" {
		return []transport{transports[0], transports[2]}
	}
	return transports[:2]
}

// TestExternalHostSwitch runs the MCP suite through the harness's external
// host switch (testenv.HostSetting), as the CI job runs it with func
// start: here the "external" host is devhost in the trigger hosting and
// the staged handler in the self hosting, given as commands.
func TestExternalHostSwitch(t *testing.T) {
	az := testenv.SharedAzurite(t)
	forEachHosting(t, func(t *testing.T, h hostingCase) {
		command := testenv.DevhostBinary(t) + " -app {app} -addr 127.0.0.1:{port}"
		if h.mode == hosting.Self {
			app, err := funcapp.Load(testenv.SelfApp(t))
			require.NoError(t, err)
			command = filepath.Join("{app}", app.Host.Executable()) + " -listen 127.0.0.1:{port}"
		}
		t.Setenv(testenv.HostSetting, command)
		srv := mcpSuite(t, h, az)
		require.Equal(t, command, srv.Endpoints().External, "the harness ran the external command")
	})
}
