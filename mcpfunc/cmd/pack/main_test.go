package main

import (
	"archive/zip"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/apppkg"
	"remote-mcp-functions-go/mcpfunc/internal/hosting"
)

// repo is the module root, three folders up.
var repo = func() string {
	p, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		panic(err)
	}
	return p
}()

// tempApp is a function app of its own outside the repository, as a user
// of the library has one: a module whose handler serves the given tools
// with package mcpfunc (from this repository), the fixture's host.json and
// local.settings.json, and no functions/ yet.
func tempApp(t *testing.T, tools ...string) string {
	t.Helper()
	root := t.TempDir()
	// The repository's requirements, so that the build needs nothing else.
	mod, err := os.ReadFile(filepath.Join(repo, "go.mod"))
	require.NoError(t, err)
	gomod := regexp.MustCompile(`(?m)^module .*$`).ReplaceAllString(string(mod), "module example.com/app")
	gomod += "\nrequire remote-mcp-functions-go v0.0.0\n\nreplace remote-mcp-functions-go => " + filepath.ToSlash(repo) + "\n"
	files := map[string]string{"go.mod": gomod}
	for _, name := range []string{"go.sum"} {
		b, err := os.ReadFile(filepath.Join(repo, name))
		require.NoError(t, err)
		files[name] = string(b)
	}
	for _, name := range []string{"host.json", "local.settings.json"} {
		b, err := os.ReadFile(filepath.Join(repo, "mcpfunc", "internal", "fixture", name))
		require.NoError(t, err)
		files[name] = string(b)
	}
	for name, text := range files {
		require.NoError(t, os.WriteFile(filepath.Join(root, name), []byte(text), 0o644))
	}
	setTools(t, root, tools...)
	return root
}

// setTools writes the app's handler with the given tools, as a developer
// edits their code, and generates nothing.
func setTools(t *testing.T, root string, tools ...string) {
	t.Helper()
	var list []string
	for _, name := range tools {
		list = append(list, "tool("+`"`+name+`"`+")")
	}
	src := `package main

import (
	"context"

	"remote-mcp-functions-go/mcpfunc"
)

func main() { mcpfunc.Start(newApp) }

func newApp() (*mcpfunc.App, error) {
	return &mcpfunc.App{Name: "pack test", Version: "1.0.0", Tools: []*mcpfunc.Tool{` + strings.Join(list, ", ") + `}}, nil
}

func tool(name string) *mcpfunc.Tool {
	return &mcpfunc.Tool{Name: name, Description: "The " + name + " tool.",
		Handler: mcpfunc.Typed(func(context.Context, *mcpfunc.Call, struct{}) (string, error) { return name, nil })}
}
`
	require.NoError(t, os.MkdirAll(filepath.Join(root, "handler"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "handler", "main.go"), []byte(src), 0o644))
}

func zipEntries(t *testing.T, path string) map[string]string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	require.NoError(t, err)
	defer zr.Close()
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		rc.Close()
		require.NoError(t, err)
		out[f.Name] = string(b)
	}
	return out
}

func names(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// A tool added to the code and never generated is in the package, and in
// the local staging: the packer generates first. The repository's files are
// brought up to date as make generate would.
func TestPackGeneratesFirst(t *testing.T) {
	root := tempApp(t, "hello")
	gen := exec.Command("go", "run", "./handler", "-generate")
	gen.Dir = root
	b, err := gen.CombinedOutput()
	require.NoError(t, err, "%s", b)
	require.FileExists(t, filepath.Join(root, "functions", "hello", "function.json"))

	// A tool added, and make generate forgotten.
	setTools(t, root, "hello", "added")
	dir, out := filepath.Join(t.TempDir(), "package"), filepath.Join(t.TempDir(), "app.zip")
	require.NoError(t, run(context.Background(), hosting.Triggers, true, false, root, "./handler", dir, out))
	entries := zipEntries(t, out)
	assert.Equal(t, []string{"added/", "added/function.json", "handler", "hello/", "hello/function.json", "host.json"}, names(entries))
	assert.Contains(t, entries["added/function.json"], `"toolName": "added"`)
	assert.Contains(t, entries["host.json"], `"serverName": "pack test"`, "the App's server block")
	assert.FileExists(t, filepath.Join(root, "functions", "added", "function.json"))

	// Removed from the code: gone from the package, and from functions/.
	setTools(t, root, "added")
	local := filepath.Join(t.TempDir(), "app")
	require.NoError(t, run(context.Background(), hosting.Triggers, false, true, root, "./handler", local, out))
	assert.DirExists(t, filepath.Join(local, "added"))
	assert.NoDirExists(t, filepath.Join(local, "hello"))
	assert.NoDirExists(t, filepath.Join(root, "functions", "hello"))
}

// The packer stages and packs the hosting it is given (main reads it from
// MCP_HOSTING, as azd's hook passes it), and refuses to pack a staging of
// the other hosting.
func TestPackEachHosting(t *testing.T) {
	root := tempApp(t, "hello", "other")
	for _, mode := range []hosting.Mode{hosting.Triggers, hosting.Self} {
		t.Run(string(mode), func(t *testing.T) {
			dir, out := filepath.Join(t.TempDir(), "package"), filepath.Join(t.TempDir(), "app.zip")
			require.NoError(t, run(context.Background(), mode, true, false, root, "./handler", dir, out))
			got := names(zipEntries(t, out))
			hasFunctions := strings.Contains(strings.Join(got, " "), "/function.json")
			assert.Equal(t, mode == hosting.Triggers, hasFunctions, "entries %v: function folders exactly in the trigger hosting", got)
			staged, err := apppkg.HostingOf(dir)
			require.NoError(t, err)
			assert.Equal(t, mode, staged)

			other := hosting.Self
			if mode == hosting.Self {
				other = hosting.Triggers
			}
			again := filepath.Join(t.TempDir(), "again.zip")
			err = run(context.Background(), other, false, false, root, "./handler", dir, again)
			require.ErrorContains(t, err, "is staged for hosting "+string(mode))
			assert.NoFileExists(t, again, "nothing is written when the hostings disagree")
		})
	}
}
