package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/lines"
	"remote-mcp-functions-go/mcpfunc/internal/proc"
)

// The tests run this test binary as the handler: TestMain turns it into a
// tiny custom handler when helperEnv says which behaviour to play.
const helperEnv = "WORKER_TEST_HANDLER"

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		helperHandler(mode)
		return
	}
	os.Exit(m.Run())
}

// helperHandler is a custom handler in a few lines. Modes:
//
//	serve        listen on $FUNCTIONS_CUSTOMHANDLER_PORT; GET /env reports the
//	             environment, POST /crash exits 3
//	exit         exit 2 at once, before listening
//	never        never listen
//	ignore-term  serve, and ignore stop requests (SIGTERM, os.Interrupt)
func helperHandler(mode string) {
	fmt.Println("hello from stdout")
	fmt.Fprint(os.Stderr, "partial stderr line") // no newline: flushed at exit
	switch mode {
	case "exit":
		os.Exit(2)
	case "never":
		select {}
	case "ignore-term":
		signal.Ignore(os.Interrupt, syscall.SIGTERM)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "ready") })
	mux.HandleFunc("GET /env", func(w http.ResponseWriter, _ *http.Request) {
		wd, _ := os.Getwd()
		env := map[string]string{"cwd": wd}
		for _, k := range []string{"FUNCTIONS_CUSTOMHANDLER_PORT", "FUNCTIONS_HTTPWORKER_PORT", "FUNCTIONS_CUSTOMHANDLER_WORKER_ID", "FUNCTIONS_APP_ROOT_PATH", "APP_SETTING"} {
			env[k] = os.Getenv(k)
		}
		_ = json.NewEncoder(w).Encode(env)
	})
	mux.HandleFunc("POST /crash", func(http.ResponseWriter, *http.Request) { os.Exit(3) })
	err := http.ListenAndServe("127.0.0.1:"+os.Getenv("FUNCTIONS_CUSTOMHANDLER_PORT"), mux)
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

func testOptions(t *testing.T, mode string, out, logs io.Writer) Options {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	dir := t.TempDir()
	return Options{
		Path:       exe,
		Dir:        dir,
		Env:        []string{helperEnv + "=" + mode, "APP_SETTING=from-settings"},
		Output:     out,
		Logger:     slog.New(slog.NewTextHandler(logs, nil)),
		MinBackoff: time.Millisecond,
		StopGrace:  5 * time.Second,
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// Start runs the handler as the host does: port and worker variables, app
// settings, working directory; returns once GET / answers; forwards output
// with the prefix.
func TestStartAsTheHostDoes(t *testing.T) {
	out, logs := &lines.Buffer{}, &lines.Buffer{}
	opts := testOptions(t, "serve", out, logs)
	w, err := Start(context.Background(), opts)
	require.NoError(t, err)
	t.Cleanup(func() { w.Stop(context.Background()) })

	base, err := w.BaseURL(context.Background())
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(base, "http://127.0.0.1:"), base)
	status, body := get(t, base+"/env")
	require.Equal(t, 200, status)
	var env map[string]string
	require.NoError(t, json.Unmarshal([]byte(body), &env))
	port := strings.TrimPrefix(base, "http://127.0.0.1:")
	assert.Equal(t, port, env["FUNCTIONS_CUSTOMHANDLER_PORT"])
	assert.Equal(t, port, env["FUNCTIONS_HTTPWORKER_PORT"])
	assert.Len(t, env["FUNCTIONS_CUSTOMHANDLER_WORKER_ID"], 36)
	assert.Equal(t, opts.Dir, env["FUNCTIONS_APP_ROOT_PATH"])
	assert.Equal(t, opts.Dir, env["cwd"])
	assert.Equal(t, "from-settings", env["APP_SETTING"])
	assert.Contains(t, out.String(), "[handler] hello from stdout\n")
	assert.NotZero(t, w.PID())
}

// A crash is reported and the handler restarted; callers asking for the
// handler meanwhile wait for the new one.
func TestRestartAfterCrash(t *testing.T) {
	out, logs := &lines.Buffer{}, &lines.Buffer{}
	w, err := Start(context.Background(), testOptions(t, "serve", out, logs))
	require.NoError(t, err)
	t.Cleanup(func() { w.Stop(context.Background()) })
	first, err := w.BaseURL(context.Background())
	require.NoError(t, err)
	firstPID := w.PID()

	resp, err := http.Post(first+"/crash", "text/plain", nil)
	if err == nil {
		resp.Body.Close()
	}
	// Wait for the supervisor to notice the exit and start the new process
	// (the bound only keeps a broken build from hanging).
	require.Eventually(t, func() bool { pid := w.PID(); return pid != 0 && pid != firstPID },
		20*time.Second, time.Millisecond, "the handler is restarted")
	second, err := w.BaseURL(context.Background())
	require.NoError(t, err)
	status, _ := get(t, second+"/")
	assert.Equal(t, 200, status)
	assert.NotEqual(t, firstPID, w.PID())
	assert.Contains(t, logs.String(), "handler exited unexpectedly")
	assert.Contains(t, logs.String(), "exit status 3")
	assert.Contains(t, logs.String(), "handler restarted")
	assert.Equal(t, 2, strings.Count(out.String(), "[handler] hello from stdout"), "both runs' output is forwarded")
}

// A handler that exits before it is ready fails Start with the exit status.
func TestStartFailsWhenTheHandlerExits(t *testing.T) {
	out := &lines.Buffer{}
	_, err := Start(context.Background(), testOptions(t, "exit", out, io.Discard))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "exited before it was ready")
	assert.Contains(t, err.Error(), "exit status 2")
	assert.Contains(t, out.String(), "[handler] partial stderr line\n", "a last line without newline is still forwarded")
}

