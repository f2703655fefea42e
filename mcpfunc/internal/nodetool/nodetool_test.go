package nodetool

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var root = func() string {
	p, err := filepath.Abs(filepath.Join("..", "..", ".."))
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

// Install runs npm ci when node_modules is missing, older than the lock,
// or lacks the set asked for, and only then: Run installs package.json's
// own dependencies, All the workspace's too (a project whose dependencies
// are local folders: no download).
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
	write("testdep/package.json", `{"name":"testdep","version":"1.0.0"}`)
	write("tests/package.json", `{"name":"demo-tests","version":"1.0.0","private":true,"devDependencies":{"testdep":"file:../testdep"}}`)
	write("package.json", `{"name":"demo","version":"1.0.0","private":true,"devDependencies":{"dep":"file:dep"},"workspaces":["tests"]}`)
	lock := exec.Command("npm", "install", "--package-lock-only", "--offline", "--no-audit", "--no-fund", "--loglevel=error")
	lock.Dir = dir
	if out, err := lock.CombinedOutput(); err != nil {
		t.Fatalf("npm install --package-lock-only: %v\n%s", err, out)
	}
	has := func(pkg string) bool {
		_, err := os.Stat(filepath.Join(dir, "node_modules", pkg, "package.json"))
		return err == nil
	}
	install := func(set Set, wantRan bool) {
		t.Helper()
		var out strings.Builder
		ran, err := Install(t.Context(), dir, set, &out)
		if err != nil || ran != wantRan {
			t.Fatalf("Install(%v): ran %v, want %v; %v; npm said %s", set, ran, wantRan, err, out.String())
		}
	}
	if Installed(dir, Run) || Installed(dir, All) {
		t.Fatal("nothing is installed yet")
	}
	install(Run, true)
	if !has("dep") || has("testdep") {
		t.Fatalf("Run installs the root's dependencies alone: dep %v, testdep %v", has("dep"), has("testdep"))
	}
	if !Installed(dir, Run) || Installed(dir, All) {
		t.Fatalf("after Run: Installed(Run) %v, Installed(All) %v", Installed(dir, Run), Installed(dir, All))
	}
	install(Run, false)
	install(All, true)
	if !has("dep") || !has("testdep") {
		t.Fatalf("All installs both: dep %v, testdep %v", has("dep"), has("testdep"))
	}
	install(All, false)
	install(Run, false) // All holds Run

	future := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "package-lock.json"), future, future); err != nil {
		t.Fatal(err)
	}
	if Installed(dir, Run) {
		t.Fatal("a lock newer than the install")
	}
	install(Run, true)
}
