//go:build !linux

package worker

import "os/exec"

// detach is a no-op where process groups and parent-death signals are not
// portable; devhost still stops the handler on a normal exit.
func detach(*exec.Cmd) {}
