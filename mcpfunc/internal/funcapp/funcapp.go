// Package funcapp reads and checks an Azure Functions app as the host sees
// it: host.json, the function folders (each a function.json) and
// local.settings.json.
//
// Two layouts exist. In the repository host.json is at the root and the
// folders are under functions/ ([LoadDirs]); in the staged app that
// `func start` and the deployment package use, the folders sit beside
// host.json ([Load]). Both give the same [App].
//
// Problems are reported together, each naming the file and the field, so a
// broken app is fixed in one pass rather than one error at a time.
package funcapp

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// App is a function app.
type App struct {
	// Root is the folder that holds host.json.
	Root string
	Host Host
	// Functions are sorted by name.
	Functions []*Function
	// Settings is local.settings.json; nil when the file is absent, as it
	// is in a deployment.
	Settings *Settings
}

// Function returns the function with the given folder name, or nil.
func (a *App) Function(name string) *Function {
	for _, f := range a.Functions {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// Problem is one thing wrong with an app.
type Problem struct {
	File  string // path of the file, relative to where the app was loaded from
	Field string // JSON path inside it, empty for the whole file
	Msg   string
}

func (p Problem) String() string {
	if p.Field == "" {
		return fmt.Sprintf("%s: %s", p.File, p.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", p.File, p.Field, p.Msg)
}

// Error lists every problem found in an app.
type Error struct{ Problems []Problem }

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return "invalid function app:\n  " + strings.Join(lines, "\n  ")
}

// Load reads a staged app: host.json and local.settings.json in dir, and
// each subfolder holding a function.json is a function.
func Load(dir string) (*App, error) { return LoadDirs(dir, dir) }

// LoadDirs reads an app whose host.json and local.settings.json are in
// root and whose function folders are in functionsDir.
func LoadDirs(root, functionsDir string) (*App, error) {
	app := &App{Root: root}
	var probs problems

	hostPath := filepath.Join(root, "host.json")
	if err := readJSON(hostPath, &app.Host); err != nil {
		probs.add(hostPath, "", "%s", err.Error())
	} else {
		app.Host.check(hostPath, &probs)
	}

	settingsPath := filepath.Join(root, "local.settings.json")
	var s Settings
	switch err := readJSON(settingsPath, &s); {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		probs.add(settingsPath, "", "%s", err.Error())
	default:
		app.Settings = &s
		s.check(settingsPath, &probs)
	}

	entries, err := os.ReadDir(functionsDir)
	if err != nil {
		probs.add(functionsDir, "", "%s", err.Error())
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		path := filepath.Join(functionsDir, e.Name(), "function.json")
		if _, err := os.Stat(path); err != nil {
			continue // not a function folder
		}
		f := &Function{Name: e.Name(), Path: path}
		if err := readJSON(path, f); err != nil {
			probs.add(path, "", "%s", err.Error())
			continue
		}
		f.check(&probs)
		app.Functions = append(app.Functions, f)
	}
	switch {
	case app.Host.SelfHosted() && len(app.Functions) > 0:
		// HttpWorkerFunctionProvider (Azure/azure-functions-host PR #11345).
		probs.add(functionsDir, "", "function folders (%s, …) beside the %s profile: the host refuses to start (\"Detected both function.json files and custom handler HTTP route configuration\")", app.Functions[0].Name, app.Host.ConfigurationProfile)
	case len(app.Functions) == 0 && entries != nil && !app.Host.SelfHosted():
		probs.add(functionsDir, "", "no function folders (a folder with a function.json)")
	}
	slices.SortFunc(app.Functions, func(a, b *Function) int { return strings.Compare(a.Name, b.Name) })
	checkToolNames(app.Functions, &probs)
	app.checkBundle(hostPath, &probs)

	if len(probs) > 0 {
		return app, &Error{Problems: probs}
	}
	return app, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("not valid JSON for this file: %v", err)
	}
	return nil
}

type problems []Problem

func (p *problems) add(file, field, format string, args ...any) {
	*p = append(*p, Problem{File: file, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// checkToolNames reports two functions offering the same tool, prompt or
// resource URI: the extension looks names up case-insensitively and
// refuses a duplicate at registration.
func checkToolNames(fns []*Function, probs *problems) {
	seen := map[string]string{}
	check := func(f *Function, field, kind, name string) {
		if name == "" {
			return
		}
		key := kind + ":" + strings.ToLower(name)
		if other, dup := seen[key]; dup {
			probs.add(f.Path, field, "%s %q is also declared by function %q", kind, name, other)
		}
		seen[key] = f.Name
	}
	for _, f := range fns {
		if t := f.ToolTrigger(); t != nil {
			check(f, "bindings.toolName", "tool", t.ToolName)
		}
		if p := f.PromptTrigger(); p != nil {
			check(f, "bindings.promptName", "prompt", p.PromptName)
		}
		if r := f.ResourceTrigger(); r != nil {
			check(f, "bindings.uri", "resource", r.URI)
		}
	}
}
