package testenv

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

// baselineServing starts the line the baseline command prints once it
// serves; the URL follows.
const baselineServing = "baseline: serving MCP at "

// StartBaseline runs the benchmarks' baseline server (package benchbase)
// as a process of its own on a free port, with storage (a connection
// string), and returns its Streamable HTTP URL. It stops when the test
// ends.
func StartBaseline(tb testing.TB, storage string) string {
	tb.Helper()
	cmd := exec.Command(Command(tb, "./mcpfunc/internal/benchbase/baseline"))
	cmd.Env = append(environ(unsetForDevhost), "AzureWebJobsStorage="+storage)
	url := make(chan string, 1)
	p, err := startProcess("the baseline server", cmd, func(line string) {
		if u, ok := strings.CutPrefix(line, baselineServing); ok {
			select {
			case url <- strings.TrimSpace(u):
			default:
			}
		}
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := p.stop(); err != nil {
			tb.Errorf("the baseline server: %v", err)
		}
	})
	select {
	case u := <-url:
		return u
	case <-p.Done():
		tb.Fatalf("the baseline server exited (%v):\n%s", p.Err(), p.out.tail(4000))
	case <-time.After(devhostStartLimit):
		tb.Fatalf("the baseline server did not serve within %v:\n%s", devhostStartLimit, p.out.tail(4000))
	}
	return ""
}
