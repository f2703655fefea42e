package testenv

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/nodetool"
)

type npmManifest struct {
	DevDependencies      map[string]string `json:"devDependencies"`
	OptionalDependencies map[string]string `json:"optionalDependencies"`
	Version              string            `json:"version"`
}

func readManifest(t *testing.T, path string) npmManifest {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var m npmManifest
	require.NoError(t, json.Unmarshal(b, &m), path)
	return m
}

// node22Packages and the test tools' package.json's optionalDependencies
// (nodetool.TestTools) name the same
// packages, all at one exact Node 22 version; and each package's os and cpu,
// as npm recorded them from the registry in package-lock.json, are the
// platform node22Packages picks it for.
func TestNode22Packages(t *testing.T) {
	root, err := RepoRoot()
	require.NoError(t, err)
	m := readManifest(t, filepath.Join(root, filepath.FromSlash(nodetool.TestTools), "package.json"))

	var want []string
	for _, pkg := range node22Packages {
		want = append(want, pkg)
	}
	slices.Sort(want)
	var got []string
	versions := map[string]bool{}
	for pkg, v := range m.OptionalDependencies {
		got = append(got, pkg)
		versions[v] = true
		assert.Regexp(t, `^22\.\d+\.\d+$`, v, "%s: an exact Node 22 version", pkg)
	}
	slices.Sort(got)
	assert.Equal(t, want, got)
	assert.Len(t, versions, 1, "one Node version on every platform: %v", m.OptionalDependencies)

	b, err := os.ReadFile(filepath.Join(root, "package-lock.json"))
	require.NoError(t, err)
	var lock struct {
		Packages map[string]struct {
			Version  string    `json:"version"`
			Optional bool      `json:"optional"`
			OS       oneOrMore `json:"os"`
			CPU      oneOrMore `json:"cpu"`
		} `json:"packages"`
	}
	require.NoError(t, json.Unmarshal(b, &lock))
	npmOS := map[string]string{"darwin": "darwin", "linux": "linux", "windows": "win32"}
	npmCPU := map[string]string{"amd64": "x64", "arm64": "arm64"}
	for platform, pkg := range node22Packages {
		goos, goarch, _ := strings.Cut(platform, "/")
		e, ok := lock.Packages["node_modules/"+pkg]
		if !assert.True(t, ok, "%s is not in package-lock.json", pkg) {
			continue
		}
		assert.Equal(t, m.OptionalDependencies[pkg], e.Version, pkg)
		assert.True(t, e.Optional, "%s must be optional, or npm ci fails on other platforms", pkg)
		assert.Equal(t, oneOrMore{npmOS[goos]}, e.OS, pkg)
		assert.Equal(t, oneOrMore{npmCPU[goarch]}, e.CPU, pkg)
	}
}

// oneOrMore is a package-lock.json "os" or "cpu": a string or a list, as
// the package's own package.json has it.
type oneOrMore []string

func (o *oneOrMore) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*o = oneOrMore{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(o))
}

// The Node that node22 finds is the pinned version and has fs.globSync, for
// want of which the suite fails on Node 20.
func TestNode22(t *testing.T) {
	root, err := RepoRoot()
	require.NoError(t, err)
	m := readManifest(t, filepath.Join(root, filepath.FromSlash(nodetool.TestTools), "package.json"))
	node, err := node22()
	require.NoError(t, err)

	out, err := RunToExit(t, exec.Command(node, "--version"), ExitLimit)
	require.NoError(t, err)
	var pinned string
	for _, v := range m.OptionalDependencies {
		pinned = v
	}
	assert.Equal(t, "v"+pinned, strings.TrimSpace(out))
	_, err = RunToExit(t, exec.Command(node, "-e", `process.exit(typeof require("fs").globSync === "function" ? 0 : 1)`), ExitLimit)
	require.NoError(t, err)
}

