package testenv

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"remote-mcp-functions-go/mcpfunc/internal/apppkg"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/hosting"
)

// buildLimit bounds one go build; a cold build cache needs the most.
const buildLimit = 5 * time.Minute

// Source is a function app's sources, as make build stages them.
type Source struct {
	// Dir holds host.json, local.settings.json (optional) and
	// functions/<name>/function.json: absolute, or relative to RepoRoot.
	Dir string
	// Package is the handler's main package, relative to Dir
	// ("./handler"); empty means "./handler".
	Package string
}

// Fixture is the library's own test app (package fixture, its handler
// fixture/handler): what App, SelfApp, StartDevhost and StartSelfhost run
// unless told otherwise, so that the library's tests never depend on the
// repository's own app.
var Fixture = Source{Dir: filepath.Join("mcpfunc", "internal", "fixture"), Package: "./handler"}

// FixtureSetting is the fixture's app setting (fixture.LimitSetting): the
// most bytes its put stores.
const FixtureSetting = "FIXTURE_MAX_BYTES"

func (s Source) abs() (Source, error) {
	if s.Package == "" {
		s.Package = "./handler"
	}
	if filepath.IsAbs(s.Dir) {
		return s, nil
	}
	root, err := RepoRoot()
	if err != nil {
		return s, err
	}
	s.Dir = filepath.Join(root, s.Dir)
	return s, nil
}

// stagings are the apps staged for this test binary, by source and
// hosting; each is staged once, into the binary's work folder.
var (
	stagings sync.Map // stagingKey -> func() (string, error)
	staged   atomic.Int64
)

type stagingKey struct {
	src  Source
	mode hosting.Mode
}

// Stage returns src staged for hosting mode by the same code as make
// build, for this machine: the handler, host.json, local.settings.json,
// and in the trigger hosting one folder per function. Under [Main] each
// source is staged once per test binary, and tests must not change the
// result (CopyApp makes a variant); without it, once per call, in a folder
// of the test's.
func Stage(tb testing.TB, src Source, mode hosting.Mode) string {
	tb.Helper()
	src, err := src.abs()
	if err != nil {
		tb.Fatal(err)
	}
	work, err := workDir()
	if err != nil {
		dir, err := stage(src, mode, filepath.Join(tb.TempDir(), "app"))
		if err != nil {
			tb.Fatal(err)
		}
		return dir
	}
	once, _ := stagings.LoadOrStore(stagingKey{src, mode}, sync.OnceValues(func() (string, error) {
		return stage(src, mode, filepath.Join(work, fmt.Sprintf("app-%d-%s", staged.Add(1), mode)))
	}))
	dir, err := once.(func() (string, error))()
	if err != nil {
		tb.Fatal(err)
	}
	return dir
}

func stage(src Source, mode hosting.Mode, dir string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), buildLimit)
	defer cancel()
	// For this machine, as make build stages it for func start and devhost.
	if _, err := apppkg.Stage(ctx, apppkg.StageOptions{Root: src.Dir, Package: src.Package, Dir: dir, Platform: apppkg.Native, Hosting: mode}); err != nil {
		return "", fmt.Errorf("stage the function app in %s (handler %s) for hosting %s: %w", src.Dir, src.Package, mode, err)
	}
	return dir, nil
}

// builds holds the commands built for this test binary, by package.
var builds sync.Map // "./mcpfunc/cmd/devhost" -> func() (string, error)

// Command returns the main package pkg ("./mcpfunc/cmd/start", relative
// to RepoRoot, or an import path) built for this machine without cgo:
// under [Main] once per test binary, without it once per call.
func Command(tb testing.TB, pkg string) string {
	tb.Helper()
	work, err := workDir()
	if err != nil {
		bin, err := buildCommand(pkg, tb.TempDir())
		if err != nil {
			tb.Fatal(err)
		}
		return bin
	}
	build, _ := builds.LoadOrStore(pkg, sync.OnceValues(func() (string, error) {
		return buildCommand(pkg, filepath.Join(work, "bin"))
	}))
	bin, err := build.(func() (string, error))()
	if err != nil {
		tb.Fatal(err)
	}
	return bin
}

func buildCommand(pkg, dir string) (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, path.Base(pkg))
	if runtime.GOOS == "windows" {
		out += ".exe"
	}
	ctx, cancel := context.WithTimeout(context.Background(), buildLimit)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", out, pkg)
	cmd.Dir = root
	// Static, as the handler ships (package apppkg), so that the commands
	// measured side by side are built alike.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %v\n%s", pkg, err, strings.TrimSpace(string(b)))
	}
	return out, nil
}

// App returns the fixture staged for the trigger hosting (the handler for
// this machine, host.json, local.settings.json, one folder per function).
// Tests must not change it: use CopyApp for a variant.
func App(tb testing.TB) string {
	tb.Helper()
	return Stage(tb, Fixture, hosting.Triggers)
}

// SelfApp returns the fixture staged for the self hosting (the handler
// for this machine, the profile's host.json, local.settings.json, no
// function folders). Tests must not change it.
func SelfApp(tb testing.TB) string {
	tb.Helper()
	return Stage(tb, Fixture, hosting.Self)
}

// DevhostBinary returns devhost built for this machine (once per test
// binary under [Main]).
func DevhostBinary(tb testing.TB) string {
	tb.Helper()
	return Command(tb, libraryPath+"/cmd/devhost")
}

// CopyApp copies the staged fixture ([App]) into a folder of the test's
// and sets the given values in its local.settings.json (the app settings
// devhost passes to the handler, as `func start` does).
func CopyApp(tb testing.TB, settings map[string]string) string {
	tb.Helper()
	return CopyAppSettings(tb, setValues(settings))
}

// CopySelfApp is CopyApp for the fixture staged for the self hosting.
func CopySelfApp(tb testing.TB, settings map[string]string) string {
	tb.Helper()
	return copyApp(tb, SelfApp(tb), setValues(settings))
}

func setValues(settings map[string]string) func(*funcapp.Settings) {
	return func(s *funcapp.Settings) {
		if s.Values == nil {
			s.Values = map[string]string{}
		}
		for k, v := range settings {
			s.Values[k] = v
		}
	}
}

// CopyAppSettings copies the staged app like CopyApp and lets edit change
// its whole local.settings.json, the Host section (func start's own
// options, such as CORS) included.
func CopyAppSettings(tb testing.TB, edit func(*funcapp.Settings)) string {
	tb.Helper()
	return copyApp(tb, App(tb), edit)
}

func copyApp(tb testing.TB, src string, edit func(*funcapp.Settings)) string {
	tb.Helper()
	dst := filepath.Join(tb.TempDir(), "app")
	if err := copyTree(dst, src); err != nil {
		tb.Fatalf("copy the staged app: %v", err)
	}
	path := filepath.Join(dst, "local.settings.json")
	var s funcapp.Settings
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	edit(&s)
	b, err = json.MarshalIndent(s, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		tb.Fatal(err)
	}
	return dst
}

// copyTree copies a folder of regular files, keeping their modes (the
// handler must stay executable).
func copyTree(dst, src string) error {
	return filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(target, info.Mode().Perm()|0o700)
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, info.Mode().Perm())
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}
