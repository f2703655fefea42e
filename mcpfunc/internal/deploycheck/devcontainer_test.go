package deploycheck

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDevcontainer checks .devcontainer/devcontainer.json offline: it
// parses, brings every tool `make start` under the real `func start` and
// `azd up` need (as dev container features), forwards the MCP port, and
// installs the project's dependencies after creation.
func TestDevcontainer(t *testing.T) {
	var dc struct {
		Image             string                     `json:"image"`
		Features          map[string]json.RawMessage `json:"features"`
		ForwardPorts      []int                      `json:"forwardPorts"`
		PostCreateCommand string                     `json:"postCreateCommand"`
	}
	var all map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(read(t, ".devcontainer/devcontainer.json")), &all), "plain JSON")
	require.NoError(t, json.Unmarshal([]byte(read(t, ".devcontainer/devcontainer.json")), &dc))

	// Debian 12: Core Tools' packages do not support Debian 13 yet.
	assert.Contains(t, dc.Image, "bookworm")
	version := func(id string) string {
		t.Helper()
		raw, ok := dc.Features[id]
		require.True(t, ok, "feature %s (have %v)", id, keys(dc.Features))
		var opts struct{ Version string }
		require.NoError(t, json.Unmarshal(raw, &opts))
		return opts.Version
	}
	goMod := read(t, "go.mod")
	goVersion := version("ghcr.io/devcontainers/features/go:1")
	assert.True(t, strings.Contains(goMod, "\ngo "+goVersion+".") || strings.Contains(goMod, "\ngo "+goVersion+"\n"),
		"the Go feature's version %q is go.mod's", goVersion)
	assert.Equal(t, "20", version("ghcr.io/devcontainers/features/node:1"), "Node 20 or later, as the README says")
	version("ghcr.io/devcontainers/features/azure-cli:1")
	version("ghcr.io/azure/azure-dev/azd:latest")
	version("ghcr.io/devcontainers/features/azure-functions-core-tools:1")

	assert.Contains(t, dc.ForwardPorts, 7071, "the MCP port")
	assert.Equal(t, "make deps", dc.PostCreateCommand)
	assert.Contains(t, read(t, "Makefile"), "\ndeps:", "the target postCreateCommand runs")
}

func keys(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
