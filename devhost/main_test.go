package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/internal/funcapp"
	"remote-mcp-functions-go/internal/invoke"
	"remote-mcp-functions-go/internal/proc"
)

// The staged app these tests run uses this test binary as its handler:
// with helperEnv set, TestMain serves the hello function like a custom
// handler would.
const helperEnv = "DEVHOST_TEST_HANDLER"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {})
		mux.HandleFunc("POST /hello", func(w http.ResponseWriter, _ *http.Request) {
			resp := invoke.NewResponse()
			resp.ReturnValue = invoke.PlainReturn("Hello from the test handler")
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(resp)
		})
		fmt.Fprintln(os.Stderr, http.ListenAndServe("127.0.0.1:"+os.Getenv("FUNCTIONS_CUSTOMHANDLER_PORT"), mux))
		os.Exit(1)
	}
	os.Exit(m.Run())
}

const fakeAccountKey = "c2VjcmV0LWFjY291bnQta2V5"

// handlerName is the staged handler's name on this OS, as make build names it.
var handlerName = map[bool]string{true: "handler.exe", false: "handler"}[runtime.GOOS == "windows"]

// stageApp writes a staged app whose handler is this test binary.
func stageApp(t *testing.T, hostVersion string) string {
	t.Helper()
	dir := t.TempDir()
	exe, err := os.Executable()
	require.NoError(t, err)
	// A hard link where the file system allows it (a symlink needs a
	// privilege on Windows), else a copy.
	if err := os.Link(exe, filepath.Join(dir, handlerName)); err != nil {
		b, err := os.ReadFile(exe)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, handlerName), b, 0o755))
	}
	files := map[string]string{
		"host.json": `{"version":"` + hostVersion + `",
			"extensionBundle":{"id":"Microsoft.Azure.Functions.ExtensionBundle","version":"[4.29.0, 5.0.0)"},
			"customHandler":{"description":{"defaultExecutablePath":"` + handlerName + `","workingDirectory":"","arguments":[]},"enableForwardingHttpRequest":false},
			"extensions":{"mcp":{"serverName":"CLI test"}}}`,
		"local.settings.json": `{"IsEncrypted":false,"Values":{"FUNCTIONS_WORKER_RUNTIME":"Custom","AzureWebJobsStorage":"UseDevelopmentStorage=true"}}`,
		"hello/function.json": `{"bindings":[{"type":"mcpToolTrigger","direction":"in","name":"context","toolName":"hello","description":"Hello world.","toolProperties":"[]"}]}`,
		"getsnippet/function.json": `{"bindings":[
			{"type":"mcpToolTrigger","direction":"in","name":"context","toolName":"getsnippet","description":"Get.",
			 "toolProperties":"[{\"propertyName\":\"snippetname\",\"propertyType\":\"string\",\"description\":\"Name.\",\"isRequired\":true}]"},
			{"type":"blob","direction":"in","name":"file","path":"snippets/{mcptoolargs.snippetname}.json","connection":"AzureWebJobsStorage"}]}`,
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	return dir
}

// runningHost is one run of the command, in process.
type runningHost struct {
	url    string // the MCP URL from the serving line
	lines  []string
	cancel context.CancelFunc
	done   chan error
	out    *io.PipeReader
	stderr *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var servingLine = regexp.MustCompile(`^devhost: serving MCP at (http://127\.0\.0\.1:\d+/runtime/webhooks/mcp)$`)

// start runs devhost with args until its serving line, or fails with what
// it printed.
func start(t *testing.T, env map[string]string, args ...string) *runningHost {
	t.Helper()
	environ := append(os.Environ(), helperEnv+"=1")
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}
	getenv := func(k string) string { return env[k] }
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	d := &runningHost{cancel: cancel, done: make(chan error, 1), out: pr, stderr: &lockedBuffer{}}
	go func() {
		err := run(ctx, args, getenv, environ, pw, d.stderr)
		pw.Close()
		d.done <- err
	}()
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		line := sc.Text()
		d.lines = append(d.lines, line)
		if m := servingLine.FindStringSubmatch(line); m != nil {
			d.url = m[1]
		}
		if strings.HasPrefix(line, "devhost: legacy SSE at") {
			break
		}
	}
	if d.url == "" {
		t.Fatalf("no serving line; run ended with %v\nstdout:\n%s\nstderr:\n%s", <-d.done, strings.Join(d.lines, "\n"), d.stderr.String())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	t.Cleanup(func() { d.stop(t) })
	return d
}

// stop ends the run as a signal would and returns what run returned.
func (d *runningHost) stop(t *testing.T) error {
	if d.cancel == nil {
		return nil
	}
	d.cancel()
	d.cancel = nil
	return <-d.done
}