// A handler that never listens fails Start after the readiness limit.
func TestStartFailsWhenNeverReady(t *testing.T) {
	opts := testOptions(t, "never", io.Discard, io.Discard)
	opts.ReadyTimeout = 200 * time.Millisecond
	_, err := Start(context.Background(), opts)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "did not answer GET /")
	assert.Contains(t, err.Error(), "FUNCTIONS_CUSTOMHANDLER_PORT")
}

// Stop ends the handler and the supervision: BaseURL then says stopped.
func TestStop(t *testing.T) {
	w, err := Start(context.Background(), testOptions(t, "serve", io.Discard, io.Discard))
	require.NoError(t, err)
	base, err := w.BaseURL(context.Background())
	require.NoError(t, err)
	pid := w.PID()
	w.Stop(context.Background())
	_, err = w.BaseURL(context.Background())
	assert.ErrorIs(t, err, ErrStopped)
	_, err = http.Get(base + "/")
	assert.Error(t, err, "nothing listens any more")
	assert.False(t, proc.Alive(pid), "the process is gone")
	w.Stop(context.Background()) // a second Stop is harmless
}

// A handler that ignores the stop request is killed after the grace period.
func TestStopKillsAfterGrace(t *testing.T) {
	logs := &lines.Buffer{}
	opts := testOptions(t, "ignore-term", io.Discard, logs)
	opts.StopGrace = 50 * time.Millisecond
	w, err := Start(context.Background(), opts)
	require.NoError(t, err)
	pid := w.PID()
	stopped := make(chan struct{})
	go func() { w.Stop(context.Background()); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(time.Minute): // only a guard: a Stop that never kills hangs
		if p, err := os.FindProcess(pid); err == nil {
			_ = p.Kill()
		}
		t.Fatal("Stop did not kill a handler that ignores SIGTERM")
	}
	assert.False(t, proc.Alive(pid), "the process is gone")
	assert.Contains(t, logs.String(), "killing it")
}

func TestBackoff(t *testing.T) {
	minD, maxD := 100*time.Millisecond, time.Second
	for failures, want := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		assert.Equal(t, want*time.Millisecond, backoff(minD, maxD, failures), failures)
	}
}

