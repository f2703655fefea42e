package apppkg

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// generatingTree is a repository in miniature whose handler, run with
// -generate -root R, does what the library's generation does to a new
// function: writes R/functions/added/function.json. Its functions/ holds
// only hello: the developer has not generated yet. exitCode != 0 makes
// generation fail instead, saying why.
func generatingTree(t *testing.T, exitCode int) string {
	t.Helper()
	root := t.TempDir()
	const hello = `{"bindings":[{"type":"mcpToolTrigger","direction":"in","name":"context","toolName":"hello","description":"Say hello.","toolProperties":"[]"}]}`
	files := map[string]string{
		"host.json":                     `{"version":"2.0","extensionBundle":{"id":"Microsoft.Azure.Functions.ExtensionBundle","version":"[4.35.0, 5.0.0)"},"customHandler":{"description":{"defaultExecutablePath":"handler"}}}`,
		"functions/hello/function.json": hello,
		"go.mod":                        "module example\n\ngo 1.26\n",
		"handler/main.go": `package main

import (
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	if len(os.Args) != 4 || os.Args[1] != "-generate" || os.Args[2] != "-root" {
		return
	}
	if ` + map[bool]string{true: "true", false: "false"}[exitCode != 0] + ` {
		fmt.Println("added: a description is needed")
		os.Exit(1)
	}
	dir := filepath.Join(os.Args[3], "functions", "added")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "function.json"), []byte(` + "`" + `{"bindings":[{"type":"mcpToolTrigger","direction":"in","name":"context","toolName":"added","description":"New.","toolProperties":"[]"}]}` + "`" + `), 0o644)
	fmt.Println("wrote functions/added/function.json")
}
`,
	}
	for name, text := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
	return root
}

// With Generate, a function declared but not generated yet is staged:
// generation runs before the app is read, for this machine's staging (one
// build, reused) and for the package's.
func TestStageGeneratesFirst(t *testing.T) {
	for _, plat := range []Platform{Native, Target, {"windows", "amd64"}} {
		t.Run(plat.String(), func(t *testing.T) {
			root := generatingTree(t, 0)
			dir := filepath.Join(root, "build", "app")
			var out bytes.Buffer
			st, err := Stage(context.Background(), StageOptions{Root: root, Dir: dir, Platform: plat, Output: &out, Generate: true})
			require.NoError(t, err)
			assert.FileExists(t, filepath.Join(dir, "added", "function.json"))
			assert.FileExists(t, filepath.Join(dir, "hello", "function.json"))
			assert.FileExists(t, filepath.Join(root, "functions", "added", "function.json"), "generated in the repository, as make generate does")
			assert.Contains(t, out.String(), "generate: wrote functions/added/function.json\n")
			assert.FileExists(t, filepath.Join(dir, st.Executable))
			left, err := os.ReadDir(filepath.Join(root, "build"))
			require.NoError(t, err)
			assert.Len(t, left, 1, "nothing but the staged app is left in build/")
		})
	}

	// Without it, the staging is the repository's as it is.
	root := generatingTree(t, 0)
	dir := filepath.Join(root, "build", "app")
	_, err := Stage(context.Background(), StageOptions{Root: root, Dir: dir, Platform: Native})
	require.NoError(t, err)
	assert.NoDirExists(t, filepath.Join(dir, "added"))
}

// A generation that fails stops the staging, with what it said, and
// leaves the previous staging as it was.
func TestStageStopsWhenGenerationFails(t *testing.T) {
	root := generatingTree(t, 1)
	dir := filepath.Join(root, "build", "app")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "host.json"), []byte("previous"), 0o644))
	_, err := Stage(context.Background(), StageOptions{Root: root, Dir: dir, Platform: Native, Generate: true})
	require.ErrorContains(t, err, "./handler -generate: exit status 1\nadded: a description is needed")
	b, err := os.ReadFile(filepath.Join(dir, "host.json"))
	require.NoError(t, err)
	assert.Equal(t, "previous", string(b))
}