// The conformance suite is pinned exactly, and the installed one is it.
func TestConformancePinned(t *testing.T) {
	root, err := RepoRoot()
	require.NoError(t, err)
	m := readManifest(t, filepath.Join(root, filepath.FromSlash(nodetool.TestTools), "package.json"))
	const pkg = "@modelcontextprotocol/conformance"
	assert.Equal(t, "0.2.0-alpha.12", m.DevDependencies[pkg])
	installed := readManifest(t, filepath.Join(root, "node_modules", pkg, "package.json"))
	assert.Equal(t, m.DevDependencies[pkg], installed.Version)
	_, err = packageBin(pkg, "conformance")
	require.NoError(t, err)
}

func TestPackageBinErrors(t *testing.T) {
	_, err := packageBin("no-such-package-here", "x")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "run `npm ci`")
	_, err = packageBin("@modelcontextprotocol/conformance", "no-such-command")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `has no bin "no-such-command"`)
}

func TestKeyHider(t *testing.T) {
	hide := newKeyHider("http://127.0.0.1:1/runtime/webhooks/mcp?x=1&code=k%2By%2Fz%3D&y=2")
	got := string(hide([]byte("url ?code=k%2By%2Fz%3D; decoded k+y/z=; other x=1")))
	assert.Equal(t, "url ?code=***; decoded ***; other x=1", got)
	same := newKeyHider("http://127.0.0.1:1/runtime/webhooks/mcp")
	assert.Equal(t, "code=", string(same([]byte("code="))))
}

func TestResultDir(t *testing.T) {
	m := resultDir.FindStringSubmatch("server-server-sse-multiple-streams-2026-12-01T22-03-24-510Z")
	require.NotNil(t, m)
	assert.Equal(t, "server-sse-multiple-streams", m[1])
	assert.Nil(t, resultDir.FindStringSubmatch("client-initialize-2026-12-01T22-03-24-510Z"))
}

// A scenario that throws leaves its folder empty (seen with 0.2.0-alpha.12
// on a 2025-06-18 server at the 2026-07-28 wire): it is reported as thrown,
// with no checks, and never passes; the other scenarios still read.
func TestReadConformanceResultsThrown(t *testing.T) {
	dir := t.TempDir()
	ok := filepath.Join(dir, "server-tools-list-2026-12-01T22-03-24-510Z")
	require.NoError(t, os.Mkdir(ok, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(ok, "checks.json"), []byte(`[{"id":"a","status":"SUCCESS"}]`), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "server-tasks-capability-negotiation-2026-12-01T22-03-25-001Z"), 0o755))

	scenarios, threw, err := readConformanceResults(dir, func(b []byte) []byte { return b })
	require.NoError(t, err)
	assert.Equal(t, []string{"tasks-capability-negotiation"}, threw)
	run := ConformanceRun{Scenarios: scenarios, Threw: threw}
	assert.True(t, run.Passed("tools-list"))
	assert.False(t, run.Passed("tasks-capability-negotiation"))
	assert.Contains(t, run.Report(), "tasks-capability-negotiation: threw, no checks recorded")
}

// The scored server scenarios of a requirement set, as `conformance list`
// prints them (alpha.12's output, abridged by hand).
func TestParseRequired(t *testing.T) {
	out := "Required for 2026-07-28 (69 scenarios, frozen; run at the 2026-07-28 wire):\n\n" +
		"Server scenarios (test against a server):\n  - server-stateless\n  - completion-complete\n\n" +
		"Client scenarios (test against a client):\n  - tools_call\n"
	names, err := parseRequired(out)
	require.NoError(t, err)
	assert.Equal(t, []string{"server-stateless", "completion-complete"}, names)
	_, err = parseRequired("Client scenarios (test against a client):\n  - tools_call\n")
	assert.Error(t, err)
	_, err = parseRequired("Server scenarios (x):\n  - a b\n")
	assert.Error(t, err)
}

// The pinned suite lists the requirement sets the e2e tests run.
func TestConformanceRequired(t *testing.T) {
	for _, rev := range []string{"2025-11-25", "2026-07-28"} {
		names := ConformanceRequired(t, rev)
		assert.Contains(t, names, "tools-list", rev)
		assert.Contains(t, names, "completion-complete", rev)
	}
	assert.Contains(t, ConformanceRequired(t, "2026-07-28"), "server-stateless")
	assert.Contains(t, ConformanceRequired(t, "2025-11-25"), "server-initialize")
}
