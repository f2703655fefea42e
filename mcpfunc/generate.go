package mcpfunc

import (
	"errors"
	"fmt"
	"io"
	"io/fs"

	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/funcgen"
)

// Generate writes the files the Functions host reads for app under root,
// the function app's source folder: functions/<name>/function.json for
// each function, and the server's name, version and instructions in
// host.json's extensions.mcp block, the rest of host.json as it is. It
// removes the folders it generated before for functions app no longer
// declares, and only those: it lists the folders it writes in
// functions/.generated, and never touches one it did not write. It
// returns what it did, one line each ("wrote functions/hello/function.json",
// "removed functions/old/").
func Generate(app *App, root string) (changed []string, err error) {
	plan, err := app.plan(root)
	if err != nil {
		return nil, err
	}
	return plan.Apply(root)
}

// Drift says where the files under root differ from what [Generate] would
// write, one line per file, each ending "run make generate"; when they do
// not, it says what the Functions host would refuse in the function app
// there (host.json, local.settings.json, the function folders), one line
// per problem. It returns none when all is well.
func Drift(app *App, root string) ([]string, error) {
	plan, err := app.plan(root)
	if errors.Is(err, fs.ErrNotExist) {
		// No host.json to compare: the host's own checks say so.
		if probs := hostProblems(root); len(probs) > 0 {
			return probs, nil
		}
	}
	if err != nil {
		return nil, err
	}
	if drift := plan.Drift(); len(drift) > 0 {
		return drift, nil
	}
	return hostProblems(root), nil
}

// hostProblems lists what the host would refuse in the function app under
// root, as package funcapp checks it.
func hostProblems(root string) []string {
	_, err := funcapp.LoadDirs(root, funcgen.Path(root, funcgen.FunctionsDir))
	var appErr *funcapp.Error
	switch {
	case errors.As(err, &appErr):
		probs := make([]string, len(appErr.Problems))
		for i, p := range appErr.Problems {
			probs[i] = p.String()
		}
		return probs
	case err != nil:
		return []string{err.Error()}
	}
	return nil
}

func (a *App) plan(root string) (*funcgen.Plan, error) {
	fns, info, err := a.decl()
	if err != nil {
		return nil, err
	}
	return funcgen.NewPlan(root, fns, info)
}

// generate is -generate: what it did, and what it left alone, on out.
func generate(app *App, root string, out io.Writer) error {
	plan, err := app.plan(root)
	if err != nil {
		return err
	}
	done, err := plan.Apply(root)
	for _, line := range done {
		fmt.Fprintln(out, line)
	}
	for _, n := range plan.Notes {
		fmt.Fprintln(out, "note:", n)
	}
	if err == nil && len(done) == 0 {
		fmt.Fprintln(out, "generated files are up to date")
	}
	return err
}

// check is -check: every problem Drift finds on out, and errDrift when
// there is one; with the notes of what generation leaves alone.
func check(app *App, root string, out io.Writer) error {
	probs, err := Drift(app, root)
	if err != nil {
		return err
	}
	for _, p := range probs {
		fmt.Fprintln(out, p)
	}
	if plan, err := app.plan(root); err == nil {
		for _, n := range plan.Notes {
			fmt.Fprintln(out, "note:", n)
		}
	}
	if len(probs) > 0 {
		return errDrift
	}
	return nil
}

var errDrift = errors.New("the generated files differ from the declarations: run make generate")
