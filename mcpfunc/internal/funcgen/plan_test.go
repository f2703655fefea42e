package funcgen_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/funcgen"
)

// appHost is a host.json as a developer keeps it: the generated block
// among members of their own, in their own layout.
const appHost = `{
  "version": "2.0",
  "logging": { "logLevel": { "default": "Warning" } },
  "extensionBundle": {
    "id": "Microsoft.Azure.Functions.ExtensionBundle",
    "version": "[4.35.0, 5.0.0)"
  },
  "customHandler": {
    "description": { "defaultExecutablePath": "handler" }
  },
  "extensions": {
    "mcp": {
      "serverName": "Notes server",
      "serverVersion": "2.1.0",
      "system": { "webhookAuthorizationLevel": "System" }
    }
  },
  "functionTimeout": "00:05:00"
}
`

var server = decl.ServerInfo{Name: "Notes server", Version: "2.1.0"}

// generated is a root that generation has just brought up to date for
// fns: a hand-written host.json, and a hand-written function folder it
// must never touch.
func generated(t *testing.T, fns decl.Functions) string {
	t.Helper()
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "host.json"), []byte(appHost), 0o644))
	writeHandWritten(t, root)
	apply(t, root, fns, server)
	return root
}

const handWritten = `{"bindings":[{"type":"timerTrigger","direction":"in","name":"timer","schedule":"0 */5 * * * *"}]}`

func writeHandWritten(t *testing.T, root string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "functions", "cleanup"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "functions", "cleanup", "function.json"), []byte(handWritten), 0o644))
}

func plan(t *testing.T, root string, fns decl.Functions, info decl.ServerInfo) *funcgen.Plan {
	t.Helper()
	p, err := funcgen.NewPlan(root, fns, info)
	require.NoError(t, err)
	return p
}

func apply(t *testing.T, root string, fns decl.Functions, info decl.ServerInfo) []string {
	t.Helper()
	done, err := plan(t, root, fns, info).Apply(root)
	require.NoError(t, err)
	assert.Empty(t, plan(t, root, fns, info).Drift(), "nothing left to do after generating")
	return done
}

func readFile(t *testing.T, root, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	require.NoError(t, err)
	return string(b)
}

func twoTools() decl.Functions {
	return decl.Functions{Tools: []*decl.Tool{tool[flatInput, string]("alpha"), tool[flatInput, string]("beta")}}
}

func TestGenerateFromNothing(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "host.json"), []byte(appHost), 0o644))
	info := decl.ServerInfo{Name: "Renamed", Version: "2.1.0", Instructions: "Read first."}
	p := plan(t, root, twoTools(), info)
	assert.Equal(t, []string{
		"functions/alpha/function.json is missing: run make generate",
		"functions/beta/function.json is missing: run make generate",
		"functions/.generated is missing: run make generate",
		`host.json says extensions.mcp.serverName is "Notes server", the App's Name is "Renamed"; extensions.mcp.instructions is missing, the App's Instructions is "Read first.": run make generate`,
	}, p.Drift())
	done, err := p.Apply(root)
	require.NoError(t, err)
	assert.Equal(t, []string{"wrote functions/alpha/function.json", "wrote functions/beta/function.json", "wrote host.json", "wrote functions/.generated"}, done)
	assert.Empty(t, plan(t, root, twoTools(), info).Changes)

	// The manifest names the folders, and only they.
	var listed []string
	for _, l := range strings.Split(readFile(t, root, "functions/.generated"), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			listed = append(listed, l)
		}
	}
	assert.Equal(t, []string{"alpha", "beta"}, listed)

	// host.json: the block, and every other byte as it was.
	want := strings.Replace(appHost, `      "serverName": "Notes server",
      "serverVersion": "2.1.0",
`, `      "serverName": "Renamed",
      "serverVersion": "2.1.0",
      "instructions": "Read first.",
`, 1)
	assert.Equal(t, want, readFile(t, root, "host.json"))

	// What was generated is an app the host can load; the manifest is not
	// a function.
	app, err := funcapp.LoadDirs(root, filepath.Join(root, "functions"))
	require.NoError(t, err)
	assert.Len(t, app.Functions, 2)
}

func TestDriftAChangedFile(t *testing.T) {
	root := generated(t, twoTools())
	path := filepath.Join(root, "functions", "alpha", "function.json")
	good := readFile(t, root, "functions/alpha/function.json")
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(good, "The alpha tool.", "Edited by hand.", 1)), 0o644))
	assert.Equal(t, []string{
		`functions/alpha/function.json differs from its Go declaration (line 8 is "\"description\": \"Edited by hand.\",", the declaration gives "\"description\": \"The alpha tool.\","): run make generate`,
	}, plan(t, root, twoTools(), server).Drift())
	assert.Equal(t, []string{"wrote functions/alpha/function.json"}, apply(t, root, twoTools(), server))
	assert.Equal(t, good, readFile(t, root, "functions/alpha/function.json"))
}

