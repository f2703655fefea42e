package worker

import (
	"os/exec"
	"syscall"
)

// detach puts the handler in its own process group, so a Ctrl+C in the
// terminal reaches devhost alone and devhost stops the handler in order
// (calls in flight finish first), and asks the kernel to kill the handler
// if devhost dies without stopping it, so no orphan keeps its port.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
