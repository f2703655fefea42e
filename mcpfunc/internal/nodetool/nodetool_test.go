package nodetool

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var root = func() string {
	p, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		panic(err)
	}
	return p
}()

// The pinned tools run through node and print the versions package.json
// pins.
func TestCommandRunsThePinnedTools(t *testing.T) {
	var pkg struct{ DevDependencies map[string]string }
	b, err := os.ReadFile(filepath.Join(root, "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatal(err)
	}
	for _, tool := range []struct{ pkg, bin string }{{"azurite", ""}, {"@modelcontextprotocol/inspector", "mcp-inspector"}} {
		t.Run(tool.pkg, func(t *testing.T) {
			cmd, err := Command(root, tool.pkg, tool.bin, "--version")
			if err != nil {
				t.Fatal(err)
			}
			if filepath.Base(cmd.Path) != "node" && filepath.Base(cmd.Path) != "node.exe" {
				t.Errorf("runs %s, want node", cmd.Path)
			}
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%v: %v", cmd.Args, err)
			}
			if got, want := strings.TrimSpace(string(out)), pkg.DevDependencies[tool.pkg]; got != want {
				t.Fatalf("--version printed %q, want %q", got, want)
			}
		})
	}
}

func TestCommandSaysHowToInstall(t *testing.T) {
	_, err := Command(root, "no-such-tool", "")
	if err == nil || !strings.Contains(err.Error(), "npm ci") {
		t.Fatalf("want an error naming npm ci, got %v", err)
	}
	_, err = Command(root, "azurite", "no-such-bin")
	if err == nil || !strings.Contains(err.Error(), `no bin "no-such-bin"`) {
		t.Fatalf("want an error naming the bin, got %v", err)
	}
}

func TestBinScript(t *testing.T) {
	one, err := binScript("@scope/tool", json.RawMessage(`"./cli.js"`), "")
	if err != nil || one != "./cli.js" {
		t.Fatalf("one path: %q, %v", one, err)
	}
	many := json.RawMessage(`{"tool":"./a.js","other":"./b.js"}`)
	if s, err := binScript("@scope/tool", many, ""); err != nil || s != "./a.js" {
		t.Fatalf("default bin is the package's name: %q, %v", s, err)
	}
	if s, err := binScript("@scope/tool", many, "other"); err != nil || s != "./b.js" {
		t.Fatalf("named bin: %q, %v", s, err)
	}
}

// Install runs npm ci when node_modules is missing or older than the lock,
// and only then (a project whose one dependency is a local folder: no
// download).
func TestInstall(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("dep/package.json", `{"name":"dep","version":"1.0.0"}`)
	write("package.json", `{"name":"demo","version":"1.0.0","private":true,"dependencies":{"dep":"file:dep"}}`)
	write("package-lock.json", `{"name":"demo","version":"1.0.0","lockfileVersion":3,"requires":true,"packages":{
		"":{"name":"demo","version":"1.0.0","dependencies":{"dep":"file:dep"}},
		"dep":{"version":"1.0.0"},
		"node_modules/dep":{"resolved":"dep","link":true}}}`)
	var out strings.Builder
	ran, err := Install(t.Context(), dir, &out)
	if err != nil || !ran {
		t.Fatalf("first Install: ran %v, %v; npm said %s", ran, err, out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json")); err != nil {
		t.Fatalf("npm ci left no record: %v", err)
	}
	if ran, err := Install(t.Context(), dir, &out); err != nil || ran {
		t.Fatalf("Install with nothing changed: ran %v, %v", ran, err)
	}
	future := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "package-lock.json"), future, future); err != nil {
		t.Fatal(err)
	}
	if ran, err := Install(t.Context(), dir, &out); err != nil || !ran {
		t.Fatalf("Install after the lock changed: ran %v, %v", ran, err)
	}
}