func TestDriftAMissingFile(t *testing.T) {
	root := generated(t, twoTools())
	require.NoError(t, os.RemoveAll(filepath.Join(root, "functions", "beta")))
	assert.Equal(t, []string{"functions/beta/function.json is missing: run make generate"}, plan(t, root, twoTools(), server).Drift())
	apply(t, root, twoTools(), server)
	assert.FileExists(t, filepath.Join(root, "functions", "beta", "function.json"))
}

// A function no longer declared: the folder generation wrote for it goes;
// the hand-written one stays, byte for byte, and is not drift.
func TestStaleFolderRemovedHandWrittenKept(t *testing.T) {
	root := generated(t, twoTools())
	alphaOnly := decl.Functions{Tools: twoTools().Tools[:1]}
	p := plan(t, root, alphaOnly, server)
	assert.Equal(t, []string{
		"functions/beta/ was generated for a function the app no longer declares, and goes: run make generate",
		"functions/.generated does not list exactly the folders make generate writes: run make generate",
	}, p.Drift())
	assert.Equal(t, []string{"functions/cleanup/ holds a function.json that the app does not declare and make generate did not write (functions/.generated does not list it): left as it is"}, p.Notes)

	assert.Equal(t, []string{"removed functions/beta/", "wrote functions/.generated"}, apply(t, root, alphaOnly, server))
	assert.NoDirExists(t, filepath.Join(root, "functions", "beta"))
	assert.FileExists(t, filepath.Join(root, "functions", "alpha", "function.json"))
	assert.Equal(t, handWritten, readFile(t, root, "functions/cleanup/function.json"))
	assert.NotContains(t, readFile(t, root, "functions/.generated"), "beta")

	// Declared again, it comes back.
	assert.Contains(t, apply(t, root, twoTools(), server), "wrote functions/beta/function.json")
}

// A generated folder that someone put a file of their own in keeps that
// file: only the function.json goes.
func TestStaleFolderKeepsOtherFiles(t *testing.T) {
	root := generated(t, twoTools())
	notes := filepath.Join(root, "functions", "beta", "NOTES.md")
	require.NoError(t, os.WriteFile(notes, []byte("mine"), 0o644))
	p := plan(t, root, decl.Functions{Tools: twoTools().Tools[:1]}, server)
	_, err := p.Apply(root)
	require.NoError(t, err)
	assert.NoFileExists(t, filepath.Join(root, "functions", "beta", "function.json"))
	assert.FileExists(t, notes)
	assert.Contains(t, p.Notes, "functions/beta/: removed its function.json; the folder stays, as it holds other files")
}

func TestDriftTheHostBlock(t *testing.T) {
	root := generated(t, twoTools())
	edited := strings.Replace(appHost, `"serverVersion": "2.1.0"`, `"serverVersion": "9"`, 1)
	require.NoError(t, os.WriteFile(filepath.Join(root, "host.json"), []byte(edited), 0o644))
	assert.Equal(t, []string{`host.json says extensions.mcp.serverVersion is "9", the App's Version is "2.1.0": run make generate`},
		plan(t, root, twoTools(), server).Drift())
	apply(t, root, twoTools(), server)
	assert.Equal(t, appHost, readFile(t, root, "host.json"))

	// Without the block at all.
	require.NoError(t, os.WriteFile(filepath.Join(root, "host.json"), []byte(`{"version": "2.0"}`), 0o644))
	assert.Equal(t, []string{"host.json has no extensions.mcp block (the server's name, version and instructions the App gives): run make generate"},
		plan(t, root, twoTools(), server).Drift())
}

// The manifest names folders, never paths: a line that could reach
// outside functions/ stops generation before anything is removed.
func TestManifestNamesOnlyFolders(t *testing.T) {
	root := generated(t, twoTools())
	outside := filepath.Join(root, "keep", "function.json")
	require.NoError(t, os.MkdirAll(filepath.Dir(outside), 0o755))
	require.NoError(t, os.WriteFile(outside, []byte(handWritten), 0o644))
	for _, line := range []string{"../keep", "..", `a\b`, "c:"} {
		require.NoError(t, os.WriteFile(filepath.Join(root, "functions", ".generated"), []byte("alpha\n"+line+"\n"), 0o644))
		_, err := funcgen.NewPlan(root, decl.Functions{}, server)
		assert.ErrorContains(t, err, "functions/.generated line 2: ", line)
	}
	assert.FileExists(t, outside)
}

func TestNoHostJSON(t *testing.T) {
	_, err := funcgen.NewPlan(t.TempDir(), twoTools(), server)
	assert.ErrorContains(t, err, "host.json")
}
