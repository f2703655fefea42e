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
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
	"remote-mcp-functions-go/mcpfunc/internal/lines"
	"remote-mcp-functions-go/mcpfunc/internal/proc"
)

// The staged app these tests run uses this test binary as its handler:
// with helperEnv set, TestMain serves the hello function like a custom
// handler would.
const helperEnv = "DEVHOST_TEST_HANDLER"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		mux := http.NewServeMux()
		mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {})
		answer := func(w http.ResponseWriter, text string) {
			resp := invoke.NewResponse()
			resp.ReturnValue = text
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(resp)
		}
		mux.HandleFunc("POST /hello", func(w http.ResponseWriter, _ *http.Request) { answer(w, "Hello from the test handler") })
		// slow takes a second, so a test can stop devhost meanwhile.
		mux.HandleFunc("POST /slow", func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprintln(os.Stderr, "slow: received")
			time.Sleep(time.Second)
			answer(w, "slow done")
		})
		// hang never answers.
		mux.HandleFunc("POST /hang", func(http.ResponseWriter, *http.Request) { select {} })
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
	return stageAppWith(t, hostVersion, "")
}

// stageAppWith is stageApp with extra host.json members (JSON text
// starting with a comma).
func stageAppWith(t *testing.T, hostVersion, hostExtra string) string {
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
		"host.json": `{"version":"` + hostVersion + `"` + hostExtra + `,
			"extensionBundle":{"id":"Microsoft.Azure.Functions.ExtensionBundle","version":"[4.29.0, 5.0.0)"},
			"customHandler":{"description":{"defaultExecutablePath":"` + handlerName + `","workingDirectory":"","arguments":[]},"enableForwardingHttpRequest":false},
			"extensions":{"mcp":{"serverName":"CLI test"}}}`,
		"local.settings.json": `{"IsEncrypted":false,"Values":{"FUNCTIONS_WORKER_RUNTIME":"Custom","AzureWebJobsStorage":"UseDevelopmentStorage=true"}}`,
		"hello/function.json": `{"bindings":[{"type":"mcpToolTrigger","direction":"in","name":"context","toolName":"hello","description":"Hello world.","toolProperties":"[]"}]}`,
		"slow/function.json":  `{"bindings":[{"type":"mcpToolTrigger","direction":"in","name":"context","toolName":"slow","description":"Takes a second.","toolProperties":"[]"}]}`,
		"hang/function.json":  `{"bindings":[{"type":"mcpToolTrigger","direction":"in","name":"context","toolName":"hang","description":"Never answers.","toolProperties":"[]"}]}`,
		"get/function.json": `{"bindings":[
			{"type":"mcpToolTrigger","direction":"in","name":"context","toolName":"get","description":"Get.",
			 "toolProperties":"[{\"propertyName\":\"key\",\"propertyType\":\"string\",\"description\":\"Name.\",\"isRequired\":true}]"},
			{"type":"blob","direction":"in","name":"file","path":"items/{mcptoolargs.key}.json","connection":"AzureWebJobsStorage"}]}`,
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
	stderr *lines.Buffer
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
	d := &runningHost{cancel: cancel, done: make(chan error, 1), out: pr, stderr: &lines.Buffer{}}
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
	return callText(t, cs, "hello")
}

func callText(t *testing.T, cs *mcp.ClientSession, tool string) string {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: tool, Arguments: map[string]any{}})
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
	assert.Contains(t, out, "get -> tool get (blob in items/{mcptoolargs.key}.json)")
	assert.Contains(t, out, "storage AzureWebJobsStorage (from environment or -storage): blob endpoint http://127.0.0.1:21999/devstoreaccount1/")
	assert.Contains(t, out, "keys off")
	assert.Contains(t, out, "devhost: CORS off")
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

