package apppkg

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// generate runs the handler's own generation in root (the handler package
// built for this machine, run with -generate -root root), so that what
// is staged is what the Go declarations say: function folders, the
// manifest and host.json's server block. It returns the binary it built,
// in tmp, which a staging for this machine reuses: the same build. Its
// lines go to output, each prefixed with "generate: ".
func generate(ctx context.Context, goCmd, pkg, root, tmp string, output io.Writer) (string, error) {
	exe := filepath.Join(tmp, "handler")
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	if err := build(ctx, goCmd, pkg, root, exe, Native, output); err != nil {
		return "", err
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, exe, "-generate", "-root", root)
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if output != nil {
		for sc := bufio.NewScanner(&out); sc.Scan(); {
			fmt.Fprintln(output, "generate:", sc.Text())
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", fmt.Errorf("%s -generate: %v\n%s", pkg, err, strings.TrimSpace(out.String()))
	}
	return exe, nil
}
