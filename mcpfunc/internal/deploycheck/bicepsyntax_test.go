package deploycheck

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/nodetool"
)

// Versions of the parser and grammar, pinned exactly in the test tools'
// package.json (nodetool.TestTools).
var bicepParser = map[string]string{"tree-sitter": "0.22.4", "tree-sitter-bicep": "1.1.0"}

// bicepSyntax runs bicepsyntax.mjs on the files and returns its output and
// exit code. A missing Node or node_modules fails the test: this check is
// part of `make test`, which installs them first.
func bicepSyntax(t *testing.T, files ...string) (string, int) {
	t.Helper()
	node, err := exec.LookPath("node")
	require.NoError(t, err, "the Bicep syntax check needs Node.js 20 or later on PATH")
	for _, name := range sortedKeys(bicepParser) {
		_, err := os.Stat(filepath.Join(root, "node_modules", name, "package.json"))
		require.NoError(t, err, "%s is not installed: run `npm ci` (make test does)", name)
	}
	cmd := exec.Command(node, append([]string{"bicepsyntax.mjs"}, files...)...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return string(out), exit.ExitCode()
	}
	require.NoError(t, err)
	return string(out), 0
}

func TestBicepParserPinned(t *testing.T) {
	var pkg struct {
		DevDependencies map[string]string `json:"devDependencies"`
	}
	require.NoError(t, json.Unmarshal([]byte(read(t, nodetool.TestTools+"/package.json")), &pkg))
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	require.NoError(t, json.Unmarshal([]byte(read(t, "package-lock.json")), &lock))
	for name, version := range bicepParser {
		assert.Equal(t, version, pkg.DevDependencies[name], "%s/package.json pins %s exactly", nodetool.TestTools, name)
		assert.Equal(t, version, lock.Packages["node_modules/"+name].Version, "package-lock.json has %s", name)
	}
}

func TestBicepSyntax(t *testing.T) {
	var files []string
	for f := range bicepFiles(t) {
		files = append(files, filepath.Join(root, filepath.FromSlash(f)))
	}
	out, code := bicepSyntax(t, files...)
	assert.Equal(t, 0, code, out)
	assert.Empty(t, out)
}

// The check fails on a syntax error and says where.
func TestBicepSyntaxFails(t *testing.T) {
	tests := []struct {
		file string
		want []string // in the output
	}{
		{"testdata/bicep/syntax-error.bicep", []string{"syntax-error.bicep:6:"}},
		{"testdata/bicep/spread.bicep", []string{"spread.bicep:5:", "use union()"}},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			out, code := bicepSyntax(t, tt.file)
			assert.Equal(t, 1, code, out)
			for _, w := range tt.want {
				assert.Contains(t, out, w)
			}
		})
	}
}

// `extension` lines are masked, not reported.
func TestBicepSyntaxMasksExtension(t *testing.T) {
	src, err := os.ReadFile("testdata/bicep/extension.bicep")
	require.NoError(t, err)
	require.True(t, strings.Contains(string(src), "\nextension microsoftGraphV1\n"))
	out, code := bicepSyntax(t, "testdata/bicep/extension.bicep")
	assert.Equal(t, 0, code, out)
}
