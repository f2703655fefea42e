package mcpfunc_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/freeport"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
	"remote-mcp-functions-go/mcpfunc/internal/proc"
	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// These tests run Start as the Functions host runs a custom handler: the
// library's test app (package fixture) built as a program whose main is
// mcpfunc.Start(fixture.New), started with the host's settings, probed,
// invoked and stopped.

func TestMain(m *testing.M) { testenv.Main(m) }

// fixtureHandler is the fixture's handler built for this machine, once
// per test binary.
func fixtureHandler(tb testing.TB) string {
	tb.Helper()
	return testenv.Command(tb, "./mcpfunc/internal/fixture/handler")
}

func freePort(tb testing.TB) string {
	tb.Helper()
	port, err := freeport.Get()
	require.NoError(tb, err)
	return strconv.Itoa(port)
}

// start runs the handler as the host does and waits for its first answer
// on GET /, like the host's readiness probe.
//
// The handler's stderr goes to a file, read with output once it has exited
// (or to explain a failure): the process writes it concurrently.
func start(tb testing.TB, env ...string) (cmd *exec.Cmd, url string, output func() string) {
	tb.Helper()
	port := freePort(tb)
	cmd = exec.Command(fixtureHandler(tb))
	cmd.Env = append([]string{"FUNCTIONS_CUSTOMHANDLER_PORT=" + port}, env...)
	stderr, err := os.Create(filepath.Join(tb.TempDir(), "stderr"))
	require.NoError(tb, err)
	tb.Cleanup(func() { stderr.Close() })
	cmd.Stderr = stderr
	// As devhost starts it: a process group of its own, which Windows
	// needs to deliver the stop request (CTRL_BREAK_EVENT).
	require.NoError(tb, proc.Start(cmd))
	tb.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	output = func() string {
		b, _ := os.ReadFile(stderr.Name())
		return string(b)
	}
	url = "http://127.0.0.1:" + port
	if err := waitReady(url, 10*time.Second); err != nil {
		tb.Fatalf("%v; stderr:\n%s", err, output())
	}
	return cmd, url, output
}

// stopClean asks the handler to stop (SIGTERM; CTRL_BREAK_EVENT on
// Windows) and checks that it exits 0 in time.
func stopClean(t *testing.T, cmd *exec.Cmd, output func() string) {
	t.Helper()
	require.NoError(t, proc.Terminate(cmd.Process))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err, "exit 0 when asked to stop; stderr:\n%s", output())
	case <-time.After(15 * time.Second):
		t.Fatal("handler did not stop when asked to")
	}
}

func waitReady(url string, limit time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if resp, err := client.Get(url + "/"); err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(time.Millisecond)
	}
	return errors.New("handler not ready in time")
}

// putRequest is the host's invocation of the fixture's put, encoded as
// the Functions host encodes it, from a Streamable HTTP session with a
// client's usual headers.
func putRequest(tb testing.TB, key, value string) []byte {
	tb.Helper()
	str := func(s string) json.RawMessage { r, _ := json.Marshal(s); return r }
	body, err := invoke.NewToolRequest(&invoke.ToolInvocation{
		Invocation: invoke.Invocation{
			Function:   "put",
			SessionID:  "5b7c5a54-0f3c-4a4e-9c0e-1f1d3b1e6d55",
			ClientInfo: &invoke.ClientInfo{Name: "bench", Version: "1.0.0"},
			Transport:  "http-streamable",
			Headers: map[string]string{
				"Accept": "application/json, text/event-stream", "Content-Type": "application/json",
				"Host": "myapp.azurewebsites.net", "Mcp-Protocol-Version": "2025-06-18",
				"Mcp-Session-Id": "5b7c5a54-0f3c-4a4e-9c0e-1f1d3b1e6d55", "User-Agent": "bench/1.0",
			},
			Now:      time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
			RandGUID: "0f8fad5b-d9cb-469f-a165-70867728950e",
		},
		Tool:      "put",
		Arguments: map[string]json.RawMessage{"key": str(key), "value": str(value)},
	})
	require.NoError(tb, err)
	return body
}

// outputs reads the blob outputs of the handler's answer to the host.
func outputs(t *testing.T, body []byte) map[string][]byte {
	t.Helper()
	var r struct{ Outputs map[string][]byte }
	require.NoError(t, json.Unmarshal(body, &r), "%s", body)
	return r.Outputs
}

