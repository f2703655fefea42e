package testenv

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/freeport"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
)

func TestMain(m *testing.M) { Main(m) }

// TestAzuriteStopRestart proves the storage half of the harness: azblob
// writes to an Azurite on free ports, Stop closes its ports, and Restart
// brings the same data back on the same ports.
func TestAzuriteStopRestart(t *testing.T) {
	az := StartAzurite(t)
	for _, port := range []int{az.BlobPort, az.QueuePort, az.TablePort} {
		require.NotZero(t, port)
		require.NotEqual(t, 10000, port, "tests must not use the developer's Azurite ports")
	}
	assert.Empty(t, az.Blobs(t, "harness", ""), "a missing container lists as empty")

	az.PutBlob(t, "harness", "a.json", []byte("print(1)\n"))
	got, ok := az.Blob(t, "harness", "a.json")
	require.True(t, ok)
	assert.Equal(t, "print(1)\n", string(got))
	_, ok = az.Blob(t, "harness", "missing.json")
	assert.False(t, ok)

	ports := []int{az.BlobPort, az.QueuePort, az.TablePort}
	az.Stop(t)
	_, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(ports[0]), time.Second)
	require.Error(t, err, "the blob port still answers after Stop")

	az.Restart(t)
	assert.Equal(t, ports, []int{az.BlobPort, az.QueuePort, az.TablePort})
	assert.Equal(t, map[string][]byte{"a.json": []byte("print(1)\n")}, az.Blobs(t, "harness", ""))
	assert.Contains(t, az.ConnectionString(), "BlobEndpoint=http://127.0.0.1:"+strconv.Itoa(ports[0])+"/devstoreaccount1;")
}

// TestStagedHandler proves the app half: the handler staged by the same
// code as `make build` starts like the host starts it, answers the
// readiness probe, answers an invocation encoded as the host encodes it,
// and exits 0 when asked to stop.
func TestStagedHandler(t *testing.T) {
	app := App(t)
	loaded, err := funcapp.Load(app)
	require.NoError(t, err, "the staged app must be a valid function app")
	require.NotNil(t, loaded.Function("hello"))

	port := freePort(t)
	cmd := exec.Command(filepath.Join(app, loaded.Host.Executable()))
	cmd.Dir = app
	cmd.Env = append(environ(unsetForDevhost), "FUNCTIONS_CUSTOMHANDLER_PORT="+strconv.Itoa(port))
	proc, err := startProcess("handler", cmd, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = proc.stop() })

	base := "http://127.0.0.1:" + strconv.Itoa(port)
	waitForHTTP(t, base+"/", proc)

	body, err := invoke.NewToolRequest(&invoke.ToolInvocation{
		Invocation: invoke.Invocation{Function: "hello", Transport: "http-streamable", Now: time.Now()},
		Tool:       "hello",
		Arguments:  map[string]json.RawMessage{},
	})
	require.NoError(t, err)
	resp, err := http.Post(base+"/hello", "application/json", bytes.NewReader(body))
	require.NoError(t, err)
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	res, err := invoke.DecodeResponse(resp.StatusCode, resp.Header.Get("Content-Type"), b, nil)
	require.NoError(t, err)
	var text string
	require.NoError(t, json.Unmarshal(res.ReturnValue, &text))
	assert.Equal(t, "Hello from the fixture.", text)

	require.NoError(t, proc.stop(), "the handler should exit 0 when asked to stop; output:\n%s", proc.out.String())
}

func TestCopyAppSetsSettings(t *testing.T) {
	app := CopyApp(t, map[string]string{"FIXTURE_MAX_BYTES": "64"})
	loaded, err := funcapp.Load(app)
	require.NoError(t, err)
	assert.Equal(t, "64", loaded.Settings.Values["FIXTURE_MAX_BYTES"])
	assert.Equal(t, "Custom", loaded.Settings.Values["FUNCTIONS_WORKER_RUNTIME"], "other settings are kept")
	info, err := os.Stat(filepath.Join(app, loaded.Host.Executable()))
	require.NoError(t, err)
	assert.NotZero(t, info.Mode()&0o111, "the handler copy must stay executable")

	orig, err := funcapp.Load(App(t))
	require.NoError(t, err)
	assert.NotContains(t, orig.Settings.Values, "FIXTURE_MAX_BYTES", "the shared staged app must not change")
}

