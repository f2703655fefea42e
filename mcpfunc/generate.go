package mcpfunc

import (
	"fmt"
	"io"

	"remote-mcp-functions-go/mcpfunc/internal/funcgen"
)

// Generate writes the files the Functions host reads for app under root,
// the function app's source folder: functions/<name>/function.json for
// each function. It returns the files it changed.
func Generate(app *App, root string) (changed []string, err error) {
	fns, _, err := app.decl()
	if err != nil {
		return nil, err
	}
	changed, stale, err := funcgen.Write(root, fns)
	if err != nil {
		return nil, err
	}
	if len(stale) > 0 {
		return changed, fmt.Errorf("function folders with no declaration: %v", stale)
	}
	return changed, nil
}

// Drift says where the files under root differ from what [Generate] would
// write, one line per file; none when they are the same.
func Drift(app *App, root string) ([]string, error) {
	fns, _, err := app.decl()
	if err != nil {
		return nil, err
	}
	return funcgen.Drift(root, fns)
}

func generate(app *App, root string, out io.Writer) error {
	changed, err := Generate(app, root)
	for _, f := range changed {
		fmt.Fprintln(out, "wrote", f)
	}
	if err == nil && len(changed) == 0 {
		fmt.Fprintln(out, "generated files are up to date")
	}
	return err
}

func check(app *App, root string, out io.Writer) error {
	probs, err := Drift(app, root)
	if err != nil {
		return err
	}
	for _, p := range probs {
		fmt.Fprintln(out, p)
	}
	if len(probs) > 0 {
		return errDrift
	}
	return nil
}
