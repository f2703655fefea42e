package proc

import (
	"context"
	"syscall"

	"golang.org/x/sys/unix"
)

// watchParent asks the kernel to send this process SIGTERM when its parent
// dies; the caller's SIGTERM handling then stops it in order. A launcher of
// ours sets the same for its children (Start), but a process started by
// another (`go run`, make) is not covered otherwise.
func watchParent(context.Context, func()) {
	_ = unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(syscall.SIGTERM), 0, 0, 0)
}