func connect(t *testing.T, tr mcp.Transport) *mcp.ClientSession {
	t.Helper()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "cli-test", Version: "1"}, nil).Connect(context.Background(), tr, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = cs.Close() })
	return cs
}

func hello(t *testing.T, cs *mcp.ClientSession) string {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "hello", Arguments: map[string]any{}})
	require.NoError(t, err)
	require.Len(t, res.Content, 1)
	return res.Content[0].(*mcp.TextContent).Text
}

func TestServeAndStop(t *testing.T) {
	conn := "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + fakeAccountKey + ";BlobEndpoint=http://127.0.0.1:21999/devstoreaccount1"
	d := start(t, map[string]string{"AzureWebJobsStorage": conn}, "-app", stageApp(t, "2.0"), "-addr", "127.0.0.1:0")

	out := strings.Join(d.lines, "\n")
	serving := 0
	for _, l := range d.lines {
		if strings.HasPrefix(l, "devhost: serving MCP at") {
			serving++
		}
	}
	assert.Equal(t, 1, serving, "exactly one serving line:\n%s", out)
	assert.Contains(t, out, "not a production host")
	assert.Contains(t, out, "hello -> tool hello")
	assert.Contains(t, out, "getsnippet -> tool getsnippet (blob in snippets/{mcptoolargs.snippetname}.json)")
	assert.Contains(t, out, "storage AzureWebJobsStorage (from environment or -storage): blob endpoint http://127.0.0.1:21999/devstoreaccount1/")
	assert.Contains(t, out, "keys off")
	assert.Contains(t, out, "devhost: legacy SSE at "+d.url+"/sse")
	assert.NotContains(t, out+d.stderr.String(), fakeAccountKey, "the account key is never printed")

	assert.Equal(t, "Hello from the test handler", hello(t, connect(t, &mcp.StreamableClientTransport{Endpoint: d.url})))
	assert.Equal(t, "Hello from the test handler", hello(t, connect(t, &mcp.SSEClientTransport{Endpoint: d.url + "/sse"})))

	pid := handlerPID(t, out)
	require.NoError(t, d.stop(t), "a signal ends devhost cleanly (exit 0)")
	assert.False(t, proc.Alive(pid), "the handler is stopped with devhost")
}

func handlerPID(t *testing.T, out string) int {
	t.Helper()
	m := regexp.MustCompile(`custom handler ready: ` + regexp.QuoteMeta(handlerName) + ` \(pid (\d+)\)`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	var pid int
	_, err := fmt.Sscan(m[1], &pid)
	require.NoError(t, err)
	return pid
}

// The key comes from MCP_EXTENSION_KEY or -key (the flag wins) and is
// never printed.
func TestKeys(t *testing.T) {
	d := start(t, map[string]string{"MCP_EXTENSION_KEY": "env-key-1234"}, "-app", stageApp(t, "2.0"), "-addr", "127.0.0.1:0", "-key", "flag-key-5678")
	out := strings.Join(d.lines, "\n")
	assert.Contains(t, out, "keys on")
	assert.NotContains(t, out, "flag-key-5678")
	assert.NotContains(t, out, "env-key-1234")

	resp, err := http.Post(d.url, "application/json", strings.NewReader(`{}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	resp, err = http.Post(d.url+"?code=env-key-1234", "application/json", strings.NewReader(`{}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "the flag's key wins over the environment's")

	cs := connect(t, &mcp.StreamableClientTransport{Endpoint: d.url + "?code=flag-key-5678"})
	assert.Equal(t, "Hello from the test handler", hello(t, cs))
}

func TestRefusals(t *testing.T) {
	broken := stageApp(t, "1.0")
	noHandler := stageApp(t, "2.0")
	require.NoError(t, os.Remove(filepath.Join(noHandler, handlerName)))
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"broken app: the funcapp problems, file and field", []string{"-app", broken}, "host.json: version"},
		{"no handler binary", []string{"-app", noHandler}, "not found: build and stage the app first"},
		{"bad address", []string{"-app", stageApp(t, "2.0"), "-addr", "256.0.0.1:1"}, "listen on 256.0.0.1:1"},
		{"bad flag", []string{"-nope"}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout strings.Builder
			err := run(context.Background(), tt.args, func(string) string { return "" }, append(os.Environ(), helperEnv+"=1"), &stdout, io.Discard)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.NotContains(t, stdout.String(), "serving MCP")
		})
	}
	var fe *funcapp.Error
	err := run(context.Background(), []string{"-app", broken}, func(string) string { return "" }, nil, io.Discard, io.Discard)
	assert.True(t, errors.As(err, &fe), "a broken app is reported as funcapp's list of problems")
}
