package testenv

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/hosting"
	"remote-mcp-functions-go/mcpfunc/internal/proc"
)

// ServingPrefix starts the one line devhost prints on stdout once it serves
// MCP; the MCP endpoint URL follows it.
const ServingPrefix = "devhost: serving MCP at "

// devhostStartLimit bounds devhost's start: the handler has 30 s to answer
// the readiness probe, as under the real host.
const devhostStartLimit = 90 * time.Second

// DevhostOptions say how to start devhost.
type DevhostOptions struct {
	// App is the staged function app ([Stage]); empty means the fixture
	// ([App]).
	App string
	// Storage is AzureWebJobsStorage for devhost and the handler, usually
	// an [Azurite]'s ConnectionString. Required, so that a test never
	// touches a developer's own Azurite on the default ports.
	Storage string
	// Key turns key mode on: every MCP request then needs it in the
	// x-functions-key header or the code query parameter. It is passed in
	// MCP_EXTENSION_KEY rather than the -key flag, so it never shows in a
	// process listing. Empty runs without keys, as `func start` does.
	Key string
	// Env is added to devhost's environment (KEY=value).
	Env []string
}

// Devhost is a running devhost serving MCP for the staged app. Its
// Endpoint's URL is …/runtime/webhooks/mcp and SSEURL …/runtime/webhooks/mcp/sse.
type Devhost struct {
	Endpoint

	child *process
}

// unsetForDevhost are variables of the test's own environment that would
// change what devhost or the handler does (the fixture's app setting
// among them): each test says what it wants.
var unsetForDevhost = []string{
	funcapp.StorageSetting, "MCP_EXTENSION_KEY", "FUNCTIONS_CUSTOMHANDLER_PORT", FixtureSetting,
}

// StartDevhost starts devhost on a free port and waits until it serves.
// When the test ends it asks devhost to stop and checks that devhost exits with
// status 0 and leaves no handler process behind. With [HostSetting] set
// it runs that host command instead (the real func start, in CI).
func StartDevhost(tb testing.TB, opts DevhostOptions) *Devhost {
	tb.Helper()
	if opts.Storage == "" {
		tb.Fatal("DevhostOptions.Storage is required: pass an Azurite's ConnectionString")
	}
	app := opts.App
	if app == "" {
		app = App(tb)
	}
	if command := externalHost(); command != "" {
		p, ep := startExternal(tb, hostOptions{command: command, mode: hosting.Triggers, app: app, storage: opts.Storage, key: opts.Key, env: opts.Env})
		tb.Cleanup(func() { stopExternal(tb, p) })
		return &Devhost{Endpoint: ep, child: p}
	}
	bin := DevhostBinary(tb)

	cmd := exec.Command(bin, "-app", app, "-addr", "127.0.0.1:0")
	cmd.Env = environ(unsetForDevhost)
	cmd.Env = append(cmd.Env, "AzureWebJobsStorage="+opts.Storage)
	if opts.Key != "" {
		cmd.Env = append(cmd.Env, "MCP_EXTENSION_KEY="+opts.Key)
	}
	cmd.Env = append(cmd.Env, opts.Env...)

	serving := make(chan string, 1)
	p, err := startProcess("devhost", cmd, func(line string) {
		if rest, ok := strings.CutPrefix(line, ServingPrefix); ok {
			fields := strings.Fields(rest)
			if len(fields) > 0 {
				select {
				case serving <- fields[0]:
				default:
				}
			}
		}
	})
	if err != nil {
		tb.Fatal(err)
	}
	d := &Devhost{Endpoint: Endpoint{Key: opts.Key, Mode: hosting.Triggers}, child: p}
	tb.Cleanup(func() { d.stopAndCheck(tb) })

	select {
	case url := <-serving:
		d.URL = url
		d.SSEURL = url + "/sse"
	case <-p.Done():
		tb.Fatalf("devhost exited before serving (%v); its output:\n%s", p.Err(), p.out.tail(8000))
	case <-time.After(devhostStartLimit):
		tb.Fatalf("devhost did not print %q within %v; its output:\n%s", ServingPrefix, devhostStartLimit, p.out.tail(8000))
	}
	if !strings.HasPrefix(d.URL, "http://127.0.0.1:") || !strings.HasSuffix(d.URL, "/runtime/webhooks/mcp") {
		tb.Fatalf("devhost serves at %q, want http://127.0.0.1:<port>/runtime/webhooks/mcp", d.URL)
	}
	return d
}

// Output returns everything devhost (and the handler, whose output devhost
// forwards) printed so far.
func (d *Devhost) Output() string { return d.child.out.String() }

// PID is devhost's process id.
func (d *Devhost) PID() int { return d.child.Pid() }

// HandlerPIDs returns the running child processes of devhost: the custom
// handler (a restarted handler has a new PID).
func (d *Devhost) HandlerPIDs(tb testing.TB) []int {
	tb.Helper()
	pids, err := proc.Children(d.PID())
	if err != nil {
		tb.Fatal(err)
	}
	return pids
}

// KillHandler kills the handler process (SIGKILL; TerminateProcess on
// Windows), as a crash would, and returns its PID.
func (d *Devhost) KillHandler(tb testing.TB) int {
	tb.Helper()
	pids := d.HandlerPIDs(tb)
	if len(pids) != 1 {
		tb.Fatalf("want one handler process under devhost (pid %d), found %v", d.PID(), pids)
	}
	if err := killPID(pids[0]); err != nil {
		tb.Fatalf("kill handler %d: %v", pids[0], err)
	}
	return pids[0]
}

// handlerRestarted is devhost's log line once a restarted handler is ready;
// the new PID follows it.
const handlerRestarted = `msg="handler restarted" pid=`

// WaitHandlerRestart waits until devhost reports a handler other than
// killed ready (its "handler restarted" log line) and returns the new PID.
// Calls made before that may fail, as they do while the real host restarts
// a crashed worker.
func (d *Devhost) WaitHandlerRestart(tb testing.TB, killed int) int {
	tb.Helper()
	deadline := time.Now().Add(devhostStartLimit)
	for time.Now().Before(deadline) {
		out := d.Output()
		for _, pid := range d.HandlerPIDs(tb) {
			if pid != killed && strings.Contains(out, handlerRestarted+strconv.Itoa(pid)+" ") {
				return pid
			}
		}
		if d.Exited() {
			tb.Fatalf("devhost exited while restarting the handler; its output:\n%s", d.child.out.tail(8000))
		}
		time.Sleep(20 * time.Millisecond)
	}
	tb.Fatalf("devhost did not restart the handler within %v; its output:\n%s", devhostStartLimit, d.child.out.tail(8000))
	return 0
}

// Exited reports whether devhost has ended.
func (d *Devhost) Exited() bool { return d.child.Exited() }

func (d *Devhost) stopAndCheck(tb testing.TB) {
	handlers, _ := proc.Children(d.PID())
	err := d.child.stop()
	if err != nil {
		tb.Errorf("devhost should exit 0 when asked to stop: %v", err)
	}
	for _, pid := range handlers {
		if proc.Alive(pid) {
			tb.Errorf("handler process %d still runs after devhost stopped", pid)
			_ = killPID(pid)
		}
	}
	if err != nil || tb.Failed() {
		tb.Logf("devhost output:\n%s", d.child.out.tail(16000))
	}
}

func killPID(pid int) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	return p.Kill()
}

// environ is this process's environment without the named variables.
func environ(unset []string) []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		drop := false
		for _, u := range unset {
			if strings.EqualFold(name, u) {
				drop = true
			}
		}
		if !drop {
			out = append(out, kv)
		}
	}
	return out
}
