package proc

import (
	"context"
	"os/exec"
	"time"
)

// Child is a started process whose end is watched: Done closes once its
// Wait has returned.
type Child struct {
	Cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// StartChild starts cmd with [Start] (own process group), or with
// [StartAttached] when attached is true, and waits for it in the
// background.
func StartChild(cmd *exec.Cmd, attached bool) (*Child, error) {
	start := Start
	if attached {
		start = StartAttached
	}
	if err := start(cmd); err != nil {
		return nil, err
	}
	c := &Child{Cmd: cmd, done: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	return c, nil
}

// Done is closed when the process has exited and its output is copied.
func (c *Child) Done() <-chan struct{} { return c.done }

// Exited reports whether the process has ended.
func (c *Child) Exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// Err is Wait's result: nil for exit status 0. Valid once Done is closed.
func (c *Child) Err() error {
	<-c.done
	return c.err
}

// Pid is the process id.
func (c *Child) Pid() int { return c.Cmd.Process.Pid }

// Stop asks the process to stop and kills it after grace (see [Stop]). It
// reports whether it had to kill.
func (c *Child) Stop(ctx context.Context, grace time.Duration) (killed bool) {
	return Stop(ctx, c.Cmd.Process, c.done, grace)
}
