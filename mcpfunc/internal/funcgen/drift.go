package funcgen

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"remote-mcp-functions-go/mcpfunc/internal/decl"
)

// Drift compares the function folders under root with what the
// declarations produce. Each problem names the file and says how to fix
// it; none means the committed files are exactly the generated ones.
func Drift(root string, fns decl.Functions) ([]string, error) {
	want, err := Files(fns)
	if err != nil {
		return nil, err
	}
	var probs []string
	for _, rel := range slices.Sorted(maps.Keys(want)) {
		got, err := os.ReadFile(Path(root, rel))
		switch {
		case errors.Is(err, os.ErrNotExist):
			probs = append(probs, fmt.Sprintf("%s is missing: run make generate", rel))
		case err != nil:
			return nil, err
		case !bytes.Equal(got, want[rel]):
			probs = append(probs, fmt.Sprintf("%s differs from its Go declaration (%s): run make generate", rel, firstDifference(got, want[rel])))
		}
	}
	stale, err := undeclared(root, want)
	if err != nil {
		return nil, err
	}
	for _, dir := range stale {
		probs = append(probs, fmt.Sprintf("%s/ has a function.json but no Go declaration: declare it in internal/catalog, or delete the folder", dir))
	}
	return probs, nil
}

// Write writes every tool's function.json under root and returns the
// files it changed, and the function folders no declaration produces
// (left alone: deleting them is the developer's call).
func Write(root string, fns decl.Functions) (changed, stale []string, err error) {
	want, err := Files(fns)
	if err != nil {
		return nil, nil, err
	}
	for _, rel := range slices.Sorted(maps.Keys(want)) {
		path := Path(root, rel)
		if got, err := os.ReadFile(path); err == nil && bytes.Equal(got, want[rel]) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, nil, err
		}
		if err := os.WriteFile(path, want[rel], 0o644); err != nil {
			return nil, nil, err
		}
		changed = append(changed, rel)
	}
	stale, err = undeclared(root, want)
	return changed, stale, err
}

// undeclared lists functions/<name> folders holding a function.json that
// no declaration produces.
func undeclared(root string, want map[string][]byte) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(root, FunctionsDir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		rel := FunctionsDir + "/" + e.Name() + "/function.json"
		if !e.IsDir() || want[rel] != nil {
			continue
		}
		if _, err := os.Stat(Path(root, rel)); err == nil {
			out = append(out, FunctionsDir+"/"+e.Name())
		}
	}
	return out, nil
}

// firstDifference quotes the first line that differs.
func firstDifference(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d is %q, the declaration gives %q", i+1, strings.TrimSpace(gl), strings.TrimSpace(wl))
		}
	}
	return "they differ"
}
