package testenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"testing"
	"time"

	"remote-mcp-functions-go/mcpfunc/internal/lines"
	"remote-mcp-functions-go/mcpfunc/internal/proc"
)

// stopGrace is how long a process gets to exit after the stop request
// before it is killed.
const stopGrace = 20 * time.Second

// process is a child process whose output is kept for failure messages and
// watched line by line.
type process struct {
	name string
	*proc.Child
	out *outputLog
}

// startProcess starts cmd with its stdout and stderr going to one log, and
// calls onLine (if not nil) with every complete line of output. The child
// is tied to the test binary (package proc): if the binary dies without
// cleaning up, the child is told to stop rather than live on holding ports.
func startProcess(name string, cmd *exec.Cmd, onLine func(string)) (*process, error) {
	p := &process{name: name, out: &outputLog{}}
	var w io.Writer = p.out
	if onLine != nil {
		w = io.MultiWriter(p.out, lines.NewWriter(func(l []byte) { onLine(string(l)) }))
	}
	cmd.Stdout, cmd.Stderr = w, w
	// A grandchild that keeps the output pipe open must not stall Wait.
	cmd.WaitDelay = 5 * time.Second
	child, err := proc.StartChild(cmd, true)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p.Child = child
	return p, nil
}

// ExitLimit bounds the wait for a command that is expected to exit by
// itself, such as a handler refusing a bad setting: generous for a
// loaded machine, short enough that a command that does not exit fails
// its test in seconds. It is not a speed assertion.
const ExitLimit = 30 * time.Second

// RunToExit runs cmd, which is expected to exit by itself within limit,
// and returns its output (stdout and stderr together) and its exit error
// (nil for status 0). A command still running after limit is stopped
// with its process group (asked, then killed) and fails the test, so a
// command that should have refused to start never hangs the test binary
// or outlives it.
func RunToExit(tb testing.TB, cmd *exec.Cmd, limit time.Duration) (string, error) {
	tb.Helper()
	out := &outputLog{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = 5 * time.Second
	child, err := proc.StartChild(cmd, false)
	if err != nil {
		tb.Fatalf("start %s: %v", cmd.Path, err)
	}
	select {
	case <-child.Done():
		return out.String(), child.Err()
	case <-time.After(limit):
		child.Stop(context.Background(), 5*time.Second)
		tb.Fatalf("%s %q did not exit within %v, and was stopped; its output:\n%s", cmd.Path, cmd.Args[1:], limit, out.tail(8000))
		return "", nil
	}
}

// stop asks the process to stop, waits for the exit (killing it after
// stopGrace) and returns the exit error: nil for a clean exit with status 0.
func (p *process) stop() error {
	if !p.Exited() && p.Stop(context.Background(), stopGrace) {
		return fmt.Errorf("%s did not exit within %v of the stop request and was killed", p.name, stopGrace)
	}
	if err := p.Err(); err != nil {
		return fmt.Errorf("%s exited: %w", p.name, err)
	}
	return nil
}

// outputLog keeps a process's output, written by its stdout and stderr
// copiers and read by the test while it grows.
type outputLog struct{ lines.Buffer }

// tail returns the last max bytes of the output, for failure messages.
func (l *outputLog) tail(max int) string {
	s := l.String()
	if len(s) > max {
		s = "…" + s[len(s)-max:]
	}
	return s
}

var errNotMain = errors.New("testenv: call testenv.Main(m) from the package's TestMain")
