package deploycheck

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/devhost"
	"remote-mcp-functions-go/mcpfunc/internal/guard"
	"remote-mcp-functions-go/mcpfunc/internal/selfhost"
)

// .vscode/mcp.json has a local and a remote server for each hosting, at
// the paths the servers serve, the remote ones with the key header the
// host reads.
func TestVSCodeServers(t *testing.T) {
	var cfg struct {
		Inputs []struct {
			ID       string `json:"id"`
			Password bool   `json:"password"`
		} `json:"inputs"`
		Servers map[string]struct {
			Type    string            `json:"type"`
			URL     string            `json:"url"`
			Headers map[string]string `json:"headers"`
		} `json:"servers"`
	}
	require.NoError(t, json.Unmarshal([]byte(read(t, ".vscode/mcp.json")), &cfg))
	secret := map[string]bool{}
	for _, in := range cfg.Inputs {
		secret["${input:"+in.ID+"}"] = in.Password
	}
	want := map[string]string{
		"local-mcp-function":  "http://127.0.0.1:7071" + devhost.MCPPath,
		"remote-mcp-function": "https://${input:functionapp-name}.azurewebsites.net" + devhost.MCPPath,
		"local-mcp-self":      "http://127.0.0.1:7071" + selfhost.Path,
		"remote-mcp-self":     "https://${input:functionapp-name}.azurewebsites.net" + selfhost.Path,
	}
	for name, url := range want {
		s, ok := cfg.Servers[name]
		if !assert.True(t, ok, "server %s", name) {
			continue
		}
		assert.Equal(t, "http", s.Type, name)
		assert.Equal(t, url, s.URL, name)
		if strings.HasPrefix(name, "remote-") {
			key := s.Headers[guard.KeyHeader]
			assert.True(t, secret[key], "%s sends a key from a password input, got %q", name, key)
		} else {
			assert.Empty(t, s.Headers, "%s: no key locally", name)
		}
	}
}
