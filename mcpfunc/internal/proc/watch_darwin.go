package proc

import (
	"context"
	"os"
	"time"
)

// watchParent polls the parent's pid: once the parent is gone the process
// is re-parented (to launchd, pid 1), and getppid says so. A second is
// soon enough for a development tool and costs nothing.
func watchParent(ctx context.Context, stop func()) {
	parent := os.Getppid()
	if parent == 1 {
		return // started by launchd itself: nothing to watch
	}
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if os.Getppid() != parent {
					stop()
					return
				}
			}
		}
	}()
}
