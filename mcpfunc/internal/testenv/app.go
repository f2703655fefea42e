package testenv

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"remote-mcp-functions-go/mcpfunc/internal/apppkg"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/hosting"
)

// buildLimit bounds one go build; a cold build cache needs the most.
const buildLimit = 5 * time.Minute

// stagedApps are the app staged once per test binary for each hosting, by
// the same code as `make build`.
var stagedApps = map[hosting.Mode]func() (string, error){
	hosting.Triggers: sync.OnceValues(func() (string, error) { return stage(hosting.Triggers, "app") }),
	hosting.Self:     sync.OnceValues(func() (string, error) { return stage(hosting.Self, "app-self") }),
}

func stage(mode hosting.Mode, name string) (string, error) {
	dir, err := workDir()
	if err != nil {
		return "", err
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	app := filepath.Join(dir, name)
	ctx, cancel := context.WithTimeout(context.Background(), buildLimit)
	defer cancel()
	// For this machine, as make build stages it for func start and devhost.
	if _, err := apppkg.Stage(ctx, apppkg.StageOptions{Root: root, Dir: app, Platform: apppkg.Native, Hosting: mode}); err != nil {
		return "", fmt.Errorf("stage the function app for hosting %s: %w", mode, err)
	}
	return app, nil
}

// builds holds the commands built for this test binary, by package.
var builds sync.Map // "./mcpfunc/cmd/devhost" -> func() (string, error)

// Command returns the main package pkg ("./mcpfunc/cmd/devhost", "./mcpfunc/cmd/start"),
// relative to the repository, built once per test binary for this machine.
func Command(tb testing.TB, pkg string) string {
	tb.Helper()
	build, _ := builds.LoadOrStore(pkg, sync.OnceValues(func() (string, error) {
		dir, err := workDir()
		if err != nil {
			return "", err
		}
		root, err := RepoRoot()
		if err != nil {
			return "", err
		}
		out := filepath.Join(dir, "bin", filepath.Base(pkg))
		if runtime.GOOS == "windows" {
			out += ".exe"
		}
		ctx, cancel := context.WithTimeout(context.Background(), buildLimit)
		defer cancel()
		cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", out, pkg)
		cmd.Dir = root
		if b, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("go build %s: %v\n%s", pkg, err, strings.TrimSpace(string(b)))
		}
		return out, nil
	}))
	bin, err := build.(func() (string, error))()
	if err != nil {
		tb.Fatal(err)
	}
	return bin
}

// App returns the staged function app (the handler for this machine,
// host.json, local.settings.json, one folder per function), built once per
// test binary. Tests must not change it: use CopyApp for a variant.
func App(tb testing.TB) string {
	tb.Helper()
	dir, err := stagedApps[hosting.Triggers]()
	if err != nil {
		tb.Fatal(err)
	}
	return dir
}

// SelfApp returns the app staged for the self hosting (the handler for
// this machine, the profile's host.json, local.settings.json, no function
// folders), built once per test binary. Tests must not change it.
func SelfApp(tb testing.TB) string {
	tb.Helper()
	dir, err := stagedApps[hosting.Self]()
	if err != nil {
		tb.Fatal(err)
	}
	return dir
}

// DevhostBinary returns devhost built for this machine, once per test
// binary.
func DevhostBinary(tb testing.TB) string {
	tb.Helper()
	return Command(tb, "./mcpfunc/cmd/devhost")
}

// CopyApp copies the staged app into a folder of the test's and sets the
// given values in its local.settings.json (the app settings devhost passes
// to the handler, as `func start` does).
func CopyApp(tb testing.TB, settings map[string]string) string {
	tb.Helper()
	return CopyAppSettings(tb, setValues(settings))
}

// CopySelfApp is CopyApp for the app staged for the self hosting.
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