func TestCheckExecutable(t *testing.T) {
	exe, err := os.Executable()
	require.NoError(t, err)
	self, err := os.ReadFile(exe)
	require.NoError(t, err)
	dir := t.TempDir()
	suffix := ""
	if runtime.GOOS == "windows" {
		suffix = ".exe"
	}
	write := func(name string, data []byte, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, data, mode))
		return p
	}
	// The test binary is a program for this machine; the other platforms
	// are named, not faked, so the test holds on every machine.
	otherArch := map[string]string{"amd64": "arm64"}[runtime.GOARCH]
	if otherArch == "" {
		otherArch = "amd64"
	}
	otherOS := map[string]string{"linux": "darwin", "darwin": "windows", "windows": "linux"}[runtime.GOOS]
	if otherOS == "" {
		otherOS = "windows"
	}
	handler := write("handler"+suffix, self, 0o755)
	tests := []struct {
		name, path, goos, goarch, wantErr string
	}{
		{"this machine's binary", handler, runtime.GOOS, runtime.GOARCH, ""},
		{"missing", filepath.Join(dir, "nope"+suffix), runtime.GOOS, runtime.GOARCH, "not found"},
		{"folder", dir, runtime.GOOS, runtime.GOARCH, "is a folder"},
		{"not a program", write("text"+suffix, []byte("hello world"), 0o755), runtime.GOOS, runtime.GOARCH, "(built for another GOOS?)"},
		{"another architecture", handler, runtime.GOOS, otherArch, "(built for another GOARCH?)"},
		{"another OS", write("handler.exe", self, 0o755), otherOS, runtime.GOARCH, "(built for another GOOS?)"},
	}
	if runtime.GOOS == "windows" {
		tests = append(tests, struct{ name, path, goos, goarch, wantErr string }{
			"no .exe", write("handler", self, 0o755), "windows", runtime.GOARCH, "does not end in .exe"})
	} else {
		tests = append(tests,
			struct{ name, path, goos, goarch, wantErr string }{"script", write("script", []byte("#!/bin/sh\nexit 0\n"), 0o755), runtime.GOOS, runtime.GOARCH, ""},
			struct{ name, path, goos, goarch, wantErr string }{"not executable", write("noexec", self, 0o644), runtime.GOOS, runtime.GOARCH, "not executable"},
		)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkExecutable(tt.path, tt.goos, tt.goarch)
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
		})
	}
	assert.NoError(t, CheckExecutable(handler), "CheckExecutable checks for this machine")
}

// While the handler restarts, BaseURL waits for it rather than failing the
// call; it fails when the worker stops or the handler does not come back
// within the readiness limit.
func TestBaseURLWaitsDuringRestart(t *testing.T) {
	newRestarting := func(limit time.Duration) *Worker {
		return &Worker{opts: Options{ReadyTimeout: limit}, readyCh: make(chan struct{}), stopCh: make(chan struct{}), done: make(chan struct{})}
	}
	t.Run("ready again", func(t *testing.T) {
		w := newRestarting(time.Hour)
		got := make(chan string)
		go func() {
			u, err := w.BaseURL(context.Background())
			assert.NoError(t, err)
			got <- u
		}()
		require.True(t, w.setReady(&process{port: 4242}))
		assert.Equal(t, "http://127.0.0.1:4242", <-got)
	})
	t.Run("stopped meanwhile", func(t *testing.T) {
		w := newRestarting(time.Hour)
		errs := make(chan error)
		go func() {
			_, err := w.BaseURL(context.Background())
			errs <- err
		}()
		w.mu.Lock()
		w.stopped = true
		close(w.stopCh)
		w.mu.Unlock()
		assert.ErrorIs(t, <-errs, ErrStopped)
		assert.False(t, w.setReady(&process{port: 1}), "a process readied after Stop is refused")
	})
	t.Run("never back", func(t *testing.T) {
		w := newRestarting(time.Millisecond)
		_, err := w.BaseURL(context.Background())
		assert.ErrorIs(t, err, ErrNotReady)
	})
	t.Run("caller gives up", func(t *testing.T) {
		w := newRestarting(time.Hour)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := w.BaseURL(ctx)
		assert.ErrorIs(t, err, context.Canceled)
	})
}
