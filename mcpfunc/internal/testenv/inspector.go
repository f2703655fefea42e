package testenv

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// inspectorLimit bounds one Inspector CLI run (a Node start plus a few MCP
// requests); it only keeps a hung run from hanging the test binary.
const inspectorLimit = 2 * time.Minute

// InspectorRun is the outcome of one MCP Inspector CLI run.
type InspectorRun struct {
	Stdout, Stderr []byte
	// ExitCode is the CLI's exit status (0 on success).
	ExitCode int
}

// Inspector runs the pinned MCP Inspector in CLI mode
// (`mcp-inspector --cli args…`). Its home folder is a fresh temporary one,
// so it neither reads nor writes the developer's ~/.mcp-inspector (catalog,
// stored OAuth tokens).
func Inspector(tb testing.TB, args ...string) InspectorRun {
	tb.Helper()
	cmd, err := nodeTool("@modelcontextprotocol/inspector", "mcp-inspector", append([]string{"--cli"}, args...)...)
	if err != nil {
		tb.Fatal(err)
	}
	home := tb.TempDir()
	// HOME on Unix, USERPROFILE on Windows: Node's os.homedir() reads one.
	cmd.Env = append(environ([]string{"HOME", "USERPROFILE", "MCP_CATALOG_PATH", "MCP_CLIENT_CONFIG_PATH", "MCP_AUTO_OPEN_ENABLED"}),
		"HOME="+home,
		"USERPROFILE="+home,
		"MCP_CATALOG_PATH="+filepath.Join(home, "catalog.json"),
		"NO_COLOR=1",
	)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	var timedOut atomic.Bool
	if err = cmd.Start(); err == nil {
		t := time.AfterFunc(inspectorLimit, func() { timedOut.Store(true); _ = cmd.Process.Kill() })
		err = cmd.Wait()
		t.Stop()
	}
	run := InspectorRun{Stdout: stdout.Bytes(), Stderr: stderr.Bytes()}
	var exit *exec.ExitError
	switch {
	case timedOut.Load():
		tb.Fatalf("mcp-inspector %v did not finish within %v\nstdout: %s\nstderr: %s", args, inspectorLimit, stdout.Bytes(), stderr.Bytes())
	case errors.As(err, &exit):
		run.ExitCode = exit.ExitCode()
	case err != nil:
		tb.Fatalf("mcp-inspector: %v", err)
	}
	return run
}
