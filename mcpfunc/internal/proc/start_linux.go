package proc

import (
	"os/exec"
	"syscall"
)

func start(cmd *exec.Cmd, group bool) error {
	// Pdeathsig: the kernel sends SIGTERM to the child when this process
	// dies without stopping it, so no orphan keeps its ports.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: group, Pdeathsig: syscall.SIGTERM}
	return cmd.Start()
}
