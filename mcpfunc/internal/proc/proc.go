// Package proc starts the local run's child processes (the custom handler
// under devhost; Azurite and devhost under the start command; the same
// under tests) so that they stop with their parent, and stops them the way
// each operating system allows. The platform code sits behind build tags;
// what callers get is the same everywhere:
//
//   - [Start] puts the child in a process group of its own, so a Ctrl+C in
//     the terminal reaches the parent alone and the parent stops its
//     children in order (calls in flight finish first). [StartAttached]
//     leaves it in the parent's group, so Ctrl+C reaches both.
//   - The child is tied to its parent: on Linux the kernel sends it SIGTERM
//     when the parent dies (Pdeathsig); on Windows it joins a job object
//     that the system closes, killing its members, when the parent exits,
//     however it exits. macOS has neither: there the parent stops its
//     children on every exit it lives through, and Go programs of ours
//     (devhost, the start command) call [WatchParent]; a parent killed with SIGKILL on macOS
//     leaves a child that does not watch its parent (Azurite, a handler
//     started by a devhost killed that way) running.
//   - [Terminate] asks a child to stop: SIGTERM on Unix; on Windows, which
//     has no signals for other processes, CTRL_BREAK_EVENT to the child's
//     process group, which Go programs receive as os.Interrupt and Node
//     programs as SIGBREAK. That needs the parent and child to share a
//     console; where they do not, Terminate fails and callers kill.
//   - [Kill] ends a child at once: SIGKILL to its whole group on Unix,
//     TerminateProcess on Windows.
//
// [Alive], [Children] and [Descendants] read the system's process table
// (/proc on Linux, sysctl on macOS, a Toolhelp snapshot on Windows), so
// tests can check that stopping a tree left nothing behind.
package proc

import (
	"context"
	"os"
	"os/exec"
	"time"
)

// Start starts cmd in a process group of its own, tied to this process
// (see the package documentation). It replaces cmd.SysProcAttr.
func Start(cmd *exec.Cmd) error { return start(cmd, true) }

// StartAttached starts cmd in this process's group (on Windows, in a group
// of its own all the same, as only groups can be sent CTRL_BREAK_EVENT),
// tied to this process. A Ctrl+C in the terminal then reaches it directly.
func StartAttached(cmd *exec.Cmd) error { return start(cmd, false) }

// Terminate asks p to stop: SIGTERM on Unix, CTRL_BREAK_EVENT to its
// process group on Windows (p must have been started by [Start] or
// [StartAttached]).
func Terminate(p *os.Process) error { return terminate(p) }

// Kill ends p at once, with the rest of its process group on Unix.
func Kill(p *os.Process) error { return kill(p) }

// InterruptGroup does what a Ctrl+C in a terminal does to the process
// group led by pid (started by [Start]): SIGINT to each of its processes on
// Unix, CTRL_BREAK_EVENT on Windows.
func InterruptGroup(pid int) error { return interruptGroup(pid) }

// Stop asks p to stop, waits until exited is closed (the caller's
// cmd.Wait has returned), and kills p when grace passes or ctx ends first.
// It reports whether p had to be killed. A p that cannot be asked is killed
// at once.
func Stop(ctx context.Context, p *os.Process, exited <-chan struct{}, grace time.Duration) (killed bool) {
	select {
	case <-exited:
		return false
	default:
	}
	if err := Terminate(p); err == nil {
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-exited:
			return false
		case <-t.C:
		case <-ctx.Done():
		}
	}
	_ = Kill(p)
	<-exited
	return true
}

// WatchParent makes this process stop once its parent has exited. On
// Linux it asks the kernel for SIGTERM then (the caller must handle
// SIGTERM, as a stop); on macOS it polls the parent and calls stop; on
// Windows it does nothing: a child of ours is in its parent's job object,
// and a tree kill (how IDEs stop tasks there) reaches it anyway. It returns
// at once; the macOS watch ends with ctx.
func WatchParent(ctx context.Context, stop func()) { watchParent(ctx, stop) }
