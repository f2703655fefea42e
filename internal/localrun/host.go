package localrun

import (
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"remote-mcp-functions-go/internal/proc"
)

// hostRun is the running host: func start or devhost.
type hostRun struct {
	name    string // "func start" or "devhost"
	devhost bool
	child   *proc.Child
}

// host starts func start in the staged app when func is on PATH (and
// USE_DEVHOST is not 1), else devhost.
func (r *runner) host(ctx context.Context, env []string) (*hostRun, error) {
	o := r.o
	port := strconv.Itoa(o.MCPPort)
	if fn, err := o.lookPath("func"); err == nil && !o.UseDevhost {
		r.say("func (Azure Functions Core Tools) found on PATH: running func start in %s", o.AppDir)
		if o.KeyMode {
			r.say("func start needs no key locally: MCP_EXTENSION_KEY applies to devhost only (USE_DEVHOST=1)")
		}
		cmd := exec.Command(fn, "start", "--port", port)
		cmd.Dir = o.AppDir
		return r.startHost(ctx, "func start", false, cmd, env)
	}
	if o.UseDevhost {
		r.say("USE_DEVHOST=1: running devhost, the local stand-in for the Functions host")
	} else {
		r.say("func (Azure Functions Core Tools) not found on PATH: running devhost, the local stand-in for the Functions host")
	}
	bin := o.Devhost
	if bin == "" {
		bin = filepath.Join(o.Root, "build", "devhost")
		if runtime.GOOS == "windows" {
			bin += ".exe"
		}
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./devhost")
		build.Dir = o.Root
		build.Stdout, build.Stderr = o.Stderr, o.Stderr
		if err := build.Run(); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("go build ./devhost: %w", err)
		}
	}
	if o.KeyMode {
		r.say("key mode: MCP requests need MCP_EXTENSION_KEY in x-functions-key or ?code=")
	}
	cmd := exec.Command(bin, "-app", o.AppDir, "-addr", "127.0.0.1:"+port)
	return r.startHost(ctx, "devhost", true, cmd, env)
}

func (r *runner) startHost(ctx context.Context, name string, devhost bool, cmd *exec.Cmd, env []string) (*hostRun, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = r.out, r.out
	// A process group of its own: Ctrl+C reaches this process alone, which
	// stops the host (devhost stops its handler), then Azurite.
	c, err := proc.StartChild(cmd, false)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	r.track(name, c)
	return &hostRun{name: name, devhost: devhost, child: c}, nil
}

// announce prints the connection hints once the host answers on the MCP
// port (any HTTP answer: the host's readiness, as the Functions host
// probes its workers).
func (r *runner) announce(ctx context.Context, h *hostRun) {
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	url := "http://127.0.0.1:" + strconv.Itoa(r.o.MCPPort) + "/"
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			fmt.Fprint(r.out, hints(r.o.MCPPort, r.o.KeyMode && h.devhost, runtime.GOOS))
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-h.child.Done():
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// hints is what a developer pastes to connect. With a key, the command
// names the variable, not its value: the key stays off the screen.
func hints(port int, key bool, goos string) string {
	url := fmt.Sprintf("http://127.0.0.1:%d/runtime/webhooks/mcp", port)
	auth := ""
	if key {
		v := "$MCP_EXTENSION_KEY"
		if goos == "windows" {
			v = "$env:MCP_EXTENSION_KEY" // PowerShell, VS Code's default shell there
		}
		auth = ` --header "x-functions-key: ` + v + `" --stored-auth-only`
	}
	lines := []string{
		"",
		"  MCP endpoint (Streamable HTTP): " + url,
		"  legacy SSE endpoint:            " + url + "/sse",
		`  VS Code: .vscode/mcp.json, server "local-mcp-function"`,
		"  MCP Inspector (list the tools):",
		"    npx mcp-inspector --cli " + url + " --transport http" + auth + " --method tools/list",
		"  call one:",
		"    npx mcp-inspector --cli " + url + " --transport http" + auth + " --method tools/call --tool-name hello",
		"",
		"  Ctrl+C stops it.",
		"",
		"",
	}
	return strings.Join(lines, "\n")
}

func (h *hostRun) err() error { return h.child.Err() }
