package apppkg

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"

	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/hosting"
)

// The platform Flex Consumption runs custom handlers on: the deployment
// package is always built for it.
const (
	TargetGOOS   = "linux"
	TargetGOARCH = "amd64"
)

// Platform is a GOOS/GOARCH pair to build the handler for.
type Platform struct{ GOOS, GOARCH string }

func (p Platform) String() string { return p.GOOS + "/" + p.GOARCH }

// Target is the deployment package's platform, linux/amd64.
var Target = Platform{TargetGOOS, TargetGOARCH}

// Native is this machine's platform: what `func start` and devhost run
// locally.
var Native = Platform{runtime.GOOS, runtime.GOARCH}

// StageOptions says what to stage and where.
type StageOptions struct {
	// Root is the function app's source folder: host.json,
	// local.settings.json (optional) and functions/<name>/function.json.
	// It is the repository's root for the repository's app, or any folder
	// of the Go module (the library's test app is one); the handler is
	// built from there.
	Root string

	// Dir is the staged app folder. Its contents are replaced, so it must not
	// hold the sources: Stage refuses Root itself or any folder around it.
	Dir string

	// Package is the handler's main package, relative to Root; empty
	// means "./handler".
	Package string

	// Go is the go command; empty means "go" from PATH. Tests point it at a
	// specific toolchain.
	Go string

	// Output receives the go command's output; nil discards it.
	Output io.Writer

	// Platform is what to build the handler for. The zero value means
	// [Target], linux/amd64, what the deployment package needs; local runs
	// ask for [Native], so the developer's own machine can run it.
	Platform Platform

	// Hosting is which hosting the app is staged for; the zero value means
	// hosting.Triggers. The self hosting's host.json and
	// local.settings.json are made from the repository's (SelfHostJSON,
	// SelfSettings), and it has no function folders.
	Hosting hosting.Mode

	// Generate runs the handler's generation in Root first (the handler
	// run with -generate, as make generate does), so that a forgotten make
	// generate cannot stage, run or ship an app without its newest
	// functions: make build, make start and make package set it.
	Generate bool
}

// Staged says what [Stage] built.
type Staged struct {
	Dir        string       // the staged app folder, absolute
	Platform   Platform     // what the handler was built for
	Executable string       // the handler's name in Dir, as the staged host.json gives it
	Hosting    hosting.Mode // which hosting it is staged for
}

// String says what was built, for the developer: "staged build/app
// (hosting triggers): handler built for darwin/arm64".
func (s *Staged) String() string {
	return fmt.Sprintf("staged %s (hosting %s): %s built for %s", s.Dir, s.Hosting, s.Executable, s.Platform)
}

