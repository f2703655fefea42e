package localrun

import (
	"strings"
	"testing"
)

func TestFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	o, err := FromEnv(env(nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	// The defaults README.md and DESIGN.md give: 7071, Azurite's 10000-10002.
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
	unix := hints(7071, true, "linux")
	if !strings.Contains(unix, `npx mcp-inspector --cli http://127.0.0.1:7071/runtime/webhooks/mcp --transport http --header "x-functions-key: $MCP_EXTENSION_KEY" --stored-auth-only --method tools/list`) {
		t.Fatalf("unix hints:\n%s", unix)
	}
	if win := hints(7071, true, "windows"); !strings.Contains(win, `"x-functions-key: $env:MCP_EXTENSION_KEY"`) {
		t.Fatalf("windows hints:\n%s", win)
	}
	plain := hints(7072, false, "darwin")
	if strings.Contains(plain, "x-functions-key") || !strings.Contains(plain, "--cli http://127.0.0.1:7072/runtime/webhooks/mcp --transport http --method tools/list") {
		t.Fatalf("hints without a key:\n%s", plain)
	}
	if !strings.Contains(plain, "\n  Ctrl+C stops it.\n") {
		t.Fatalf("the line the start tests wait for (internal/e2e/start_test.go) is missing:\n%s", plain)
	}
}

func TestHasVar(t *testing.T) {
	env := []string{"PATH=/bin", "azurewebjobsstorage=x", "EMPTY="}
	if !hasVar(env, "AzureWebJobsStorage") || hasVar(env, "EMPTY") || hasVar(env, "MISSING") {
		t.Fatal("hasVar")
	}
}