// withHostSection rewrites the staged app's local.settings.json with a
// Host section.
func withHostSection(t *testing.T, dir, host string) string {
	t.Helper()
	settings := `{"IsEncrypted":false,"Values":{"FUNCTIONS_WORKER_RUNTIME":"Custom","AzureWebJobsStorage":"UseDevelopmentStorage=true"},"Host":` + host + `}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "local.settings.json"), []byte(settings), 0o644))
	return dir
}

// Host.CORS in local.settings.json turns CORS on, as under func start; the
// banner says so and warns about entries no browser can match.
func TestCORSFromLocalSettings(t *testing.T) {
	app := withHostSection(t, stageApp(t, "2.0"), `{"CORS":"https://app.example,https://other.example/","CORSCredentials":true}`)
	d := start(t, nil, "-app", app, "-addr", "127.0.0.1:0")
	out := strings.Join(d.lines, "\n")
	assert.Contains(t, out, "devhost: CORS from local.settings.json Host.CORS: https://app.example,https://other.example/, with credentials\n")
	assert.Contains(t, out, `devhost: warning: Host.CORS: "https://other.example/" is not an origin`)

	req, err := http.NewRequest(http.MethodOptions, d.url, nil)
	require.NoError(t, err)
	req.Header.Set("Origin", "https://app.example")
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Equal(t, "https://app.example", resp.Header.Get("Access-Control-Allow-Origin"))
	assert.Equal(t, "true", resp.Header.Get("Access-Control-Allow-Credentials"))
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
		{"CORS any origin with credentials, which func start refuses too",
			[]string{"-app", withHostSection(t, stageApp(t, "2.0"), `{"CORS":"*","CORSCredentials":true}`)}, `local.settings.json: Host.CORS "*" cannot be combined with Host.CORSCredentials true`},
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

// TestStopWithACallInFlight: a signal while a tool call is in the handler
// lets the call finish and its answer reach the client, on both
// transports, before the handler is stopped and devhost exits 0.
func TestStopWithACallInFlight(t *testing.T) {
	for _, sse := range []bool{false, true} {
		t.Run(fmt.Sprintf("sse=%v", sse), func(t *testing.T) {
			conn := "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + fakeAccountKey + ";BlobEndpoint=http://127.0.0.1:21999/devstoreaccount1"
			d := start(t, map[string]string{"AzureWebJobsStorage": conn}, "-app", stageApp(t, "2.0"), "-addr", "127.0.0.1:0")
			var tr mcp.Transport = &mcp.StreamableClientTransport{Endpoint: d.url}
			if sse {
				tr = &mcp.SSEClientTransport{Endpoint: d.url + "/sse"}
			}
			cs := connect(t, tr)
			answer := make(chan string, 1)
			go func() {
				res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "slow", Arguments: map[string]any{}})
				switch {
				case err != nil:
					answer <- err.Error()
				case len(res.Content) != 1:
					answer <- fmt.Sprintf("%d content blocks", len(res.Content))
				default:
					tc, _ := res.Content[0].(*mcp.TextContent)
					answer <- tc.Text
				}
			}()
			require.Eventually(t, func() bool { return strings.Contains(d.stderr.String(), "slow: received") }, time.Minute, 5*time.Millisecond)
			require.NoError(t, d.stop(t), "devhost exits 0")
			select {
			case got := <-answer:
				assert.Equal(t, "slow done", got)
			default:
				t.Fatal("devhost stopped before the call in flight was answered")
			}
		})
	}
}

// TestFunctionTimeoutRestartsTheHandler: host.json's functionTimeout ends a
// call that hangs with the host's generic error and a new handler process.
func TestFunctionTimeoutRestartsTheHandler(t *testing.T) {
	conn := "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + fakeAccountKey + ";BlobEndpoint=http://127.0.0.1:21999/devstoreaccount1"
	d := start(t, map[string]string{"AzureWebJobsStorage": conn}, "-app", stageAppWith(t, "2.0", `,"functionTimeout":"00:00:01"`), "-addr", "127.0.0.1:0")
	first := handlerPID(t, strings.Join(d.lines, "\n"))
	cs := connect(t, &mcp.StreamableClientTransport{Endpoint: d.url})
	assert.Equal(t, "An error occurred invoking 'hang'.", callText(t, cs, "hang"))
	assert.Contains(t, d.stderr.String(), "Timeout value of 00:00:01 exceeded by function 'hang'")
	require.Eventually(t, func() bool { return strings.Contains(d.stderr.String(), `msg="handler restarted"`) }, time.Minute, 10*time.Millisecond)
	assert.Equal(t, "Hello from the test handler", hello(t, cs), "the new handler answers")
	assert.False(t, proc.Alive(first), "the stuck handler is gone")
}