func TestCopyAppSettingsSetsHost(t *testing.T) {
	app := CopyAppSettings(t, func(s *funcapp.Settings) {
		s.Host = &funcapp.HostSettings{CORS: "https://app.example", CORSCredentials: true}
	})
	loaded, err := funcapp.Load(app)
	require.NoError(t, err)
	require.NotNil(t, loaded.Settings.Host)
	assert.Equal(t, funcapp.HostSettings{CORS: "https://app.example", CORSCredentials: true}, *loaded.Settings.Host)
	assert.Equal(t, "Custom", loaded.Settings.Values["FUNCTIONS_WORKER_RUNTIME"], "the values are kept")

	orig, err := funcapp.Load(App(t))
	require.NoError(t, err)
	assert.Nil(t, orig.Settings.Host, "the shared staged app must not change")
}

func TestInspectorIsPinned(t *testing.T) {
	run := Inspector(t, "--version")
	require.Equal(t, 0, run.ExitCode, "stderr: %s", run.Stderr)
	assert.Equal(t, "2.12.0", strings.TrimSpace(string(run.Stdout)))
}

func TestMissingNodeToolSaysHowToInstall(t *testing.T) {
	_, err := nodeTool("no-such-tool", "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "npm ci")
}

func freePort(t *testing.T) int {
	t.Helper()
	port, err := freeport.Get()
	require.NoError(t, err)
	return port
}

// waitForHTTP polls url until any HTTP answer comes, as the host's
// readiness probe does, failing if the process exits first.
func waitForHTTP(t *testing.T, url string, proc *process) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			return
		}
		select {
		case <-proc.Done():
			t.Fatalf("%s exited (%v): %s", proc.name, proc.Err(), proc.out.String())
		case <-ctx.Done():
			t.Fatalf("%s did not answer %s: %v", proc.name, url, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func TestListingSeesWrites(t *testing.T) {
	az := SharedAzurite(t)
	before := az.Listing(t)
	assert.NotContains(t, before, "listing/x.json")
	az.PutBlob(t, "listing", "x.json", []byte("1"))
	first := az.Listing(t)
	require.Len(t, first, len(before)+1)
	require.Contains(t, first, "listing/x.json")
	az.PutBlob(t, "listing", "x.json", []byte("1"))
	assert.NotEqual(t, first, az.Listing(t), "an overwrite with the same bytes changes the ETag")
	az.PutBlob(t, "listing", "y/z.json", []byte("2"))
	assert.Equal(t, map[string][]byte{"y/z.json": []byte("2")}, az.Blobs(t, "listing", "y/"))
}

// The test binary plays the commands RunToExit runs: with
// TESTENV_HELPER=refuse it prints and exits 3, with TESTENV_HELPER=hang
// it never exits by itself.
func TestHelperCommand(t *testing.T) {
	switch os.Getenv("TESTENV_HELPER") {
	case "refuse":
		fmt.Fprintln(os.Stderr, "handler: a bad setting")
		os.Exit(3)
	case "hang":
		time.Sleep(time.Hour)
	}
}

func helperCommand(mode string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperCommand$")
	cmd.Env = append(os.Environ(), "TESTENV_HELPER="+mode)
	return cmd
}

// recorder is a testing.TB that records a fatal failure instead of
// ending the test.
type recorder struct {
	testing.TB
	fatal string
}

func (r *recorder) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }

func TestRunToExit(t *testing.T) {
	out, err := RunToExit(t, helperCommand("refuse"), ExitLimit)
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, 3, exit.ExitCode())
	assert.Contains(t, out, "handler: a bad setting")

	// One that does not exit fails the test, and is stopped.
	rec := &recorder{TB: t}
	cmd := helperCommand("hang")
	_, _ = RunToExit(rec, cmd, 200*time.Millisecond)
	assert.Contains(t, rec.fatal, "did not exit within 200ms, and was stopped")
	require.NotNil(t, cmd.ProcessState, "waited for")
	assert.False(t, cmd.ProcessState.Success())
}
