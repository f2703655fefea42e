package e2e

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/internal/proc"
	"remote-mcp-functions-go/internal/testenv"
)

// TestStartScript runs scripts/start.sh (what `make start` runs after
// building) on free ports with devhost, uses the server it starts, then
// sends SIGINT to its process group as Ctrl+C does: everything it started
// must stop, and an Azurite it did not start must keep running.
func TestStartScript(t *testing.T) {
	t.Run("starts Azurite and devhost, Ctrl+C stops both", func(t *testing.T) {
		ports := freePorts(t, 4)
		run := startScript(t, ports[0], ports[1], ports[2], ports[3], t.TempDir())
		require.Contains(t, run.output(), "start: Azurite started")
		require.Contains(t, run.output(), "USE_DEVHOST=1: running devhost, the local stand-in for the Functions host")
		require.Contains(t, run.output(), "npx mcp-inspector --cli http://127.0.0.1:"+strconv.Itoa(ports[0])+"/runtime/webhooks/mcp --transport http --method tools/list")

		url := fmt.Sprintf("http://127.0.0.1:%d/runtime/webhooks/mcp", ports[0])
		s := connect(t, &mcp.StreamableClientTransport{Endpoint: url, MaxRetries: -1})
		requireText(t, call(t, s, "savesnippet", map[string]any{"snippetname": "from-start", "snippet": "stored in the script's Azurite"}),
			"Snippet 'from-start' saved successfully")
		requireText(t, call(t, s, "getsnippet", map[string]any{"snippetname": "from-start"}), "stored in the script's Azurite")
		require.NoError(t, s.Close())

		pids, err := proc.Descendants(run.cmd.Process.Pid)
		require.NoError(t, err)
		require.GreaterOrEqual(t, len(pids), 3, "Azurite, devhost and the handler")
		run.interrupt(t)
		for _, port := range ports {
			assert.False(t, listening(port), "port %d still listens after Ctrl+C", port)
		}
		for _, pid := range pids {
			assert.False(t, proc.Alive(pid), "process %d still runs after Ctrl+C", pid)
		}
		assert.Contains(t, run.output(), "start: stopping Azurite")
	})

	t.Run("reuses a running Azurite and leaves it running", func(t *testing.T) {
		az := testenv.StartAzurite(t)
		mcpPort := freePorts(t, 1)[0]
		run := startScript(t, mcpPort, az.BlobPort, az.QueuePort, az.TablePort, t.TempDir())
		require.Contains(t, run.output(), fmt.Sprintf("Azurite already listens on 127.0.0.1:%d: using it", az.BlobPort))

		s := connect(t, &mcp.StreamableClientTransport{Endpoint: fmt.Sprintf("http://127.0.0.1:%d/runtime/webhooks/mcp", mcpPort), MaxRetries: -1})
		requireText(t, call(t, s, "savesnippet", map[string]any{"snippetname": "reused", "snippet": "in the running Azurite"}),
			"Snippet 'reused' saved successfully")
		require.NoError(t, s.Close())

		run.interrupt(t)
		assert.False(t, listening(mcpPort))
		got, ok := az.Blob(t, container, blobName("reused"))
		require.True(t, ok, "the Azurite that was running before must still answer")
		assert.Equal(t, "in the running Azurite", string(got))
	})

	t.Run("MCP port in use", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		defer ln.Close()
		busy := ln.Addr().(*net.TCPAddr).Port
		ports := freePorts(t, 3)
		cmd := scriptCommand(t, busy, ports[0], ports[1], ports[2], t.TempDir())
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		require.True(t, errors.As(err, &exit), "want a failed exit, got %v; output:\n%s", err, out)
		assert.Equal(t, 1, exit.ExitCode())
		assert.Contains(t, string(out), fmt.Sprintf("scripts/start.sh: error: port %d is in use", busy))
		for _, port := range ports {
			assert.False(t, listening(port), "nothing may be started when the MCP port is taken")
		}
	})
}

// scriptRun is a running scripts/start.sh.
type scriptRun struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  strings.Builder
	done chan error
}

func (r *scriptRun) output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.String()
}

// scriptCommand is scripts/start.sh with devhost (never func, whatever the
// PATH holds) on the given ports, run from the repository root like make.
func scriptCommand(t *testing.T, mcpPort, blob, queue, table int, azuriteDir string) *exec.Cmd {
	t.Helper()
	root, err := testenv.RepoRoot()
	require.NoError(t, err)
	cmd := exec.Command(filepath.Join(root, "scripts", "start.sh"))
	cmd.Dir = root
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "AzureWebJobsStorage", "MCP_EXTENSION_KEY":
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env,
		"USE_DEVHOST=1",
		"DEVHOST="+testenv.DevhostBinary(t),
		"APP_DIR="+testenv.App(t),
		"MCP_PORT="+strconv.Itoa(mcpPort),
		"AZURITE_BLOB_PORT="+strconv.Itoa(blob),
		"AZURITE_QUEUE_PORT="+strconv.Itoa(queue),
		"AZURITE_TABLE_PORT="+strconv.Itoa(table),
		"AZURITE_DIR="+azuriteDir,
	)
	// Its own process group, so the test can signal the group as a
	// terminal's Ctrl+C does.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

// startScript starts the script and waits for its connection hints, which
// it prints once the host answers.
func startScript(t *testing.T, mcpPort, blob, queue, table int, azuriteDir string) *scriptRun {
	t.Helper()
	cmd := scriptCommand(t, mcpPort, blob, queue, table, azuriteDir)
	pipe, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = cmd.Stdout
	require.NoError(t, cmd.Start())
	r := &scriptRun{cmd: cmd, done: make(chan error, 1)}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pipe)
		once := sync.Once{}
		for sc.Scan() {
			r.mu.Lock()
			r.out.WriteString(sc.Text() + "\n")
			r.mu.Unlock()
			if strings.Contains(sc.Text(), "Ctrl+C stops it.") {
				once.Do(func() { close(ready) })
			}
		}
		r.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		// A failed test may leave it running: stop the group.
		if cmd.ProcessState == nil {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		}
		if t.Failed() {
			t.Logf("start.sh output:\n%s", r.output())
		}
	})
	select {
	case <-ready:
	case err := <-r.done:
		r.done <- err
		t.Fatalf("start.sh exited before it served (%v):\n%s", err, r.output())
	case <-time.After(2 * time.Minute):
		t.Fatalf("start.sh did not serve within 2 minutes:\n%s", r.output())
	}
	return r
}

// interrupt sends SIGINT to the script's process group and checks that it
// exits 0.
func (r *scriptRun) interrupt(t *testing.T) {
	t.Helper()
	require.NoError(t, syscall.Kill(-r.cmd.Process.Pid, syscall.SIGINT))
	select {
	case err := <-r.done:
		require.NoError(t, err, "Ctrl+C is a clean stop; output:\n%s", r.output())
	case <-time.After(time.Minute):
		t.Fatalf("start.sh did not stop within a minute of SIGINT:\n%s", r.output())
	}
}

func listening(port int) bool {
	c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// freePorts returns n distinct ports that were free a moment ago (the
// script needs fixed ports, unlike the harness, which lets Azurite and
// devhost pick their own).
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ports []int
	var lns []net.Listener
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	for _, ln := range lns {
		ln.Close()
	}
	return ports
}
