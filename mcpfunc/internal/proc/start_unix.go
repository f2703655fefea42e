//go:build unix && !linux

package proc

import (
	"os/exec"
	"syscall"
)

// start has no parent-death signal to ask for here (macOS, the BSDs): see
// WatchParent.
func start(cmd *exec.Cmd, group bool) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: group}
	return cmd.Start()
}
