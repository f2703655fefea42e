//go:build unix

package proc

import (
	"errors"
	"os"
	"syscall"
)

func terminate(p *os.Process) error { return p.Signal(syscall.SIGTERM) }

func kill(p *os.Process) error {
	// The group first: a child started by Start leads its own, and its
	// own children (a shell's, a Node tool's) go with it. ESRCH means p
	// leads no group (StartAttached): kill p alone.
	if err := syscall.Kill(-p.Pid, syscall.SIGKILL); err == nil || !errors.Is(err, syscall.ESRCH) {
		return err
	}
	return p.Kill()
}

func interruptGroup(pid int) error { return syscall.Kill(-pid, syscall.SIGINT) }
