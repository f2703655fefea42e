package deploycheck

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// benchCommand is a go test command with -bench in the Makefile: its
// package arguments and its pattern.
var benchCommand = regexp.MustCompile(`\$\(GO\) test ((?:\./\S+\s+)+).*?-bench '?([^'\s]+)'?`)

var benchFunc = regexp.MustCompile(`(?m)^func (Benchmark\w*)\(b \*testing\.B\)`)

// make bench runs every benchmark the repository has: each package it
// names has a benchmark its pattern selects (go test on a package without
// one passes and measures nothing), and each package with a benchmark is
// named.
func TestBenchReachesEveryBenchmark(t *testing.T) {
	have := map[string][]string{} // package folder -> its benchmarks
	require.NoError(t, filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		for _, m := range benchFunc.FindAllStringSubmatch(string(b), -1) {
			have["./"+filepath.ToSlash(rel)] = append(have["./"+filepath.ToSlash(rel)], m[1])
		}
		return nil
	}))
	require.NotEmpty(t, have, "the benchmarks were found")

	named := map[string]bool{}
	for _, cmd := range benchCommand.FindAllStringSubmatch(read(t, "Makefile"), -1) {
		pattern := regexp.MustCompile(strings.ReplaceAll(cmd[2], "$$", "$"))
		for _, pkg := range strings.Fields(cmd[1]) {
			named[pkg] = true
			assert.True(t, slices.ContainsFunc(have[pkg], func(name string) bool {
				return pattern.MatchString(strings.TrimPrefix(name, "Benchmark")) || pattern.MatchString(name)
			}),
				"make bench runs %s with -bench %s, which selects none of its benchmarks %v", pkg, cmd[2], have[pkg])
		}
	}
	for pkg, names := range have {
		assert.True(t, named[pkg], "make bench does not run %s (%v)", pkg, names)
	}
}
