package localrun

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"remote-mcp-functions-go/mcpfunc/internal/hosting"
)

func TestFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	o, err := FromEnv(env(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	// The defaults docs/local.md#settings gives: 7071, Azurite's 10000-10002.
	if o.MCPPort != 7071 || o.BlobPort != 10000 || o.QueuePort != 10001 || o.TablePort != 10002 ||
		o.AzuriteDir != ".azurite" || o.AppDir != "build/app" || o.UseDevhost || o.KeyMode {
		t.Fatalf("defaults: %+v", o)
	}
	o, err = FromEnv(env(map[string]string{"MCP_PORT": "7072", "USE_DEVHOST": "1", "MCP_EXTENSION_KEY": "k", "AZURITE_TABLE_PORT": "20002"}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if o.MCPPort != 7072 || !o.UseDevhost || !o.KeyMode || o.TablePort != 20002 {
		t.Fatalf("settings not read: %+v", o)
	}
	for _, bad := range []string{"http", "0", "70000", "-1"} {
		if _, err := FromEnv(env(map[string]string{"AZURITE_BLOB_PORT": bad}), nil); err == nil || !strings.Contains(err.Error(), "AZURITE_BLOB_PORT") {
			t.Errorf("AZURITE_BLOB_PORT=%q: %v", bad, err)
		}
	}
}

// The key's variable is named, never its value, in the shell's own syntax.
func TestHintsNameTheKeyVariable(t *testing.T) {
	unix := hints(7071, hosting.Triggers, true, "linux")
	if !strings.Contains(unix, `npx mcp-inspector --cli http://127.0.0.1:7071/runtime/webhooks/mcp --transport http --header "x-functions-key: $MCP_EXTENSION_KEY" --stored-auth-only --method tools/list`) {
		t.Fatalf("unix hints:\n%s", unix)
	}
	if win := hints(7071, hosting.Triggers, true, "windows"); !strings.Contains(win, `"x-functions-key: $env:MCP_EXTENSION_KEY"`) {
		t.Fatalf("windows hints:\n%s", win)
	}
	plain := hints(7072, hosting.Triggers, false, "darwin")
	if strings.Contains(plain, "x-functions-key") || !strings.Contains(plain, "--cli http://127.0.0.1:7072/runtime/webhooks/mcp --transport http --method tools/list") {
		t.Fatalf("hints without a key:\n%s", plain)
	}
	if !strings.Contains(plain, "\n  Ctrl+C stops it.\n") {
		t.Fatalf("the line the start tests wait for (mcpfunc/internal/e2e/start_test.go) is missing:\n%s", plain)
	}
}

func TestHasVar(t *testing.T) {
	env := []string{"PATH=/bin", "azurewebjobsstorage=x", "EMPTY="}
	if !hasVar(env, "AzureWebJobsStorage") || hasVar(env, "EMPTY") || hasVar(env, "MISSING") {
		t.Fatal("hasVar")
	}
}

// MCP_HOSTING picks the hosting; the self hosting's hints point at /mcp,
// with no SSE endpoint, and name its VS Code server.
func TestSelfHosting(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	o, err := FromEnv(env(nil), nil)
	if err != nil || o.Hosting != hosting.Triggers {
		t.Fatalf("default hosting: %q, %v", o.Hosting, err)
	}
	o, err = FromEnv(env(map[string]string{"MCP_HOSTING": "self"}), nil)
	if err != nil || o.Hosting != hosting.Self {
		t.Fatalf("MCP_HOSTING=self: %q, %v", o.Hosting, err)
	}
	if _, err := FromEnv(env(map[string]string{"MCP_HOSTING": "selfhosted"}), nil); err == nil || !strings.Contains(err.Error(), "MCP_HOSTING") {
		t.Fatalf("a bad MCP_HOSTING: %v", err)
	}
	h := hints(7071, hosting.Self, true, "linux")
	for _, want := range []string{
		"MCP endpoint (Streamable HTTP): http://127.0.0.1:7071/mcp\n",
		`server "local-mcp-self"`,
		`npx mcp-inspector --cli http://127.0.0.1:7071/mcp --transport http --header "x-functions-key: $MCP_EXTENSION_KEY" --stored-auth-only --method tools/list`,
		"\n  Ctrl+C stops it.\n",
	} {
		if !strings.Contains(h, want) {
			t.Errorf("self hints lack %q:\n%s", want, h)
		}
	}
	if strings.Contains(h, "/sse") || strings.Contains(h, "/runtime/webhooks") {
		t.Errorf("self hints name the extension's endpoints:\n%s", h)
	}
}

// The VS Code task for the self hosting is ready when make start prints
// its hints: its endsPattern matches a line of them.
func TestSelfTaskWaitsForTheHints(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", ".vscode", "tasks.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Tasks []struct {
			Label   string
			Options struct{ Env map[string]string }
			Problem struct {
				Background struct{ EndsPattern string }
			} `json:"problemMatcher"`
		}
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, task := range f.Tasks {
		if task.Options.Env["MCP_HOSTING"] != "self" {
			continue
		}
		found = true
		re := regexp.MustCompile(task.Problem.Background.EndsPattern)
		matched := false
		for _, line := range strings.Split(hints(7071, hosting.Self, false, "linux"), "\n") {
			matched = matched || re.MatchString(line)
		}
		if !matched {
			t.Errorf("task %q waits for %q, which no line of the hints matches", task.Label, re)
		}
	}
	if !found {
		t.Error("no task runs make start with MCP_HOSTING=self")
	}
}

// The VS Code line names a server of .vscode/mcp.json as it is only when
// that server reaches the endpoint as started (its url, no key); else it
// says what to change. The servers are read from the file itself.
func TestHintsVSCodeServerFits(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "..", ".vscode", "mcp.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Servers map[string]struct {
			URL     string            `json:"url"`
			Headers map[string]string `json:"headers"`
		} `json:"servers"`
	}
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []hosting.Mode{hosting.Triggers, hosting.Self} {
		for _, port := range []int{7071, 7072} {
			for _, key := range []bool{false, true} {
				h := hints(port, mode, key, "linux")
				var line string
				for _, l := range strings.Split(h, "\n") {
					if strings.HasPrefix(strings.TrimSpace(l), "VS Code:") {
						line = l
					}
				}
				endpoint := strings.TrimPrefix(strings.Split(h, "\n")[1], "  MCP endpoint (Streamable HTTP): ")
				name, asIs := "", false
				for n, s := range file.Servers {
					if strings.Contains(line, `"`+n+`"`) {
						name = n
						asIs = s.URL == endpoint && len(s.Headers) == 0 == !key
					}
				}
				if name == "" {
					t.Fatalf("%v port %d key %v: the VS Code line names no server of .vscode/mcp.json: %q", mode, port, key, line)
				}
				plain := line == `  VS Code: .vscode/mcp.json, server "`+name+`"`
				if plain != asIs {
					t.Errorf("%v port %d key %v: %q, but .vscode/mcp.json's %s reaches %s as it is: %v", mode, port, key, line, name, endpoint, asIs)
				}
				if !asIs && port != 7071 && !strings.Contains(line, endpoint) {
					t.Errorf("%v port %d: %q does not give the URL to use, %s", mode, port, line, endpoint)
				}
				if !asIs && key && !strings.Contains(line, "x-functions-key") {
					t.Errorf("%v key: %q does not say to add the key's header", mode, line)
				}
			}
		}
	}
}
