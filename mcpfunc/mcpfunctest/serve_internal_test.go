package mcpfunctest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/hosting"
	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// Without the module's node_modules, Serve says to run npm ci.
func TestServeNeedsNodeTools(t *testing.T) {
	err := nodeTools(t.TempDir())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "npm ci")
}

// Serve refuses function app files that differ from the declarations:
// the test would run stale functions.
func TestServeRefusesStaleFiles(t *testing.T) {
	staged := testenv.Stage(t, testenv.Fixture, hosting.Triggers)
	root, err := testenv.RepoRoot()
	require.NoError(t, err)
	fixture := filepath.Join(root, testenv.Fixture.Dir)
	require.NoError(t, checkGenerated(t, staged, fixture, nil), "the fixture's files are generated")

	stale := t.TempDir()
	require.NoError(t, os.CopyFS(stale, os.DirFS(fixture)))
	require.NoError(t, os.RemoveAll(filepath.Join(stale, "functions", "echo")))
	err = checkGenerated(t, staged, stale, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "run make generate")
	assert.Contains(t, err.Error(), "echo")
}
