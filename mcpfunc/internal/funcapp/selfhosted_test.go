package funcapp_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
)

const selfHost = `{"version":"2.0","configurationProfile":"mcp-custom-handler",
"customHandler":{"description":{"defaultExecutablePath":"handler","workingDirectory":"","arguments":[]},"port":"8071"}}`

// writeSelfApp writes a staged self-hosted app: host.json and
// local.settings.json, no function folders.
func writeSelfApp(t *testing.T, host string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "host.json"), []byte(host), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "local.settings.json"), []byte(goodSettings), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "handler"), []byte("binary"), 0o755))
	return dir
}

func TestLoadSelfHosted(t *testing.T) {
	app, err := funcapp.Load(writeSelfApp(t, selfHost))
	require.NoError(t, err, "no bundle, no function folders: a self-hosted app")
	assert.True(t, app.Host.SelfHosted())
	assert.Empty(t, app.Functions)
	port, ok := app.Host.CustomHandler.PortNumber()
	assert.True(t, ok)
	assert.Equal(t, 8071, port)
	assert.Equal(t, "handler", app.Host.Executable())

	app, err = funcapp.Load(writeApp(t, goodHost, goodSettings, goodFunction))
	require.NoError(t, err)
	assert.False(t, app.Host.SelfHosted())
}

// What would make the host refuse the app, or load the MCP extension
// beside the handler's own server.
func TestSelfHostedProblems(t *testing.T) {
	tests := []struct {
		name, old, new string
		function       bool
		want           string
	}{
		{"a bundle", `"version":"2.0",`, `"version":"2.0","extensionBundle":{"id":"Microsoft.Azure.Functions.ExtensionBundle","version":"[4.35.0, 5.0.0)"},`, false, "extensionBundle: must be absent"},
		{"a function folder", "", "", true, "function folders (get, …) beside the mcp-custom-handler profile"},
		{"profile in another case", `"mcp-custom-handler"`, `"MCP-Custom-Handler"`, false, `configurationProfile: "MCP-Custom-Handler": this app supports "mcp-custom-handler" only`},
		{"port without the profile", `"configurationProfile":"mcp-custom-handler",`, ``, false, "configurationProfile: customHandler.port and customHandler.http belong to"},
		{"port not a number", `"port":"8071"`, `"port":"http"`, false, `customHandler.port: want the handler's port`},
		{"port out of range", `"port":"8071"`, `"port":"70000"`, false, `customHandler.port: want the handler's port`},
		{"forwarding", `"port":"8071"`, `"port":"8071","enableForwardingHttpRequest":true`, false, "enableForwardingHttpRequest: must be false"},
		{"auth level", `"port":"8071"`, `"port":"8071","http":{"DefaultAuthorizationLevel":"open"}`, false, `DefaultAuthorizationLevel: "open"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeSelfApp(t, strings.Replace(selfHost, tt.old, tt.new, 1))
			if tt.function {
				require.NoError(t, os.MkdirAll(filepath.Join(dir, "get"), 0o755))
				require.NoError(t, os.WriteFile(filepath.Join(dir, "get", "function.json"), []byte(goodFunction), 0o644))
			}
			_, err := funcapp.Load(dir)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	for _, ok := range []string{`"port":8071`, `"port":"8071","http":{"DefaultAuthorizationLevel":"anonymous"}`} {
		_, err := funcapp.Load(writeSelfApp(t, strings.Replace(selfHost, `"port":"8071"`, ok, 1)))
		assert.NoError(t, err, ok)
	}
	_, err := funcapp.Load(writeSelfApp(t, strings.Replace(selfHost, `,"port":"8071"`, ``, 1)))
	assert.NoError(t, err, "no port: the host picks one")
}
