package testenv

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"remote-mcp-functions-go/mcpfunc/internal/devhost"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/hosting"
	"remote-mcp-functions-go/mcpfunc/internal/selfhost"
)

// SelfhostOptions say how to start the self-hosted handler.
type SelfhostOptions struct {
	// App is the app staged for the self hosting ([Stage]); empty means
	// the fixture ([SelfApp]).
	App string
	// Storage is AzureWebJobsStorage, usually an [Azurite]'s
	// ConnectionString. Required, as for devhost.
	Storage string
	// Key turns the handler's key check on (MCP_EXTENSION_KEY, as make
	// start passes it).
	Key string
	// Env is added to the handler's environment (KEY=value); it wins over
	// local.settings.json, as under func start.
	Env []string
}

// Selfhost is the self-hosted handler, running as make start runs it
// without func: the MCP server itself, facing clients on loopback
// (handler -listen).
type Selfhost struct {
	Endpoint

	child *process
}

// listening is the handler's log line once it listens; the address
// follows.
var listening = regexp.MustCompile(`msg="custom handler listening" addr=(127\.0\.0\.1:\d+) hosting=self`)

// StartSelfhost starts the staged self-hosted handler on a free port with
// local.settings.json's Values under the test's settings, and waits until
// it listens. When the test ends it asks the handler to stop and checks
// that it exits with status 0. With [HostSetting] set it runs that host
// command in the folder instead (func start, whose mcp-custom-handler
// profile forwards every request to the handler).
func StartSelfhost(tb testing.TB, opts SelfhostOptions) *Selfhost {
	tb.Helper()
	if opts.Storage == "" {
		tb.Fatal("SelfhostOptions.Storage is required: pass an Azurite's ConnectionString")
	}
	dir := opts.App
	if dir == "" {
		dir = SelfApp(tb)
	}
	if command := externalHost(); command != "" {
		p, ep := startExternal(tb, hostOptions{command: command, mode: hosting.Self, app: dir, storage: opts.Storage, key: opts.Key, env: opts.Env})
		tb.Cleanup(func() { stopExternal(tb, p) })
		return &Selfhost{Endpoint: ep, child: p}
	}
	app, err := funcapp.Load(dir)
	if err != nil {
		tb.Fatal(err)
	}
	if !app.Host.SelfHosted() {
		tb.Fatalf("%s is not staged for the self hosting", dir)
	}
	// The test's own MCP_HOSTING must not win over the staged file's.
	env := append(environ(slices.Concat(unsetForDevhost, []string{hosting.Setting})), opts.Env...)
	settings := devhost.NewSettings(app, env, opts.Storage).Environ()
	if opts.Key != "" {
		settings = append(settings, selfhost.KeySetting+"="+opts.Key)
	}
	cmd := exec.Command(filepath.Join(dir, app.Host.Executable()), "-listen", "127.0.0.1:0")
	cmd.Dir = dir
	cmd.Env = settings

	addr := make(chan string, 1)
	p, err := startProcess("the self-hosted handler", cmd, func(line string) {
		if m := listening.FindStringSubmatch(line); m != nil {
			select {
			case addr <- m[1]:
			default:
			}
		}
	})
	if err != nil {
		tb.Fatal(err)
	}
	s := &Selfhost{Endpoint: Endpoint{Key: opts.Key, Mode: hosting.Self}, child: p}
	tb.Cleanup(func() {
		if err := p.stop(); err != nil {
			tb.Errorf("the self-hosted handler should exit 0 when asked to stop: %v", err)
		}
		if tb.Failed() {
			tb.Logf("its output:\n%s", p.out.tail(16000))
		}
	})
	select {
	case a := <-addr:
		s.URL = "http://" + a + selfhost.Path
	case <-p.Done():
		tb.Fatalf("the self-hosted handler exited before listening (%v); its output:\n%s", p.Err(), p.out.tail(8000))
	case <-time.After(devhostStartLimit):
		tb.Fatalf("the self-hosted handler did not listen within %v; its output:\n%s", devhostStartLimit, p.out.tail(8000))
	}
	return s
}

// Output returns everything the handler printed so far.
func (s *Selfhost) Output() string { return s.child.out.String() }

// Stop asks the handler to stop (SIGTERM; CTRL_BREAK_EVENT on Windows),
// waits for it to exit (killing it 20 s later) and returns the exit
// error: nil for a clean exit with status 0.
func (s *Selfhost) Stop() error { return s.child.stop() }

// PID is the handler's process id.
func (s *Selfhost) PID() int { return s.child.Pid() }

// Exited reports whether the handler has ended.
func (s *Selfhost) Exited() bool { return s.child.Exited() }