// TestProcess runs the built binary the way the host does: start on the
// port it is given, answer the readiness probe, take an invocation, stop
// cleanly when asked to (SIGTERM; CTRL_BREAK_EVENT on Windows).
func TestProcess(t *testing.T) {
	cmd, url, output := start(t)

	resp, err := http.Post(url+"/put", "application/json", bytes.NewReader(putRequest(t, "demo", "x = 1")))
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, string(body))
	assert.Equal(t, "x = 1", string(outputs(t, body)["file"]), "the blob output the host writes")

	stopClean(t, cmd, output)
	assert.Contains(t, output(), "custom handler stopped")
	assert.Contains(t, output(), "listening", "it says where it listens")
	assert.Contains(t, output(), "addr=127.0.0.1:", "loopback only")
}

// TestShutdownWithACallInFlight: a stop request (SIGTERM; CTRL_BREAK_EVENT
// on Windows) while a call's body is still arriving (the host scaling in,
// or restarting the handler): the call is answered in full, no new
// connection is accepted meanwhile, and the process exits 0.
func TestShutdownWithACallInFlight(t *testing.T) {
	cmd, url, output := start(t)
	body := putRequest(t, "in-flight", strings.Repeat("v", 4096))
	half := len(body) / 2

	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	require.NoError(t, conn.SetDeadline(time.Now().Add(time.Minute)), "no read or write below waits longer")
	// Expect: 100-continue makes the server say when the handler has
	// started reading the body, so the signal surely finds the call in
	// flight (a connection still in the accept queue when the listener
	// closes is reset, in any server).
	_, err = fmt.Fprintf(conn, "POST /put HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", len(body))
	require.NoError(t, err)
	rd := bufio.NewReader(conn)
	cont, err := http.ReadResponse(rd, nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusContinue, cont.StatusCode)
	_, err = conn.Write(body[:half])
	require.NoError(t, err)

	require.NoError(t, proc.Terminate(cmd.Process))
	require.Eventually(t, func() bool { return strings.Contains(output(), "stopping: letting calls in flight finish") },
		15*time.Second, 5*time.Millisecond, "the handler says it is stopping")
	_, err = net.DialTimeout("tcp", strings.TrimPrefix(url, "http://"), time.Second)
	assert.Error(t, err, "no new connections once stopping")

	_, err = conn.Write(body[half:])
	require.NoError(t, err)
	resp, err := http.ReadResponse(rd, nil)
	require.NoError(t, err, "the call in flight is answered; stderr:\n%s", output())
	answer, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(answer))
	assert.Equal(t, strings.Repeat("v", 4096), string(outputs(t, answer)["file"]), "the whole call ran")

	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err, "exit 0; stderr:\n%s", output())
	case <-time.After(30 * time.Second):
		t.Fatal("handler did not exit after its last call")
	}
	assert.Contains(t, output(), "custom handler stopped")
}

// refused runs the handler with env, expecting it to refuse to start: it
// must exit 1 within testenv.ExitLimit (or the test fails and the handler
// is stopped) and say why after "handler: ".
func refused(t *testing.T, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(fixtureHandler(t), args...)
	cmd.Env = append([]string{}, env...) // these settings alone, never the test's own
	out, err := testenv.RunToExit(t, cmd, testenv.ExitLimit)
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "the handler must refuse to start; output:\n%s", out)
	assert.Equal(t, 1, exit.ExitCode())
	assert.Contains(t, out, "handler: ")
	return out
}

// TestProcessRefusesBadConfig: a bad setting of the host's, the
// library's or the app's own stops the handler at once with a message
// that names it.
func TestProcessRefusesBadConfig(t *testing.T) {
	tests := []struct {
		name string
		env  []string
		want string
	}{
		{"port unset", nil, "FUNCTIONS_CUSTOMHANDLER_PORT"},
		{"port not a number", []string{"FUNCTIONS_CUSTOMHANDLER_PORT=http"}, `FUNCTIONS_CUSTOMHANDLER_PORT="http"`},
		{"port out of range", []string{"FUNCTIONS_CUSTOMHANDLER_PORT=70000"}, "1-65535"},
		// The app's New returned an error: Start stops with its message.
		{"bad app setting", []string{"FUNCTIONS_CUSTOMHANDLER_PORT=" + freePort(t), testenv.FixtureSetting + "=lots"},
			testenv.FixtureSetting + `="lots": want a positive number of bytes`},
		{"unknown hosting", []string{"FUNCTIONS_CUSTOMHANDLER_PORT=" + freePort(t), "MCP_HOSTING=selfhosted"}, `MCP_HOSTING="selfhosted": want "triggers" (the default) or "self"`},
		{"self hosting without storage", []string{"FUNCTIONS_CUSTOMHANDLER_PORT=" + freePort(t), "MCP_HOSTING=self"}, "storage for the blob bindings: connection setting not found: AzureWebJobsStorage"},
		// The key's value is a secret: the message does not show it.
		{"self hosting with a short state key", []string{"FUNCTIONS_CUSTOMHANDLER_PORT=" + freePort(t), "MCP_HOSTING=self",
			"AzureWebJobsStorage=UseDevelopmentStorage=true", "MCP_STATE_KEY=c2hvcnRzZWNyZXQ="},
			"app setting MCP_STATE_KEY holds 11 bytes; it needs at least 32: make one with: openssl rand -base64 32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := refused(t, tt.env)
			assert.Contains(t, out, tt.want)
			assert.NotContains(t, out, "c2hvcnRzZWNyZXQ")
		})
	}
}

