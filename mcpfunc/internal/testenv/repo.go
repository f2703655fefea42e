package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"

	"remote-mcp-functions-go/mcpfunc/internal/nodetool"
)

var repoRoot = sync.OnceValues(func() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above %s: run the tests inside the module", dir)
		}
		dir = parent
	}
})

// RepoRoot returns the root folder of the module under test: the nearest
// go.mod above the working directory (go test runs in the package's
// folder). It holds the function app's sources and node_modules, whatever
// the module's name.
func RepoRoot() (string, error) { return repoRoot() }

// libraryPath is the library's import path (package mcpfunc's), read from
// this package's own, so that it follows the module's name.
var libraryPath = strings.TrimSuffix(reflect.TypeFor[Source]().PkgPath(), "/internal/testenv")

// nodeTool returns the command running a pinned Node tool (package
// nodetool), or an error telling how to install it.
func nodeTool(pkg, bin string, args ...string) (*exec.Cmd, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	return nodetool.Command(root, pkg, bin, args...)
}
