package mcpfunc_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc"
	"remote-mcp-functions-go/mcpfunc/internal/fixture"
)

// fixtureCopy is a copy of the fixture's function app (host.json,
// functions/) in a folder of its own.
func fixtureCopy(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	src := filepath.Join("internal", "fixture")
	require.NoError(t, os.CopyFS(filepath.Join(root, "functions"), os.DirFS(filepath.Join(src, "functions"))))
	b, err := os.ReadFile(filepath.Join(src, "host.json"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(root, "host.json"), b, 0o644))
	return root
}

// drifted breaks a copy of the fixture's app in every way generation
// knows: a changed function.json, a missing one, a folder generated for a
// function no longer declared, the server block; and adds a folder of the
// developer's own, which is none of generation's business.
func drifted(t *testing.T) (root string, hostJSON string) {
	t.Helper()
	root = fixtureCopy(t)
	write := func(rel, text string) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		require.NoError(t, err)
		return string(b)
	}
	hostJSON = read("host.json")
	write("functions/echo/function.json", strings.Replace(read("functions/echo/function.json"), `"toolName": "echo"`, `"toolName": "echo2"`, 1))
	require.NoError(t, os.RemoveAll(filepath.Join(root, "functions", "get")))
	write("functions/old/function.json", read("functions/hello/function.json"))
	write("functions/.generated", read("functions/.generated")+"old\n")
	write("functions/mine/function.json", `{"bindings":[{"type":"timerTrigger","direction":"in","name":"t","schedule":"0 0 * * * *"}]}`)
	write("host.json", strings.Replace(hostJSON, `"serverName": "mcpfunc fixture"`, `"serverName": "renamed by hand"`, 1))
	return root, hostJSON
}

func TestGenerateAndDrift(t *testing.T) {
	app, err := fixture.New()
	require.NoError(t, err)

	root := fixtureCopy(t)
	drift, err := mcpfunc.Drift(app, root)
	require.NoError(t, err)
	assert.Empty(t, drift, "the fixture's committed files are generated: go run ./mcpfunc/internal/fixture/handler -generate -root mcpfunc/internal/fixture")

	root, hostJSON := drifted(t)
	drift, err = mcpfunc.Drift(app, root)
	require.NoError(t, err)
	assert.Equal(t, []string{
		`functions/echo/function.json differs from its Go declaration (line 7 is "\"toolName\": \"echo2\",", the declaration gives "\"toolName\": \"echo\","): run make generate`,
		"functions/get/function.json is missing: run make generate",
		"functions/old/ was generated for a function the app no longer declares, and goes: run make generate",
		"functions/.generated does not list exactly the folders make generate writes: run make generate",
		`host.json says extensions.mcp.serverName is "renamed by hand", the App's Name is "mcpfunc fixture": run make generate`,
	}, drift)

	changed, err := mcpfunc.Generate(app, root)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"wrote functions/echo/function.json", "wrote functions/get/function.json", "wrote host.json", "removed functions/old/", "wrote functions/.generated"}, changed)
	drift, err = mcpfunc.Drift(app, root)
	require.NoError(t, err)
	assert.Empty(t, drift)
	assert.NoDirExists(t, filepath.Join(root, "functions", "old"))
	assert.FileExists(t, filepath.Join(root, "functions", "mine", "function.json"), "a folder generation did not write stays")
	b, err := os.ReadFile(filepath.Join(root, "host.json"))
	require.NoError(t, err)
	assert.Equal(t, hostJSON, string(b))
}

// The handler's -check exits non-zero on drift, naming every problem;
// -generate fixes it; -check then passes.
func TestCheckFlag(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "handler")
	build := exec.Command("go", "build", "-o", bin, "./internal/fixture/handler")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	root, _ := drifted(t)

	run := func(args ...string) (string, string, int) {
		cmd := exec.Command(bin, append(args, "-root", root)...)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		cmd.WaitDelay = 10 * time.Second
		err := cmd.Run()
		code := 0
		if exit, ok := err.(*exec.ExitError); ok {
			code = exit.ExitCode()
		} else {
			require.NoError(t, err)
		}
		return stdout.String(), stderr.String(), code
	}
	stdout, stderr, code := run("-check")
	assert.Equal(t, 1, code)
	assert.Equal(t, 5, strings.Count(stdout, ": run make generate\n"), stdout)
	assert.Contains(t, stdout, "note: functions/mine/ holds a function.json that the app does not declare")
	assert.Equal(t, "handler: the generated files differ from the declarations: run make generate\n", stderr)

	stdout, _, code = run("-generate")
	assert.Equal(t, 0, code, stdout)
	assert.Contains(t, stdout, "removed functions/old/\n")
	stdout, _, code = run("-check")
	assert.Equal(t, 0, code, stdout)
	stdout, _, code = run("-generate")
	assert.Equal(t, 0, code)
	assert.Contains(t, stdout, "generated files are up to date")
}
