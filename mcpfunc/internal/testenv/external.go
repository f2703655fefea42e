package testenv

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"remote-mcp-functions-go/mcpfunc/internal/devhost"
	"remote-mcp-functions-go/mcpfunc/internal/freeport"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/hosting"
	"remote-mcp-functions-go/mcpfunc/internal/proc"
	"remote-mcp-functions-go/mcpfunc/internal/selfhost"
)

// HostSetting names the external host command: when it is set,
// [StartDevhost] and [StartSelfhost] run it in the staged app folder
// instead of devhost or the handler on its own. The CI workflow sets it
// to the real host,
//
//	MCP_TEST_HOST="func start --port {port}"
//
// {port} becomes a free port and {app} the staged folder (the command
// runs in it). The fields are split on spaces, without quoting. The
// command gets the test's storage in AzureWebJobsStorage and
// local.settings.json's Values under the test's own settings, as func
// start gives them to the handler.
//
// The suites that read devhost's or the handler's own log lines, kill the
// handler or need the host to check keys (func start checks none) are
// for devhost: the CI job selects the others with -run.
const HostSetting = "MCP_TEST_HOST"

// externalStartLimit bounds an external host's start: func start
// downloads the extension bundle the first time.
const externalStartLimit = 4 * time.Minute

// externalHost is the external host command, or "".
func externalHost() string { return strings.TrimSpace(os.Getenv(HostSetting)) }

// hostOptions say how to start an external host.
type hostOptions struct {
	command string
	mode    hosting.Mode
	app     string
	storage string
	key     string
	env     []string
}

// startExternal runs the external host command for the staged app and
// waits until its MCP endpoint answers an initialize request.
func startExternal(tb testing.TB, o hostOptions) (*process, Endpoint) {
	tb.Helper()
	args := strings.Fields(o.command)
	if len(args) == 0 {
		tb.Fatalf("%s is empty", HostSetting)
	}
	prog := strings.TrimSuffix(filepath.Base(args[0]), ".exe")
	if o.key != "" && prog == "func" {
		tb.Fatalf("%s=%q: func start checks no keys (\"Authorization isn't enforced when running locally\", Core Tools reference), so a suite in key mode cannot run against it; run it with devhost (%s unset), or select the keyless suites with -run", HostSetting, o.command, HostSetting)
	}
	dir, err := filepath.Abs(o.app)
	if err != nil {
		tb.Fatal(err)
	}
	app, err := funcapp.Load(dir)
	if err != nil {
		tb.Fatal(err)
	}
	if app.Host.SelfHosted() != (o.mode == hosting.Self) {
		tb.Fatalf("%s is not staged for the %s hosting", dir, o.mode)
	}
	port, err := freeport.Get()
	if err != nil {
		tb.Fatal(err)
	}
	for i, a := range args {
		args[i] = strings.NewReplacer("{port}", strconv.Itoa(port), "{app}", dir).Replace(a)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	// The test's own MCP_HOSTING must not win over the staged file's.
	env := append(environ(slices.Concat(unsetForDevhost, []string{hosting.Setting, HostSetting})), o.env...)
	cmd.Env = devhost.NewSettings(app, env, o.storage).Environ()
	if o.key != "" {
		// devhost checks it in front, the self-hosted handler itself.
		cmd.Env = append(cmd.Env, devhost.KeyEnv+"="+o.key)
	}
	p, err := startProcess(prog, cmd, nil)
	if err != nil {
		tb.Fatal(err)
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	ep := Endpoint{URL: base + "/runtime/webhooks/mcp", Key: o.key, Mode: o.mode, External: o.command}
	if o.mode == hosting.Self {
		ep.URL = base + selfhost.Path
	} else {
		ep.SSEURL = ep.URL + "/sse"
	}
	if err := awaitMCP(p, ep); err != nil {
		stopExternal(tb, p)
		tb.Fatalf("%s: %v; its output:\n%s", o.command, err, p.out.tail(8000))
	}
	return p, ep
}

// awaitMCP waits until ep answers an MCP initialize with 200: the host is
// up and its MCP endpoint (the extension's, or the handler's behind the
// host) serves.
func awaitMCP(p *process, ep Endpoint) error {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	const initialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"testenv","version":"1"}}}`
	deadline := time.Now().Add(externalStartLimit)
	last := "no answer"
	for time.Now().Before(deadline) {
		req, _ := http.NewRequest(http.MethodPost, ep.URL, strings.NewReader(initialize))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		if ep.Key != "" {
			req.Header.Set("x-functions-key", ep.Key)
		}
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = "answered " + resp.Status
		} else {
			last = err.Error()
		}
		select {
		case <-p.Done():
			return fmt.Errorf("exited before serving MCP at %s (%v)", ep.URL, p.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
	return fmt.Errorf("did not serve MCP at %s within %v (last: %s)", ep.URL, externalStartLimit, last)
}

// stopExternal stops an external host and whatever it started (the
// handler): asked first, killed after the grace. A host that has to be
// killed, or leaves a child running, fails the test; its exit status is
// its own business (func start's on SIGTERM is not the project's).
func stopExternal(tb testing.TB, p *process) {
	children, _ := proc.Children(p.Pid())
	if !p.Exited() && p.Stop(context.Background(), stopGrace) {
		tb.Errorf("%s did not exit within %v of the stop request and was killed", p.name, stopGrace)
	}
	for _, pid := range children {
		// A host may let its worker finish a moment after it exits itself.
		for deadline := time.Now().Add(5 * time.Second); proc.Alive(pid) && time.Now().Before(deadline); {
			time.Sleep(50 * time.Millisecond)
		}
		if proc.Alive(pid) {
			tb.Errorf("process %d, started by %s, still runs 5 s after it stopped", pid, p.name)
			_ = killPID(pid)
		}
	}
	if tb.Failed() {
		tb.Logf("%s output:\n%s", p.name, p.out.tail(16000))
	}
}
