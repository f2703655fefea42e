package catalog_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/internal/blobstore"
	"remote-mcp-functions-go/internal/catalog"
	"remote-mcp-functions-go/internal/funcapp"
	"remote-mcp-functions-go/internal/funcgen"
)

// TestGenerated: the committed functions/*/function.json files are exactly
// what the Go declarations produce, with a folder for each tool and no
// other; failures name the file and say to run make generate.
func TestGenerated(t *testing.T) {
	probs, err := funcgen.Drift("../..", catalog.Functions(catalog.Config{}))
	require.NoError(t, err)
	assert.Empty(t, probs, "the function folders have drifted from the declarations:\n%s", strings.Join(probs, "\n"))
}

// TestFunctionApp: the repository's function app, as the host reads it,
// passes every function-app check (bindings, paths, schemas, the bundle
// the features need), and its tools are the catalog's.
func TestFunctionApp(t *testing.T) {
	app, err := funcapp.LoadDirs("../..", "../../functions")
	require.NoError(t, err, "host.json, local.settings.json and functions/*/function.json")
	fns := catalog.Functions(catalog.Config{})
	var folders []string
	for _, f := range app.Functions {
		folders = append(folders, f.Name)
	}
	assert.ElementsMatch(t, fns.Names(), folders)
	for _, tool := range fns.Tools {
		f := app.Function(tool.Name)
		require.NotNil(t, f, tool.Name)
		assert.Equal(t, tool.Name, f.ToolTrigger().ToolName)
	}
}

// TestDriftIsCaught changes a committed file, removes one and adds a
// stray folder in a copy of the repository: each is named, with the hint.
func TestDriftIsCaught(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.CopyFS(filepath.Join(root, "functions"), os.DirFS("../../functions")))
	tools := catalog.Functions(catalog.Config{})
	probs, err := funcgen.Drift(root, tools)
	require.NoError(t, err)
	require.Empty(t, probs, "an exact copy does not drift")

	get := filepath.Join(root, "functions", "getsnippet", "function.json")
	b, err := os.ReadFile(get)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(get, []byte(strings.Replace(string(b), "Retrieve a snippet by name.", "Fetch a snippet.", 1)), 0o644))
	require.NoError(t, os.Remove(filepath.Join(root, "functions", "hello", "function.json")))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "functions", "oldtool"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "functions", "oldtool", "function.json"), []byte("{}"), 0o644))

	probs, err = funcgen.Drift(root, tools)
	require.NoError(t, err)
	assert.Equal(t, []string{
		`functions/getsnippet/function.json differs from its Go declaration (line 8 is "\"description\": \"Fetch a snippet.\",", the declaration gives "\"description\": \"Retrieve a snippet by name.\","): run make generate`,
		"functions/hello/function.json is missing: run make generate",
		"functions/oldtool/ has a function.json but no Go declaration: declare it in internal/catalog, or delete the folder",
	}, probs)

	// make generate restores the files byte for byte, and leaves the
	// stray folder to the developer.
	changed, stale, err := funcgen.Write(root, tools)
	require.NoError(t, err)
	assert.Equal(t, []string{"functions/getsnippet/function.json", "functions/hello/function.json"}, changed)
	assert.Equal(t, []string{"functions/oldtool"}, stale)
	for _, name := range []string{"getsnippet", "hello"} {
		got, err := os.ReadFile(filepath.Join(root, "functions", name, "function.json"))
		require.NoError(t, err)
		want, err := os.ReadFile(filepath.Join("../../functions", name, "function.json"))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), name)
	}
}
func TestConfigFromEnv(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == catalog.SnippetMaxBytesSetting {
				return v
			}
			return ""
		}
	}
	none := blobstore.NewAccounts(func(string) (string, bool) { return "", false }, nil)
	c, err := catalog.ConfigFromEnv(env(""), none)
	require.NoError(t, err)
	assert.Zero(t, c.SnippetMaxBytes, "unset means the default")
	assert.Nil(t, c.Storage, "no storage setting, no storage")
	c, err = catalog.ConfigFromEnv(env("2048"), none)
	require.NoError(t, err)
	assert.Equal(t, 2048, c.SnippetMaxBytes)
	for _, bad := range []string{"0", "-1", "1MB", "x"} {
		_, err := catalog.ConfigFromEnv(env(bad), none)
		assert.ErrorContains(t, err, catalog.SnippetMaxBytesSetting, bad)
	}
}

// TestServerMatchesHostJSON: the server identity the self-hosted server
// presents is host.json's extensions.mcp, which the extension presents.
func TestServerMatchesHostJSON(t *testing.T) {
	app, err := funcapp.LoadDirs("../..", "../../functions")
	require.NoError(t, err)
	mcp := app.Host.Extensions.MCP
	assert.Equal(t, catalog.Server.Name, mcp.ServerName)
	assert.Equal(t, catalog.Server.Version, mcp.ServerVersion)
	assert.Equal(t, catalog.Server.Instructions, mcp.Instructions)
}
