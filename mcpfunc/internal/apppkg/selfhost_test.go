package apppkg

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/hosting"
)

// The self hosting's host.json keeps the repository's members in their
// order, adds the profile and the port, and drops what would load the MCP
// extension or move /mcp.
func TestSelfHostJSON(t *testing.T) {
	repo := []byte(`{
  "version": "2.0",
  "functionTimeout": "00:05:00",
  "logging": {"logLevel": {"default": "Information"}},
  "extensionBundle": {"id": "Microsoft.Azure.Functions.ExtensionBundle", "version": "[4.35.0, 5.0.0)"},
  "customHandler": {
    "description": {"defaultExecutablePath": "handler", "workingDirectory": "", "arguments": []},
    "enableForwardingHttpRequest": false,
    "port": "1234"
  },
  "extensions": {"mcp": {"serverName": "x"}, "http": {"routePrefix": "api"}},
  "concurrency": {"dynamicConcurrencyEnabled": true}
}`)
	got, err := SelfHostJSON(repo)
	require.NoError(t, err)
	assert.Equal(t, `{
  "version": "2.0",
  "configurationProfile": "mcp-custom-handler",
  "functionTimeout": "00:05:00",
  "logging": {
    "logLevel": {
      "default": "Information"
    }
  },
  "customHandler": {
    "description": {
      "defaultExecutablePath": "handler",
      "workingDirectory": "",
      "arguments": []
    },
    "port": "8071"
  },
  "concurrency": {
    "dynamicConcurrencyEnabled": true
  }
}
`, string(got))
	again, err := SelfHostJSON(got)
	require.NoError(t, err)
	assert.Equal(t, string(got), string(again), "made once or twice, the same")

	_, err = SelfHostJSON([]byte(`[1]`))
	assert.ErrorContains(t, err, "not a JSON object")
}

func TestSelfSettings(t *testing.T) {
	got, err := SelfSettings([]byte(`{"IsEncrypted":false,"Values":{"FUNCTIONS_WORKER_RUNTIME":"Custom","AzureWebJobsStorage":"UseDevelopmentStorage=true","AzureWebJobsFeatureFlags":"EnableWorkerIndexing"},"Host":{"CORS":"http://localhost:5173"}}`))
	require.NoError(t, err)
	var s funcapp.Settings
	require.NoError(t, json.Unmarshal(got, &s))
	assert.Equal(t, map[string]string{
		"FUNCTIONS_WORKER_RUNTIME": "custom",
		"AzureWebJobsStorage":      "UseDevelopmentStorage=true",
		"AzureWebJobsFeatureFlags": "EnableWorkerIndexing,EnableMcpCustomHandlerPreview",
		"MCP_HOSTING":              "self",
	}, s.Values)
	assert.Equal(t, "http://localhost:5173", s.Host.CORS, "func start's own options stay")

	got, err = SelfSettings(nil)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(got, &s))
	assert.Equal(t, "EnableMcpCustomHandlerPreview", s.Values["AzureWebJobsFeatureFlags"])
	assert.Equal(t, "EnableMcpCustomHandlerPreview", withFlag("EnableMcpCustomHandlerPreview", "EnableMcpCustomHandlerPreview"))
}

// Staged for the self hosting, the app is the binary, the profile's
// host.json and local.settings.json: no function folder, no bundle; it
// packs into a zip of the binary and host.json alone.
func TestStageSelfHosted(t *testing.T) {
	root := sourceTree(t)
	dir := filepath.Join(t.TempDir(), "app")
	st, err := Stage(context.Background(), StageOptions{Root: root, Dir: dir, Hosting: hosting.Self})
	require.NoError(t, err)
	assert.Equal(t, hosting.Self, st.Hosting)
	assert.Contains(t, st.String(), "(hosting self)")

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{"handler", "host.json", "local.settings.json"}, names)

	app, err := funcapp.Load(dir)
	require.NoError(t, err)
	assert.True(t, app.Host.SelfHosted())
	assert.Nil(t, app.Host.ExtensionBundle)
	assert.Equal(t, "self", app.Settings.Values["MCP_HOSTING"])
	repoHost, err := os.ReadFile(filepath.Join(root, "host.json"))
	require.NoError(t, err)
	want, err := SelfHostJSON(repoHost)
	require.NoError(t, err)
	staged, err := os.ReadFile(filepath.Join(dir, "host.json"))
	require.NoError(t, err)
	assert.Equal(t, string(want), string(staged))

	var buf bytes.Buffer
	packed, err := Pack(&buf, PackOptions{Dir: dir})
	require.NoError(t, err)
	var got []string
	for _, e := range packed {
		got = append(got, e.Name)
	}
	assert.Equal(t, []string{"handler", "host.json"}, got)
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	require.NoError(t, err)
	assert.Len(t, zr.File, 2)

	// Windows: the staged host.json names handler.exe, the rest the same.
	win := filepath.Join(t.TempDir(), "win")
	st, err = Stage(context.Background(), StageOptions{Root: root, Dir: win, Hosting: hosting.Self, Platform: Platform{"windows", "amd64"}})
	require.NoError(t, err)
	assert.Equal(t, "handler.exe", st.Executable)
	wh, err := os.ReadFile(filepath.Join(win, "host.json"))
	require.NoError(t, err)
	assert.Equal(t, string(bytes.Replace(want, []byte(`"handler"`), []byte(`"handler.exe"`), 1)), string(wh))
}
