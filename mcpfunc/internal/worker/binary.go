package worker

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"remote-mcp-functions-go/mcpfunc/internal/exefmt"
)

// CheckExecutable reports, in words a developer can act on, why path cannot
// run as the handler on this machine: missing, a folder, not executable, or
// built for another OS or architecture (make build stages a handler for
// this machine; the deployment package holds a linux/amd64 one, which only
// a Linux x86-64 machine runs). A "#!" script is accepted on Unix.
func CheckExecutable(path string) error {
	return checkExecutable(path, runtime.GOOS, runtime.GOARCH)
}

func checkExecutable(path, goos, goarch string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("handler binary %s not found: build and stage the app first (make build, or go run ./mcpfunc/cmd/start)", path)
	case err != nil:
		return fmt.Errorf("handler binary: %w", err)
	case fi.IsDir():
		return fmt.Errorf("handler binary %s is a folder", path)
	}
	if goos == "windows" {
		// Windows runs a file by its extension; there is no +x bit.
		if !strings.EqualFold(filepath.Ext(path), ".exe") {
			return fmt.Errorf("handler binary %s does not end in .exe, which Windows needs to run it: stage the app on this machine (make build, or go run ./mcpfunc/cmd/start), which names it handler.exe", path)
		}
	} else if fi.Mode().Perm()&0o111 == 0 {
		return fmt.Errorf("handler binary %s is not executable (mode %v): chmod +x it, or rebuild with make build", path, fi.Mode().Perm())
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("handler binary: %w", err)
	}
	defer f.Close()
	magic := make([]byte, 2)
	if _, err := io.ReadFull(f, magic); err != nil {
		return fmt.Errorf("handler binary %s is too short to be a program", path)
	}
	if goos != "windows" && bytes.Equal(magic, []byte("#!")) {
		return nil
	}
	if err := exefmt.Check(f, goos, goarch); err != nil {
		return fmt.Errorf("handler binary %s cannot run on this machine (%s/%s): %v; stage it for this machine with make build (or go run ./mcpfunc/cmd/start)", path, goos, goarch, err)
	}
	return nil
}