// -listen is the self hosting's alone: the trigger hosting's handler
// speaks the host's protocol, never MCP to clients.
func TestListenNeedsSelfHosting(t *testing.T) {
	out := refused(t, nil, "-listen", "127.0.0.1:"+freePort(t))
	assert.Contains(t, out, "-listen serves MCP clients directly, which only MCP_HOSTING=self does")
}

// mcpPost sends one MCP message to the self-hosted handler as the host
// forwards it, with the given Host, and returns the status and body.
func mcpPost(t *testing.T, url, host string, header map[string]string, msg string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url+"/mcp", strings.NewReader(msg))
	require.NoError(t, err)
	req.Host = host
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// TestSelfHostedProcess runs the built binary as the host runs it in the
// self hosting: on the port it is given, answering the readiness probe,
// serving MCP at /mcp whatever Host and Origin the host forwards and
// without a key of its own (the host checks keys there, even when the
// local key variable is set), and stopping cleanly when asked to.
func TestSelfHostedProcess(t *testing.T) {
	// Storage is only opened, never reached, by the calls below.
	cmd, url, output := start(t, "MCP_HOSTING=self", "AzureWebJobsStorage=UseDevelopmentStorage=true", "MCP_EXTENSION_KEY=not-checked-here")
	const initialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"host-test","version":"1"}}}`
	for _, host := range []string{"127.0.0.1:" + strings.TrimPrefix(url, "http://127.0.0.1:"), "myapp.azurewebsites.net"} {
		status, body := mcpPost(t, url, host, map[string]string{"Origin": "https://app.example"}, initialize)
		assert.Equal(t, http.StatusOK, status, "Host %s: %s", host, body)
		assert.Contains(t, body, `"serverInfo":{"name":"mcpfunc fixture","version":"0.1.0"}`, "the app's name and version")
	}
	status, body := mcpPost(t, url, "127.0.0.1", nil, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"hello","arguments":{}}}`)
	assert.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Hello from the fixture.")

	stopClean(t, cmd, output)
	assert.Contains(t, output(), "hosting=self")
	assert.Contains(t, output(), "addr=127.0.0.1:", "loopback only")
	assert.NotContains(t, output(), "request refused")
}

// BenchmarkColdStart measures exec → first answer on GET /, as the host
// sees a start. Run it with -benchtime=20x: it reports the median.
func BenchmarkColdStart(b *testing.B) {
	binary := fixtureHandler(b)
	var times []time.Duration
	for b.Loop() {
		port := freePort(b)
		cmd := exec.Command(binary)
		cmd.Env = []string{"FUNCTIONS_CUSTOMHANDLER_PORT=" + port}
		t0 := time.Now()
		child, err := proc.StartChild(cmd, false)
		require.NoError(b, err)
		require.NoError(b, waitReady("http://127.0.0.1:"+port, 10*time.Second))
		times = append(times, time.Since(t0))
		if child.Stop(context.Background(), 15*time.Second) {
			b.Fatal("the handler did not stop when asked to, and was killed")
		}
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkBinarySize builds a handler (the fixture's: the library and a
// small app) as the deployment package holds it (linux/amd64, static,
// stripped) and reports its size.
func BenchmarkBinarySize(b *testing.B) {
	root, err := testenv.RepoRoot()
	require.NoError(b, err)
	out := filepath.Join(b.TempDir(), "handler")
	build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, "./mcpfunc/internal/fixture/handler")
	build.Dir = root
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	if o, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, o)
	}
	st, err := os.Stat(out)
	require.NoError(b, err)
	for b.Loop() {
	}
	b.ReportMetric(float64(st.Size())/(1<<20), "MiB")
	b.ReportMetric(0, "ns/op")
}
