package e2e

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/freeport"
	"remote-mcp-functions-go/mcpfunc/internal/proc"
	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// TestStartCommand runs cmd/start (what `make start` and
// `go run ./mcpfunc/cmd/start` run) on free ports with devhost, uses the server it
// starts, then stops it as a person or an IDE does: everything it started
// must stop, and an Azurite it did not start must keep running.
func TestStartCommand(t *testing.T) {
	for _, stop := range []struct {
		name string
		do   func(t *testing.T, r *startRun)
	}{
		// A terminal's Ctrl+C reaches the whole foreground process group.
		{"Ctrl+C", func(t *testing.T, r *startRun) { require.NoError(t, proc.InterruptGroup(r.cmd.Process.Pid)) }},
		// An IDE stopping its task signals the command alone.
		{"SIGTERM to the command alone", func(t *testing.T, r *startRun) { require.NoError(t, proc.Terminate(r.cmd.Process)) }},
	} {
		t.Run("starts Azurite and devhost, "+stop.name+" stops both", func(t *testing.T) {
			ports := freePorts(t, 4)
			run := startCommand(t, ports[0], ports[1], ports[2], ports[3], t.TempDir())
			require.Contains(t, run.output(), "start: Azurite started")
			require.Contains(t, run.output(), "USE_DEVHOST=1: running devhost, the local stand-in for the Functions host")
			require.Contains(t, run.output(), "npx mcp-inspector --cli http://127.0.0.1:"+strconv.Itoa(ports[0])+"/runtime/webhooks/mcp --transport http --method tools/list")

			url := fmt.Sprintf("http://127.0.0.1:%d/runtime/webhooks/mcp", ports[0])
			s := connect(t, &mcp.StreamableClientTransport{Endpoint: url, MaxRetries: -1})
			key := "from-start-" + strconv.Itoa(ports[0])
			put(t, s, key, "stored in the command's Azurite")
			requireText(t, call(t, s, "get", map[string]any{"key": key}), "stored in the command's Azurite")
			require.NoError(t, s.Close())

			pids, err := proc.Descendants(run.cmd.Process.Pid)
			require.NoError(t, err)
			require.GreaterOrEqual(t, len(pids), 3, "Azurite, devhost and the handler")
			stop.do(t, run)
			run.waitClean(t)
			for _, port := range ports {
				assert.False(t, listening(port), "port %d still listens after the stop", port)
			}
			for _, pid := range pids {
				assert.False(t, proc.Alive(pid), "process %d still runs after the stop", pid)
			}
			assert.Contains(t, run.output(), "start: stopping devhost")
			assert.Contains(t, run.output(), "start: stopping Azurite")
		})
	}

	t.Run("self hosting: starts Azurite and the handler alone, Ctrl+C stops both", func(t *testing.T) {
		ports := freePorts(t, 4)
		cmd := startCmd(t, ports[0], ports[1], ports[2], ports[3], t.TempDir())
		// Relative to the repository, as make start's default build/app
		// is: a copy under the git-ignored build/.
		root, err := testenv.RepoRoot()
		require.NoError(t, err)
		rel := filepath.Join("build", "e2e-self-"+strconv.Itoa(ports[0]))
		require.NoError(t, os.CopyFS(filepath.Join(root, rel), os.DirFS(testenv.SelfApp(t))))
		t.Cleanup(func() { os.RemoveAll(filepath.Join(root, rel)) })
		cmd.Env = append(cmd.Env, "MCP_HOSTING=self", "APP_DIR="+rel)
		run := startWith(t, cmd)
		require.Contains(t, run.output(), "start: Azurite started")
		require.Contains(t, run.output(), "USE_DEVHOST=1: hosting self, so the handler serves MCP itself; no Functions host is needed")
		url := fmt.Sprintf("http://127.0.0.1:%d/mcp", ports[0])
		require.Contains(t, run.output(), "npx mcp-inspector --cli "+url+" --transport http --method tools/list")
		require.NotContains(t, run.output(), "devhost: serving")

		s := connect(t, &mcp.StreamableClientTransport{Endpoint: url, MaxRetries: -1})
		key := "from-start-self-" + strconv.Itoa(ports[0])
		put(t, s, key, "self-hosted")
		requireText(t, call(t, s, "get", map[string]any{"key": key}), "self-hosted")
		require.NoError(t, s.Close())

		pids, err := proc.Descendants(run.cmd.Process.Pid)
		require.NoError(t, err)
		require.GreaterOrEqual(t, len(pids), 2, "Azurite and the handler")
		require.NoError(t, proc.InterruptGroup(run.cmd.Process.Pid))
		run.waitClean(t)
		for _, port := range ports {
			assert.False(t, listening(port), "port %d still listens after the stop", port)
		}
		for _, pid := range pids {
			assert.False(t, proc.Alive(pid), "process %d still runs after the stop", pid)
		}
		assert.Contains(t, run.output(), "start: stopping the handler")
		assert.Contains(t, run.output(), "start: stopping Azurite")
	})

	t.Run("reuses a running Azurite and leaves it running", func(t *testing.T) {
		az := testenv.StartAzurite(t)
		mcpPort := freePorts(t, 1)[0]
		run := startCommand(t, mcpPort, az.BlobPort, az.QueuePort, az.TablePort, t.TempDir())
		require.Contains(t, run.output(), fmt.Sprintf("Azurite already listens on 127.0.0.1:%d: using it", az.BlobPort))

		s := connect(t, &mcp.StreamableClientTransport{Endpoint: fmt.Sprintf("http://127.0.0.1:%d/runtime/webhooks/mcp", mcpPort), MaxRetries: -1})
		put(t, s, "reused", "in the running Azurite")
		require.NoError(t, s.Close())

		require.NoError(t, proc.InterruptGroup(run.cmd.Process.Pid))
		run.waitClean(t)
		assert.False(t, listening(mcpPort))
		assert.NotContains(t, run.output(), "stopping Azurite")
		got, ok := az.Blob(t, container, blobName("reused"))
		require.True(t, ok, "the Azurite that was running before must still answer")
		assert.Equal(t, "in the running Azurite", string(got))
	})

	t.Run("refusals start nothing", func(t *testing.T) {
		busy, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		defer busy.Close()
		notAzurite := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotFound) }))
		defer notAzurite.Close()
		port := func(a net.Addr) int { return a.(*net.TCPAddr).Port }

		ports := freePorts(t, 4)
		tests := []struct {
			name                  string
			mcp, blob, queue, tbl int
			want                  string
		}{
			{"MCP port in use", port(busy.Addr()), ports[0], ports[1], ports[2], fmt.Sprintf("start: error: port %d is in use", port(busy.Addr()))},
			{"not Azurite on the blob port", ports[3], port(notAzurite.Listener.Addr()), ports[1], ports[2],
				fmt.Sprintf("start: error: port %d is in use by something that is not Azurite", port(notAzurite.Listener.Addr()))},
			{"queue port in use", ports[3], ports[0], port(busy.Addr()), ports[2], fmt.Sprintf("start: error: port %d (Azurite queue/table) is in use", port(busy.Addr()))},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				cmd := startCmd(t, tt.mcp, tt.blob, tt.queue, tt.tbl, t.TempDir())
				out, err := testenv.RunToExit(t, cmd, testenv.ExitLimit)
				var exit *exec.ExitError
				require.True(t, errors.As(err, &exit), "want a failed exit, got %v; output:\n%s", err, out)
				assert.Equal(t, 1, exit.ExitCode())
				assert.Contains(t, out, tt.want)
				for _, p := range ports {
					assert.False(t, listening(p), "nothing may be started: port %d listens", p)
				}
			})
		}
	})
}