// Stage builds the handler for opts.Platform (static, -trimpath, stripped)
// and lays out the function app in opts.Dir: the binary under the name
// host.json gives it, host.json, local.settings.json when Root has one, and,
// in the trigger hosting, one folder per function. With opts.Generate it
// first brings the repository's generated files up to date. It stages only
// a valid app (see [funcapp.LoadDirs]), and checks what it staged the same
// way.
//
// Windows runs a program only by its extension, so a build for windows is
// named with ".exe" added (handler.exe), and the staged host.json's
// defaultExecutablePath says so; the repository's host.json, which the
// package ships, is not changed.
func Stage(ctx context.Context, opts StageOptions) (*Staged, error) {
	plat := opts.Platform
	if plat == (Platform{}) {
		plat = Target
	}
	if plat.GOOS == "" || plat.GOARCH == "" {
		return nil, fmt.Errorf("stage: platform %q: want both GOOS and GOARCH", plat)
	}
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	pkg := opts.Package
	if pkg == "" {
		pkg = "./handler"
	}
	// Stage empties dir first: never let that hold, or sit in, a source folder.
	if within(root, dir) {
		return nil, fmt.Errorf("stage folder %s holds the sources in %s: pick a folder of its own", dir, root)
	}
	for _, src := range []string{filepath.Join(root, "functions"), filepath.Join(root, pkg)} {
		if within(src, dir) || within(dir, src) {
			return nil, fmt.Errorf("stage folder %s overlaps the sources in %s: pick a folder of its own", dir, src)
		}
	}
	var generated string // the handler generation built, when it is this machine's
	if opts.Generate {
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return nil, err
		}
		tmp, err := os.MkdirTemp(filepath.Dir(dir), ".generate-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(tmp)
		if generated, err = generate(ctx, opts.Go, pkg, root, tmp, opts.Output); err != nil {
			return nil, err
		}
	}
	app, err := funcapp.LoadDirs(root, filepath.Join(root, "functions"))
	if err != nil {
		return nil, err
	}
	hostJSON, err := os.ReadFile(filepath.Join(root, "host.json"))
	if err != nil {
		return nil, err
	}
	mode := opts.Hosting
	if mode == "" {
		mode = hosting.Triggers
	}
	var settings []byte // the self hosting's local.settings.json
	if mode == hosting.Self {
		if hostJSON, err = SelfHostJSON(hostJSON); err != nil {
			return nil, err
		}
		var repo []byte
		if app.Settings != nil {
			if repo, err = os.ReadFile(filepath.Join(root, "local.settings.json")); err != nil {
				return nil, err
			}
		}
		if settings, err = SelfSettings(repo); err != nil {
			return nil, err
		}
	}
	exe := app.Host.Executable()
	if plat.GOOS == "windows" && !strings.EqualFold(filepath.Ext(exe), ".exe") {
		exe += ".exe"
		if hostJSON, err = setExecutable(hostJSON, app.Host.Executable(), exe); err != nil {
			return nil, err
		}
	}

	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if generated != "" && plat == Native {
		// The same build: go build -o would only link it again.
		if err := os.Rename(generated, filepath.Join(dir, exe)); err != nil {
			return nil, err
		}
	} else if err := build(ctx, opts.Go, pkg, root, filepath.Join(dir, exe), plat, opts.Output); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "host.json"), hostJSON, 0o644); err != nil {
		return nil, err
	}

	var copies [][2]string
	switch {
	case mode == hosting.Self:
		if err := os.WriteFile(filepath.Join(dir, "local.settings.json"), settings, 0o644); err != nil {
			return nil, err
		}
	case app.Settings != nil:
		copies = append(copies, [2]string{"local.settings.json", "local.settings.json"})
	}
	if mode == hosting.Triggers {
		for _, f := range app.Functions {
			copies = append(copies, [2]string{filepath.Join("functions", f.Name, "function.json"), filepath.Join(f.Name, "function.json")})
		}
	}
	for _, c := range copies {
		if err := copyTo(filepath.Join(dir, c[1]), filepath.Join(root, c[0])); err != nil {
			return nil, err
		}
	}
	// What was staged must read back as the app it is meant to be.
	staged, err := funcapp.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("the staged app in %s: %w", dir, err)
	}
	if staged.Host.Executable() != exe {
		return nil, fmt.Errorf("the staged host.json names %q, want %q", staged.Host.Executable(), exe)
	}
	if staged.Host.SelfHosted() != (mode == hosting.Self) {
		return nil, fmt.Errorf("the staged host.json is not for hosting %s", mode)
	}
	return &Staged{Dir: dir, Platform: plat, Executable: exe, Hosting: mode}, nil
}

// executablePath finds host.json's defaultExecutablePath member.
var executablePath = regexp.MustCompile(`("defaultExecutablePath"\s*:\s*)("(?:[^"\\]|\\.)*")`)

// setExecutable rewrites host.json's defaultExecutablePath from old to
// exe, leaving every other byte as the developer wrote it.
func setExecutable(hostJSON []byte, old, exe string) ([]byte, error) {
	ms := executablePath.FindAllSubmatchIndex(hostJSON, -1)
	if len(ms) != 1 {
		return nil, fmt.Errorf("host.json: want one defaultExecutablePath to rename to %q, found %d", exe, len(ms))
	}
	m := ms[0]
	var cur string
	if err := json.Unmarshal(hostJSON[m[4]:m[5]], &cur); err != nil || cur != old {
		return nil, fmt.Errorf("host.json: defaultExecutablePath %s is not %q", hostJSON[m[4]:m[5]], old)
	}
	val, err := json.Marshal(exe)
	if err != nil {
		return nil, err
	}
	out := append([]byte(nil), hostJSON[:m[4]]...)
	out = append(out, val...)
	return append(out, hostJSON[m[5]:]...), nil
}

// within reports whether path p is folder dir or inside it.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func build(ctx context.Context, goCmd, pkg, root, out string, plat Platform, output io.Writer) error {
	if goCmd == "" {
		goCmd = "go"
	}
	cmd := exec.CommandContext(ctx, goCmd, "build", "-trimpath", "-ldflags=-s -w", "-o", out, pkg)
	cmd.Dir = root
	// Static, so the binary needs nothing from the worker's libc.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+plat.GOOS, "GOARCH="+plat.GOARCH)
	var buf strings.Builder
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	if output != nil {
		io.WriteString(output, buf.String())
	}
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return fmt.Errorf("go build %s: %v\n%s", pkg, err, strings.TrimSpace(buf.String()))
		}
		return fmt.Errorf("go build %s: %w", pkg, err)
	}
	return nil
}

func copyTo(dst, src string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}
