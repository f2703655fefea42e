package mcpfunc

import (
	"errors"
	"fmt"
	"io"

	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
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
// write, one line per file; when they do not, it says what the Functions
// host would refuse in the function app there (host.json,
// local.settings.json, the function folders), one line per problem. It
// returns none when all is well.
func Drift(app *App, root string) ([]string, error) {
	fns, _, err := app.decl()
	if err != nil {
		return nil, err
	}
	probs, err := funcgen.Drift(root, fns)
	if err != nil || len(probs) > 0 {
		return probs, err
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
