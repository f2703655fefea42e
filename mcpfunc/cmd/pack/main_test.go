package main

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"remote-mcp-functions-go/mcpfunc/internal/apppkg"
	"remote-mcp-functions-go/mcpfunc/internal/hosting"
)

// The packer stages and packs the hosting it is given (main reads it from
// MCP_HOSTING, as azd's hook passes it), and refuses to pack a staging of
// the other hosting.
func TestPackEachHosting(t *testing.T) {
	root := filepath.Join("..", "..")
	for _, mode := range []hosting.Mode{hosting.Triggers, hosting.Self} {
		t.Run(string(mode), func(t *testing.T) {
			dir, out := filepath.Join(t.TempDir(), "package"), filepath.Join(t.TempDir(), "app.zip")
			if err := run(context.Background(), mode, true, false, root, "./handler", dir, out); err != nil {
				t.Fatal(err)
			}
			zr, err := zip.OpenReader(out)
			if err != nil {
				t.Fatal(err)
			}
			defer zr.Close()
			var names []string
			for _, f := range zr.File {
				names = append(names, f.Name)
			}
			hasFunctions := strings.Contains(strings.Join(names, " "), "/function.json")
			if hasFunctions != (mode == hosting.Triggers) {
				t.Errorf("entries %v: function folders exactly in the trigger hosting", names)
			}
			if staged, err := apppkg.HostingOf(dir); err != nil || staged != mode {
				t.Errorf("staged for %q (%v), want %q", staged, err, mode)
			}

			other := hosting.Self
			if mode == hosting.Self {
				other = hosting.Triggers
			}
			again := filepath.Join(t.TempDir(), "again.zip")
			err = run(context.Background(), other, false, false, root, "./handler", dir, again)
			if err == nil || !strings.Contains(err.Error(), "is staged for hosting "+string(mode)) {
				t.Fatalf("packing a %s staging as %s: %v", mode, other, err)
			}
			if _, err := os.Stat(again); err == nil {
				t.Error("nothing is written when the hostings disagree")
			}
		})
	}
}
