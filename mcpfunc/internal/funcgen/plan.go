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

// Manifest lists, one a line, the function folders generation wrote, so
// that it removes the ones whose function is gone and never touches a
// folder someone wrote by hand. It is a file in functions/, which the
// Functions host never reads: the host takes each folder of the app's root
// that holds a function.json as a function and reads nothing else there
// (Azure/azure-functions-host src/WebJobs.Script/Host/HostFunctionMetadataProvider.cs
// @0058565e: ReadFunctionsMetadata enumerates directories only), and the
// staged app and the deployment package hold only each function's
// function.json (package apppkg). A file inside a function folder would
// not do: the host takes a function folder's only other file for its
// script (DeterminePrimaryScriptFile, same file).
const Manifest = FunctionsDir + "/.generated"

const manifestHeader = `# The function folders generation (make generate: the handler run with
# -generate) wrote from the app's declarations. It removes a listed folder
# when its function is no longer declared; a folder not listed here is not
# its own, and it leaves that alone. Generation rewrites this file.
`

// Change is one file generation writes, or one function folder it
// removes, with why.
type Change struct {
	// Path is slash-separated, relative to the app's root; a folder's ends
	// in "/".
	Path string
	// Remove: the folder Path was generated for a function no longer
	// declared, and goes (its function.json, and the folder when nothing
	// else is in it).
	Remove bool
	// Why says what differs, for a reader: "is missing", …
	Why  string
	data []byte
}

// Plan is what generation would change under an app's root.
type Plan struct {
	Changes []Change
	// Notes are what it leaves alone that a developer may want to know
	// of: function folders it did not write that no declaration gives.
	Notes []string
}

// Drift is the plan's changes, one line each, each saying what to run.
func (p *Plan) Drift() []string {
	out := make([]string, len(p.Changes))
	for i, c := range p.Changes {
		out[i] = c.Path + " " + c.Why + ": run make generate"
	}
	return out
}

// NewPlan compares the app's root (host.json, functions/) with what fns
// and info give: every function's function.json, the manifest, and
// host.json's extensions.mcp block (see [HostJSON]).
func NewPlan(root string, fns decl.Functions, info decl.ServerInfo) (*Plan, error) {
	want, err := Files(fns)
	if err != nil {
		return nil, err
	}
	p := &Plan{}
	for _, rel := range slices.Sorted(maps.Keys(want)) {
		got, err := os.ReadFile(Path(root, rel))
		switch {
		case errors.Is(err, os.ErrNotExist):
			p.Changes = append(p.Changes, Change{Path: rel, Why: "is missing", data: want[rel]})
		case err != nil:
			return nil, err
		case !bytes.Equal(got, want[rel]):
			p.Changes = append(p.Changes, Change{Path: rel, Why: "differs from its Go declaration (" + firstDifference(got, want[rel]) + ")", data: want[rel]})
		}
	}

	listed, err := readManifest(root)
	if err != nil {
		return nil, err
	}
	declared := map[string]bool{}
	for rel := range want {
		declared[folderOf(rel)] = true
	}
	folders, err := functionFolders(root)
	if err != nil {
		return nil, err
	}
	for _, name := range folders {
		switch {
		case declared[name]:
		case slices.Contains(listed, name):
			p.Changes = append(p.Changes, Change{Path: FunctionsDir + "/" + name + "/", Remove: true, Why: "was generated for a function the app no longer declares, and goes"})
		default:
			p.Notes = append(p.Notes, fmt.Sprintf("%s/%s/ holds a function.json that the app does not declare and make generate did not write (%s does not list it): left as it is", FunctionsDir, name, Manifest))
		}
	}
	manifest := renderManifest(slices.Sorted(maps.Keys(declared)))
	if got, err := os.ReadFile(Path(root, Manifest)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	} else if !bytes.Equal(got, manifest) {
		why := "does not list exactly the folders make generate writes"
		if err != nil {
			why = "is missing"
		}
		p.Changes = append(p.Changes, Change{Path: Manifest, Why: why, data: manifest})
	}

	host, err := os.ReadFile(Path(root, HostFile))
	if err != nil {
		return nil, fmt.Errorf("the function app's %w", err)
	}
	fixed, err := HostJSON(host, info)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(fixed, host) {
		why, err := serverDrift(host, info)
		if err != nil {
			return nil, err
		}
		p.Changes = append(p.Changes, Change{Path: HostFile, Why: why, data: fixed})
	}
	return p, nil
}

