package mcpfunc

import (
	"errors"
	"fmt"
	"io"

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
// write, one line per file, each ending "run make generate"; none when
// Generate would change nothing.
func Drift(app *App, root string) ([]string, error) {
	plan, err := app.plan(root)
	if err != nil {
		return nil, err
	}
	return plan.Drift(), nil
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

// check is -check: every difference on out, and errDrift when there is
// one.
func check(app *App, root string, out io.Writer) error {
	plan, err := app.plan(root)
	if err != nil {
		return err
	}
	for _, p := range plan.Drift() {
		fmt.Fprintln(out, p)
	}
	for _, n := range plan.Notes {
		fmt.Fprintln(out, "note:", n)
	}
	if len(plan.Changes) > 0 {
		return errDrift
	}
	return nil
}

var errDrift = errors.New("the generated files differ from the declarations: run make generate")
