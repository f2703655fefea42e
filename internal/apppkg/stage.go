package apppkg

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"remote-mcp-functions-go/internal/funcapp"
)

// The platform Flex Consumption runs custom handlers on.
const (
	TargetGOOS   = "linux"
	TargetGOARCH = "amd64"
)

// StageOptions says what to stage and where.
type StageOptions struct {
	// Root is the repository: host.json, local.settings.json (optional),
	// functions/<name>/function.json, and the handler's Go package.
	Root string

	// Dir is the staged app folder. Its contents are replaced, so it must not
	// hold the sources: Stage refuses Root itself or any folder around it.
	Dir string

	// Package is the handler's Go package, relative to Root; empty means
	// "./handler".
	Package string

	// Go is the go command; empty means "go" from PATH. Tests point it at a
	// specific toolchain.
	Go string

	// Output receives the go command's output; nil discards it.
	Output io.Writer
}

// Stage builds the handler for linux/amd64 (static, -trimpath, stripped) and
// lays out the function app in opts.Dir: the binary under the name host.json
// gives it, host.json, local.settings.json when Root has one, and one folder
// per function. It stages only a valid app (see [funcapp.LoadDirs]).
func Stage(ctx context.Context, opts StageOptions) error {
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return err
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return err
	}
	pkg := opts.Package
	if pkg == "" {
		pkg = "./handler"
	}
	// Stage empties dir first: never let that hold, or sit in, a source folder.
	if within(root, dir) {
		return fmt.Errorf("stage folder %s holds the sources in %s: pick a folder of its own", dir, root)
	}
	for _, src := range []string{filepath.Join(root, "functions"), filepath.Join(root, pkg)} {
		if within(src, dir) || within(dir, src) {
			return fmt.Errorf("stage folder %s overlaps the sources in %s: pick a folder of its own", dir, src)
		}
	}
	app, err := funcapp.LoadDirs(root, filepath.Join(root, "functions"))
	if err != nil {
		return err
	}

	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := build(ctx, opts.Go, pkg, root, filepath.Join(dir, app.Host.Executable()), opts.Output); err != nil {
		return err
	}

	copies := [][2]string{{"host.json", "host.json"}}
	if app.Settings != nil {
		copies = append(copies, [2]string{"local.settings.json", "local.settings.json"})
	}
	for _, f := range app.Functions {
		copies = append(copies, [2]string{filepath.Join("functions", f.Name, "function.json"), filepath.Join(f.Name, "function.json")})
	}
	for _, c := range copies {
		if err := copyTo(filepath.Join(dir, c[1]), filepath.Join(root, c[0])); err != nil {
			return err
		}
	}
	return nil
}

// within reports whether path p is folder dir or inside it.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func build(ctx context.Context, goCmd, pkg, root, out string, output io.Writer) error {
	if goCmd == "" {
		goCmd = "go"
	}
	cmd := exec.CommandContext(ctx, goCmd, "build", "-trimpath", "-ldflags=-s -w", "-o", out, pkg)
	cmd.Dir = root
	// Static, so the binary needs nothing from the worker's libc.
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+TargetGOOS, "GOARCH="+TargetGOARCH)
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