// Apply makes the changes under root: the function files first, then the
// removals, the manifest last, so that an interrupted run leaves a
// manifest that still lists every folder it may remove. It returns what
// it did, one line each ("wrote …", "removed …"), and notes folders it
// could not remove whole.
func (p *Plan) Apply(root string) (done []string, err error) {
	order := slices.Clone(p.Changes)
	rank := func(c Change) int {
		switch {
		case c.Remove:
			return 1
		case c.Path == Manifest:
			return 2
		}
		return 0
	}
	slices.SortStableFunc(order, func(a, b Change) int { return rank(a) - rank(b) })
	for _, c := range order {
		if !c.Remove {
			if err := writeFile(Path(root, c.Path), c.data); err != nil {
				return done, err
			}
			done = append(done, "wrote "+c.Path)
			continue
		}
		dir := Path(root, c.Path)
		if err := os.Remove(filepath.Join(dir, "function.json")); err != nil && !errors.Is(err, os.ErrNotExist) {
			return done, err
		}
		// Only an empty folder goes: anything else in it was put there by
		// hand, and stays.
		if err := os.Remove(dir); err != nil {
			p.Notes = append(p.Notes, fmt.Sprintf("%s: removed its function.json; the folder stays, as it holds other files", c.Path))
		}
		done = append(done, "removed "+c.Path)
	}
	return done, nil
}

// Write writes every function's function.json under root, and nothing
// else, and returns the files it changed and the function folders no
// declaration produces. Generation proper (NewPlan, Apply) also keeps the
// manifest and host.json; Write is for tests that need function folders.
func Write(root string, fns decl.Functions) (changed, stale []string, err error) {
	want, err := Files(fns)
	if err != nil {
		return nil, nil, err
	}
	for _, rel := range slices.Sorted(maps.Keys(want)) {
		if got, err := os.ReadFile(Path(root, rel)); err == nil && bytes.Equal(got, want[rel]) {
			continue
		}
		if err := writeFile(Path(root, rel), want[rel]); err != nil {
			return nil, nil, err
		}
		changed = append(changed, rel)
	}
	folders, err := functionFolders(root)
	if err != nil {
		return nil, nil, err
	}
	for _, name := range folders {
		if want[FunctionsDir+"/"+name+"/function.json"] == nil {
			stale = append(stale, FunctionsDir+"/"+name)
		}
	}
	return changed, stale, nil
}

// functionFolders lists the folders of functions/ that hold a
// function.json, as the host finds functions.
func functionFolders(root string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(root, FunctionsDir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if _, err := os.Stat(filepath.Join(root, FunctionsDir, e.Name(), "function.json")); err == nil {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// readManifest lists the folders the manifest names; none when there is
// no manifest.
func readManifest(root string) ([]string, error) {
	b, err := os.ReadFile(Path(root, Manifest))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		// Never a path: removal stays inside functions/.
		if line == "." || line == ".." || strings.ContainsAny(line, `/\:`) {
			return nil, fmt.Errorf("%s line %d: %q is not a function folder's name: delete the line, then run make generate", Manifest, i+1, line)
		}
		out = append(out, line)
	}
	return out, nil
}

func renderManifest(folders []string) []byte {
	b := []byte(manifestHeader)
	for _, f := range folders {
		b = append(b, f...)
		b = append(b, '\n')
	}
	return b
}

// folderOf is the function folder of functions/<name>/function.json.
func folderOf(rel string) string {
	return strings.TrimSuffix(strings.TrimPrefix(rel, FunctionsDir+"/"), "/function.json")
}

// writeFile replaces the file at path whole: written beside it, then
// renamed over it, so that an interrupted run leaves the old file or the
// new one, never half of one (host.json is also edited by hand).
func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".generate-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename this finds nothing
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
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
