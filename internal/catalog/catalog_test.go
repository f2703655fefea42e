package catalog_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/internal/catalog"
	"remote-mcp-functions-go/internal/funcapp"
	"remote-mcp-functions-go/internal/mcptool"
)

// TestFunctionApp checks the repository's function app against the Go
// tools: the function folders and the routes are the same set, and each
// function.json promises what its Go tool does.
func TestFunctionApp(t *testing.T) {
	app, err := funcapp.LoadDirs("../..", "../../functions")
	require.NoError(t, err, "host.json, local.settings.json and functions/*/function.json")
	tools := catalog.Tools(catalog.Config{})

	var folders, routes []string
	for _, f := range app.Functions {
		folders = append(folders, f.Name)
	}
	for _, tool := range tools {
		routes = append(routes, tool.Name)
	}
	slices.Sort(routes)
	assert.Equal(t, folders, routes, "every functions/<name> has a Go tool and the reverse")

	for _, tool := range tools {
		t.Run(tool.Name, func(t *testing.T) {
			f := app.Function(tool.Name)
			require.NotNil(t, f)
			trigger := f.ToolTrigger()
			require.NotNil(t, trigger, "an mcpToolTrigger")
			assert.Equal(t, tool.Name, trigger.ToolName, "tool name = function name")
			assert.Equal(t, tool.Kind == mcptool.Rich, trigger.UseResultSchema,
				"a %s tool needs useResultSchema=%v: rich results travel as call_tool_result", tool.Kind, tool.Kind == mcptool.Rich)
			assert.ElementsMatch(t, tool.Inputs, bindingNames(f.Blobs(funcapp.In)), "blob inputs")
			assert.ElementsMatch(t, tool.Outputs, bindingNames(f.Blobs(funcapp.Out)), "blob outputs")
		})
	}
}

func bindingNames(bs []*funcapp.Binding) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.Name)
	}
	return out
}

func TestConfigFromEnv(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == catalog.SnippetMaxBytesSetting {
				return v
			}
			return ""
		}
	}
	c, err := catalog.ConfigFromEnv(env(""))
	require.NoError(t, err)
	assert.Zero(t, c.SnippetMaxBytes, "unset means the default")
	c, err = catalog.ConfigFromEnv(env("2048"))
	require.NoError(t, err)
	assert.Equal(t, 2048, c.SnippetMaxBytes)
	for _, bad := range []string{"0", "-1", "1MB", "x"} {
		_, err := catalog.ConfigFromEnv(env(bad))
		assert.ErrorContains(t, err, catalog.SnippetMaxBytesSetting, bad)
	}
}