// startRun is a running cmd/start.
type startRun struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  strings.Builder
	done chan error
}

func (r *startRun) output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.String()
}

// startCmd is cmd/start with devhost (never func, whatever the PATH
// holds) on the given ports, run from the repository root like make, on
// the fixture as the harness staged it.
func startCmd(t *testing.T, mcpPort, blob, queue, table int, azuriteDir string) *exec.Cmd {
	t.Helper()
	root, err := testenv.RepoRoot()
	require.NoError(t, err)
	cmd := exec.Command(testenv.Command(t, "./mcpfunc/cmd/start"), "-no-build")
	cmd.Dir = root
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch strings.ToUpper(name) {
		case "AZUREWEBJOBSSTORAGE", "MCP_EXTENSION_KEY", "MCP_HOSTING":
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
	return cmd
}

// startCommand starts cmd/start in a process group of its own, as a shell
// runs a foreground command, and waits for its connection hints, which it
// prints once the host answers.
func startCommand(t *testing.T, mcpPort, blob, queue, table int, azuriteDir string) *startRun {
	t.Helper()
	return startWith(t, startCmd(t, mcpPort, blob, queue, table, azuriteDir))
}

// startWith is startCommand for a command already set up.
func startWith(t *testing.T, cmd *exec.Cmd) *startRun {
	t.Helper()
	pipe, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = cmd.Stdout
	require.NoError(t, proc.Start(cmd))
	r := &startRun{cmd: cmd, done: make(chan error, 1)}
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
		// A failed test may leave it running: stop its group.
		if cmd.ProcessState == nil {
			_ = proc.Kill(cmd.Process)
		}
		if t.Failed() {
			t.Logf("cmd/start output:\n%s", r.output())
		}
	})
	select {
	case <-ready:
	case err := <-r.done:
		r.done <- err
		t.Fatalf("cmd/start exited before it served (%v):\n%s", err, r.output())
	case <-time.After(2 * time.Minute):
		t.Fatalf("cmd/start did not serve within 2 minutes:\n%s", r.output())
	}
	return r
}

// waitClean waits for the command to exit after a stop and checks that
// the exit is clean (status 0).
func (r *startRun) waitClean(t *testing.T) {
	t.Helper()
	select {
	case err := <-r.done:
		require.NoError(t, err, "a stop is a clean exit; output:\n%s", r.output())
	case <-time.After(time.Minute):
		t.Fatalf("cmd/start did not stop within a minute:\n%s", r.output())
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
// command needs fixed ports, unlike the harness, which lets Azurite and
// devhost pick their own).
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	ports, err := freeport.GetN(n)
	require.NoError(t, err)
	return ports
}
