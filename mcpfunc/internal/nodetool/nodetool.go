// Package nodetool installs and runs the project's pinned Node tools
// (package.json, package-lock.json): Azurite and the MCP Inspector.
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
		return "", fmt.Errorf("%s is missing: run `npm ci` in %s (make test and make start do it first)", dir, root)
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
		return "", fmt.Errorf("%s is missing: run `npm ci` in %s (make test and make start do it first)", path, root)
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

// Install runs `npm ci` in root when node_modules does not match
// package-lock.json (npm records what it installed in
// node_modules/.package-lock.json; an older record means the lock changed
// since). It reports whether it ran npm; npm's output goes to out.
func Install(ctx context.Context, root string, out io.Writer) (bool, error) {
	lock, err := os.Stat(filepath.Join(root, "package-lock.json"))
	if err != nil {
		return false, err
	}
	if inst, err := os.Stat(filepath.Join(root, "node_modules", ".package-lock.json")); err == nil && !inst.ModTime().Before(lock.ModTime()) {
		return false, nil
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return false, errors.New("npm is not on PATH: install Node.js 20 or later (it comes with npm)")
	}
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Run(); err != nil {
		return true, fmt.Errorf("npm ci in %s: %w", root, err)
	}
	// npm ci keeps the lock's times: mark the install as newer than it.
	now := time.Now()
	_ = os.Chtimes(filepath.Join(root, "node_modules", ".package-lock.json"), now, now)
	return true, nil
}
