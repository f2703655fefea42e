package testenv

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/hosting"
	"remote-mcp-functions-go/mcpfunc/internal/proc"
)

// The external host switch, exercised with what runs here: devhost given
// as the "external" command for the trigger hosting, the staged handler
// for the self hosting, as CI gives func start for both. The harness runs
// the command as given ({port}, {app}), finds the endpoint, waits for it
// to serve MCP, passes the key, and stops what it started.
func TestExternalHostSwitch(t *testing.T) {
	az := StartAzurite(t)
	const key = "externalKey0123456789"

	var handler int
	t.Run("triggers", func(t *testing.T) {
		t.Setenv(HostSetting, DevhostBinary(t)+" -app {app} -addr 127.0.0.1:{port}")
		dh := StartDevhost(t, DevhostOptions{Storage: az.ConnectionString(), Key: key})
		assert.Equal(t, hosting.Triggers, dh.Mode)
		assert.Equal(t, os.Getenv(HostSetting), dh.External)
		assert.Equal(t, dh.URL+"/sse", dh.SSEURL)
		// devhost ran as told: it says it serves where the harness expects.
		assert.Contains(t, dh.Output(), ServingPrefix+dh.URL)
		hello(t, dh.URL, key)
		refused(t, dh.URL)
		pids := dh.HandlerPIDs(t)
		require.Len(t, pids, 1, "devhost runs one handler")
		handler = pids[0]
	})
	// The subtest's end stopped the host, and with it the handler.
	require.NotZero(t, handler)
	assert.False(t, proc.Alive(handler), "the handler is stopped with its host")

	t.Run("self", func(t *testing.T) {
		app, err := funcapp.Load(SelfApp(t))
		require.NoError(t, err)
		t.Setenv(HostSetting, filepath.Join("{app}", app.Host.Executable())+" -listen 127.0.0.1:{port}")
		s := StartSelfhost(t, SelfhostOptions{Storage: az.ConnectionString(), Key: key})
		assert.Equal(t, hosting.Self, s.Mode)
		assert.Equal(t, os.Getenv(HostSetting), s.External)
		assert.Empty(t, s.SSEURL)
		assert.True(t, strings.HasSuffix(s.URL, "/mcp"), s.URL)
		// local.settings.json's Values reached it: it serves the self hosting.
		assert.Contains(t, s.Output(), "hosting=self")
		hello(t, s.URL, key)
		refused(t, s.URL)
	})
}

func hello(t *testing.T, url, key string) {
	t.Helper()
	c := mcp.NewClient(&mcp.Implementation{Name: "testenv", Version: "1"}, nil)
	hc := &http.Client{Transport: keyHeader{key}}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // bounds a hang; not a speed assertion
	defer cancel()
	s, err := c.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: url, HTTPClient: hc, MaxRetries: -1}, nil)
	require.NoError(t, err)
	defer s.Close()
	res, err := s.CallTool(ctx, &mcp.CallToolParams{Name: "hello"})
	require.NoError(t, err)
	require.Len(t, res.Content, 1)
	assert.Equal(t, "Hello from the fixture.", res.Content[0].(*mcp.TextContent).Text)
}

// refused: without the key the host refuses (devhost in front, or the
// self-hosted handler itself).
func refused(t *testing.T, url string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}

type keyHeader struct{ key string }

func (k keyHeader) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("x-functions-key", k.key)
	return http.DefaultTransport.RoundTrip(r)
}

// A suite in key mode given func start, which checks no keys, fails at
// once saying so, rather than failing later on a refusal that never comes.
func TestExternalFuncStartInKeyModeIsRefused(t *testing.T) {
	for _, command := range []string{"func start --port {port}", "/opt/func/func.exe start --port {port}"} {
		ft := &fatalTB{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			startExternal(ft, hostOptions{command: command, mode: hosting.Triggers, app: t.TempDir(), storage: "x", key: "k"})
		}()
		<-done
		assert.Contains(t, ft.msg, "func start checks no keys", command)
	}
}

// fatalTB records a Fatalf and ends the goroutine, as testing.T does.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
