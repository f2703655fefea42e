package testenv

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"

	"remote-mcp-functions-go/mcpfunc/internal/nodetool"
)

// modulePath names this repository's go.mod, so RepoRoot never stops at
// another module's.
const modulePath = "remote-mcp-functions-go"

var repoRoot = sync.OnceValues(func() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && moduleOf(b) == modulePath {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod of module %s above the working directory", modulePath)
		}
		dir = parent
	}
})

func moduleOf(gomod []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`)
		}
	}
	return ""
}

// RepoRoot returns the repository's root folder, found from the working
// directory (go test runs in the package's folder).
func RepoRoot() (string, error) { return repoRoot() }

// nodeTool returns the command running a pinned Node tool (package
// nodetool), or an error telling how to install it.
func nodeTool(pkg, bin string, args ...string) (*exec.Cmd, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	return nodetool.Command(root, pkg, bin, args...)
}
