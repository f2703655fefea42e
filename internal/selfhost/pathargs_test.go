package selfhost

import (
	"encoding/json"
	"maps"
	"testing"

	"github.com/stretchr/testify/assert"

	"remote-mcp-functions-go/internal/invoke"
)

// pathArgs is the host's mcptoolargs (invoke.ToolInvocation.ToolArgs)
// less the arguments no path names in any case.
func TestPathArgs(t *testing.T) {
	args := map[string]json.RawMessage{
		"snippetname": json.RawMessage(`"a"`),
		"SnippetName": json.RawMessage(`"b"`),
		"flag":        json.RawMessage(`true`),
		"snippet":     json.RawMessage(`"a large text no path uses"`),
		"n":           json.RawMessage(`5`),
	}
	all := (&invoke.ToolInvocation{Arguments: args}).ToolArgs()
	want := maps.Clone(all)
	delete(want, "snippet")
	delete(want, "n")
	assert.Equal(t, want, pathArgs(args, []string{"snippetname", "FLAG"}))
	assert.Equal(t, map[string]string{"snippetname": "a", "SnippetName": "b", "flag": "True"}, want, "as the host converts them")
	assert.Empty(t, pathArgs(args, nil))
	assert.NotNil(t, pathArgs(map[string]json.RawMessage{}, nil), "arguments, none a path uses")
	assert.Nil(t, pathArgs(nil, []string{"snippetname"}), "no arguments at all")
}
