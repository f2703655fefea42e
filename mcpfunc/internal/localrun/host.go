package localrun

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"remote-mcp-functions-go/mcpfunc/internal/devhost"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/hosting"
	"remote-mcp-functions-go/mcpfunc/internal/proc"
	"remote-mcp-functions-go/mcpfunc/internal/selfhost"
)

// hostRun is the running host: func start, devhost, or the self-hosted
// handler on its own.
type hostRun struct {
	name string // "func start", "devhost" or "the handler"
	// checksKey: the process requires MCP_EXTENSION_KEY (devhost, or the
	// handler run directly) when it is set; func start checks none.
	checksKey bool
	child     *proc.Child
}

// host starts func start in the staged app when func is on PATH (and
// USE_DEVHOST is not 1), else devhost, or in the self hosting the handler
// itself, which needs no stand-in.
func (r *runner) host(ctx context.Context, env []string) (*hostRun, error) {
	o := r.o
	port := strconv.Itoa(o.MCPPort)
	if fn, err := o.lookPath("func"); err == nil && !o.UseDevhost {
		r.say("func (Azure Functions Core Tools) found on PATH: running func start in %s", o.AppDir)
		if o.Hosting == hosting.Self {
			r.say("hosting self: the host forwards every request to the handler's own MCP server (profile %s; Core Tools 4.5.0 or later)", hosting.Profile)
		}
		if o.KeyMode {
			r.say("func start needs no key locally: MCP_EXTENSION_KEY applies only without func (USE_DEVHOST=1)")
		}
		cmd := exec.Command(fn, "start", "--port", port)
		cmd.Dir = o.AppDir
		return r.startHost(ctx, "func start", false, cmd, env)
	}
	why := "func (Azure Functions Core Tools) not found on PATH"
	if o.UseDevhost {
		why = "USE_DEVHOST=1"
	}
	if o.Hosting == hosting.Self {
		return r.handler(ctx, why, env)
	}
	r.say("%s: running devhost, the local stand-in for the Functions host", why)
	bin := o.Devhost
	if bin == "" {
		bin = filepath.Join(o.Root, "build", "devhost")
		if runtime.GOOS == "windows" {
			bin += ".exe"
		}
		r.say("building devhost (go build ./mcpfunc/cmd/devhost)")
		// Built as the handler is (static, -trimpath: package apppkg), so
		// that the packages they share compile once.
		build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin, "./mcpfunc/cmd/devhost")
		build.Dir = o.Root
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		build.Stdout, build.Stderr = o.Stderr, o.Stderr
		if err := build.Run(); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("go build ./mcpfunc/cmd/devhost: %w", err)
		}
	}
	if o.KeyMode {
		r.say("key mode: MCP requests need MCP_EXTENSION_KEY in x-functions-key or ?code=")
	}
	cmd := exec.Command(bin, "-app", o.AppDir, "-addr", "127.0.0.1:"+port)
	return r.startHost(ctx, "devhost", true, cmd, env)
}

// handler runs the staged self-hosted handler as the MCP server itself,
// facing clients on the MCP port (-listen), with the app settings func
// start would give it: local.settings.json's Values under the environment.
func (r *runner) handler(ctx context.Context, why string, env []string) (*hostRun, error) {
	o := r.o
	r.say("%s: hosting self, so the handler serves MCP itself; no Functions host is needed", why)
	// Absolute: exec resolves a relative program path against cmd.Dir,
	// which is the app folder itself.
	dir, err := filepath.Abs(o.AppDir)
	if err != nil {
		return nil, err
	}
	app, err := funcapp.Load(dir)
	if err != nil {
		return nil, err
	}
	settings := devhost.NewSettings(app, env, "").Environ()
	if o.KeyMode {
		// devhost's settings keep its key from the handler; here the
		// handler is the one that checks it.
		for _, kv := range env {
			if k, _, _ := strings.Cut(kv, "="); strings.EqualFold(k, selfhost.KeySetting) {
				settings = append(settings, kv)
			}
		}
		r.say("key mode: MCP requests need MCP_EXTENSION_KEY in x-functions-key or ?code=")
	}
	cmd := exec.Command(filepath.Join(dir, app.Host.Executable()), "-listen", "127.0.0.1:"+strconv.Itoa(o.MCPPort))
	cmd.Dir = dir
	return r.startHost(ctx, "the handler", true, cmd, settings)
}

func (r *runner) startHost(ctx context.Context, name string, checksKey bool, cmd *exec.Cmd, env []string) (*hostRun, error) {
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
	return &hostRun{name: name, checksKey: checksKey, child: c}, nil
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
			fmt.Fprint(r.out, hints(r.o.MCPPort, r.o.Hosting, r.o.KeyMode && h.checksKey, runtime.GOOS))
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
func hints(port int, mode hosting.Mode, key bool, goos string) string {
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	url, server := base+"/runtime/webhooks/mcp", "local-mcp-function"
	if mode == hosting.Self {
		url, server = base+selfhost.Path, "local-mcp-self"
	}
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
	}
	if mode == hosting.Self {
		lines = append(lines, "  hosting self: stateless Streamable HTTP only (no legacy SSE)")
	} else {
		lines = append(lines, "  legacy SSE endpoint:            "+url+"/sse")
	}
	// .vscode/mcp.json's local servers are on port 7071 and send no key.
	vscode := `  VS Code: .vscode/mcp.json, server "` + server + `"`
	switch {
	case port != 7071 && key:
		vscode = `  VS Code: in .vscode/mcp.json, make server "` + server + `"'s url ` + url + ` and add "headers": {"x-functions-key": "<the key>"}`
	case port != 7071:
		vscode = `  VS Code: in .vscode/mcp.json, make server "` + server + `"'s url ` + url
	case key:
		vscode = `  VS Code: in .vscode/mcp.json, add "headers": {"x-functions-key": "<the key>"} to server "` + server + `"`
	}
	lines = append(lines,
		vscode,
		"  MCP Inspector (list the tools):",
		"    npx mcp-inspector --cli "+url+" --transport http"+auth+" --method tools/list",
		"  call one:",
		"    npx mcp-inspector --cli "+url+" --transport http"+auth+" --method tools/call --tool-name hello",
		"",
		"  Ctrl+C stops it.",
		"",
		"",
	)
	return strings.Join(lines, "\n")
}

func (h *hostRun) err() error { return h.child.Err() }
