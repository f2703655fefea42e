// Package nodetool installs and runs the project's pinned Node tools
// (package.json, package-lock.json), in two sets: what a local run needs
// ([Run]: Azurite and the MCP Inspector, package.json's own
// devDependencies), and what only the tests add ([All]: the MCP
// conformance suite, the Node 22 it runs on, the official TypeScript MCP
// client, tree-sitter for the Bicep syntax check, in the npm workspace
// [TestTools]). make start installs the
// first, make test both: a first local run does not wait for downloads
// only the tests use.
//
// A tool is run as `node <its script>`, the script read from the package's
// own package.json "bin", rather than through node_modules/.bin: there npm
// writes symlinks on Unix but .cmd shims on Windows, and a shim would put
// cmd.exe between the caller and the tool, whose process id then would not
// be the tool's.
package nodetool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Command returns the command running the bin entry of the installed npm
// package pkg (bin "" means the package's only or same-named one) with
// args, from the repository at root. A missing node or package is an error
// that says how to install it.
func Command(root, pkg, bin string, args ...string) (*exec.Cmd, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, errors.New("node is not on PATH: install Node.js 20 or later")
	}
	script, err := Bin(root, pkg, bin)
	if err != nil {
		return nil, err
	}
	return exec.Command(node, append([]string{script}, args...)...), nil
}

// Bin returns the absolute path of the bin entry of the installed npm
// package pkg (bin "" means the package's only or same-named one), read
// from the package's own package.json in the repository at root. A missing
// package or entry is an error that says how to install it.
func Bin(root, pkg, bin string) (string, error) {
	// Absolute: the command may run in another folder (Azurite's data).
	root, err := filepath.Abs(root)
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, "node_modules", filepath.FromSlash(pkg))
	b, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return "", fmt.Errorf("%s is missing: run `npm ci` in %s (make test installs every pinned tool, make start those it runs)", dir, root)
	}
	var meta struct {
		Name string          `json:"name"`
		Bin  json.RawMessage `json:"bin"`
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		return "", fmt.Errorf("%s: %w", filepath.Join(dir, "package.json"), err)
	}
	script, err := binScript(meta.Name, meta.Bin, bin)
	if err != nil {
		return "", fmt.Errorf("%s: %w", pkg, err)
	}
	path := filepath.Join(dir, filepath.FromSlash(script))
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("%s is missing: run `npm ci` in %s (make test installs every pinned tool, make start those it runs)", path, root)
	}
	return path, nil
}

// binScript picks the script of package.json's "bin", which is either one
// path (named after the package) or an object of name → path.
func binScript(name string, raw json.RawMessage, bin string) (string, error) {
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		return one, nil
	}
	var many map[string]string
	if err := json.Unmarshal(raw, &many); err != nil {
		return "", errors.New(`package.json has no "bin"`)
	}
	if bin == "" {
		bin = filepath.Base(name)
	}
	script, ok := many[bin]
	if !ok {
		return "", fmt.Errorf("package.json has no bin %q", bin)
	}
	return script, nil
}

// Set is a set of the pinned Node tools.
type Set int

const (
	// Run is what a local run needs: package.json's own devDependencies.
	Run Set = iota
	// All is Run and what only the tests use: package.json's workspaces.
	All
)

// TestTools is the npm workspace holding the tools only the tests use,
// relative to the repository.
const TestTools = "mcpfunc/internal/nodetool/testtools"

// Installed reports whether node_modules in root holds set as
// package-lock.json pins it. npm records what it installed in
// node_modules/.package-lock.json: a lock changed since is newer than that
// record, and the record lists a workspace (as node_modules/<its name>)
// only when its tools were installed.
func Installed(root string, set Set) bool {
	lock, err := os.Stat(filepath.Join(root, "package-lock.json"))
	if err != nil {
		return false
	}
	record := filepath.Join(root, "node_modules", ".package-lock.json")
	if inst, err := os.Stat(record); err != nil || inst.ModTime().Before(lock.ModTime()) {
		return false
	}
	if set == Run {
		return true
	}
	var manifest struct {
		Workspaces []string `json:"workspaces"`
	}
	var installed struct {
		Packages map[string]json.RawMessage `json:"packages"`
	}
	if readJSON(filepath.Join(root, "package.json"), &manifest) != nil || readJSON(record, &installed) != nil {
		return false
	}
	for _, ws := range manifest.Workspaces {
		var pkg struct {
			Name string `json:"name"`
		}
		if readJSON(filepath.Join(root, filepath.FromSlash(ws), "package.json"), &pkg) != nil || installed.Packages["node_modules/"+pkg.Name] == nil {
			return false
		}
	}
	return true
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// Install runs `npm ci` in root for set, unless it is [Installed], and
// reports whether it ran npm; npm's output goes to out. For [Run] it is
// `npm ci --workspaces=false`, which installs package.json's own
// dependencies alone, at the versions the lock pins for all.
func Install(ctx context.Context, root string, set Set, out io.Writer) (bool, error) {
	if Installed(root, set) {
		return false, nil
	}
	if _, err := os.Stat(filepath.Join(root, "package-lock.json")); err != nil {
		return false, err
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return false, errors.New("npm is not on PATH: install Node.js 20 or later (it comes with npm)")
	}
	args := []string{"ci", "--no-audit", "--no-fund", "--loglevel=error"}
	if set == Run {
		args = append(args, "--workspaces=false")
	}
	cmd := exec.CommandContext(ctx, npm, args...)
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Run(); err != nil {
		return true, fmt.Errorf("npm %s in %s: %w", strings.Join(args, " "), root, err)
	}
	// npm ci keeps the lock's times: mark the install as newer than it.
	now := time.Now()
	_ = os.Chtimes(filepath.Join(root, "node_modules", ".package-lock.json"), now, now)
	return true, nil
}
