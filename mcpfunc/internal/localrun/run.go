package localrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"remote-mcp-functions-go/mcpfunc/internal/apppkg"
	"remote-mcp-functions-go/mcpfunc/internal/hosting"
	"remote-mcp-functions-go/mcpfunc/internal/lines"
	"remote-mcp-functions-go/mcpfunc/internal/nodetool"
	"remote-mcp-functions-go/mcpfunc/internal/proc"
)

// stopGrace is how long each started process gets to stop before it is
// killed; Azurite closes its keep-alive connections first.
const stopGrace = 10 * time.Second

// Run runs the app locally until ctx ends (Ctrl+C, SIGTERM) or the host
// exits, then stops everything it started. A clean stop returns nil.
func Run(ctx context.Context, o Options) error {
	root, err := filepath.Abs(o.Root)
	if err != nil {
		return err
	}
	o.Root = root
	out := lines.Sync(o.Stdout)
	r := &runner{o: o, out: out}
	defer r.stopAll()
	err = r.run(ctx)
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return nil // stopped while starting: as clean as any other stop
	}
	return err
}

type runner struct {
	o       Options
	out     io.Writer // lines.Sync: the hints and the host's output stay whole
	started []started // stopped in reverse order
}

// started is one process Run started.
type started struct {
	name string
	pid  int
	stop func() (killed bool)
}

func (r *runner) say(format string, args ...any) {
	fmt.Fprintf(r.out, "start: "+format+"\n", args...)
}

func (r *runner) run(ctx context.Context) error {
	o := r.o
	if _, err := os.Stat(filepath.Join(o.Root, "host.json")); err != nil {
		return fmt.Errorf("no host.json in %s: run it from the repository root", abs(o.Root))
	}
	if inUse(o.MCPPort) {
		return fmt.Errorf("port %d is in use: stop whatever listens there (%s shows it), or set MCP_PORT", o.MCPPort, whoListens(o.MCPPort))
	}
	// npm downloads while Go compiles: neither waits for the other. A
	// staging that fails (the app does not build) stops npm at once, as
	// nothing will run.
	installCtx, stopInstall := context.WithCancel(ctx)
	defer stopInstall()
	installed := r.install(installCtx)
	if err := r.stage(ctx); err != nil {
		stopInstall()
		<-installed
		return err
	}
	if err := <-installed; err != nil {
		return err
	}
	env, err := r.storage(ctx)
	if err != nil {
		return err
	}
	host, err := r.host(ctx, env)
	if err != nil {
		return err
	}
	go r.announce(ctx, host)
	select {
	case <-ctx.Done():
		return nil // Ctrl+C is how this is meant to end: a clean stop
	case <-host.child.Done():
		if err := host.err(); err != nil {
			return fmt.Errorf("%s exited: %w", host.name, err)
		}
		return nil
	}
}

// install installs the pinned Node tools a local run uses when
// package-lock.json changed since (on a fresh clone: the first run
// downloads, and says so first), and sends its outcome on the channel it
// returns; ctx's end stops it.
func (r *runner) install(ctx context.Context) <-chan error {
	done := make(chan error, 1)
	if nodetool.Installed(r.o.Root, nodetool.Run) {
		done <- nil
		return done
	}
	r.say("installing the pinned Node tools a local run uses, Azurite and the MCP Inspector (npm ci; a minute or so the first time; the tests' own tools wait for make test)")
	go func() {
		_, err := nodetool.Install(ctx, r.o.Root, nodetool.Run, r.o.Stderr)
		if err == nil {
			r.say("installed the pinned Node tools: Azurite, the MCP Inspector")
		}
		done <- err
	}()
	return done
}

// stage generates the app's files from its Go declarations (as make
// generate does: a forgotten one cannot run an app without its newest
// functions), builds the handler for this machine and stages the app,
// unless told to run the staged one.
func (r *runner) stage(ctx context.Context) error {
	if r.o.NoBuild {
		if _, err := os.Stat(filepath.Join(r.o.AppDir, "host.json")); err != nil {
			return fmt.Errorf("%s is missing: run make build (make start does)", filepath.Join(r.o.AppDir, "host.json"))
		}
		if staged, err := apppkg.HostingOf(r.o.AppDir); err != nil {
			return err
		} else if staged != r.o.Hosting {
			return fmt.Errorf("%s is staged for hosting %s, but %s=%s: run make build with the same %s", r.o.AppDir, staged, hosting.Setting, r.o.Hosting, hosting.Setting)
		}
		return nil
	}
	r.say("generating functions/ and host.json from the app's Go declarations, then building the handler for this machine")
	st, err := apppkg.Stage(ctx, apppkg.StageOptions{Root: r.o.Root, Dir: r.o.AppDir, Platform: apppkg.Native, Output: r.o.Stderr, Hosting: r.o.Hosting, Generate: true})
	if err != nil {
		return err
	}
	r.say("%v (this machine; the deployment package is built for %v)", st, apppkg.Target)
	return nil
}

// stopAll stops what Run started, the host first, then Azurite.
func (r *runner) stopAll() {
	for i := len(r.started) - 1; i >= 0; i-- {
		s := r.started[i]
		// Announced even when the signal already ended it.
		r.say("stopping %s (pid %d)", s.name, s.pid)
		if s.stop() {
			r.say("%s (pid %d) did not stop within %v: killed it", s.name, s.pid, stopGrace)
		}
	}
	r.started = nil
}

func (r *runner) track(name string, c *proc.Child) {
	r.started = append(r.started, started{
		name: name, pid: c.Pid(),
		stop: func() bool { return c.Stop(context.Background(), stopGrace) },
	})
}

// inUse reports whether something accepts connections on the port.
func inUse(port int) bool {
	c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// whoListens is the command that shows what listens on a port, here.
func whoListens(port int) string {
	p := strconv.Itoa(port)
	switch runtime.GOOS {
	case "windows":
		return "netstat -ano | findstr :" + p
	case "darwin":
		return "lsof -nP -iTCP:" + p + " -sTCP:LISTEN"
	default:
		return "ss -ltnp 'sport = :" + p + "'"
	}
}

func abs(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
