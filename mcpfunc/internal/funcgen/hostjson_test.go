package funcgen_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/funcgen"
)

var info = decl.ServerInfo{Name: "Notes server", Version: "2.1.0", Instructions: `Use "save" <then> read & list.`}

// Each case's want is written out by hand: the input's bytes, with only
// the server block changed.
func TestHostJSON(t *testing.T) {
	tests := []struct{ name, src, want string }{{
		name: "block replaced, other members of mcp kept after it",
		src: `{
  "version": "2.0",
  "logging": {"logLevel": {"default": "Information"}},
  "extensions": {
    "http": { "routePrefix": "api" },
    "mcp": {
      "system": {
        "webhookAuthorizationLevel": "Anonymous"
      },
      "serverName": "old",
      "instructions": "old instructions"
    }
  },
  "customHandler": {"description": {"defaultExecutablePath": "handler"}}
}
`,
		want: `{
  "version": "2.0",
  "logging": {"logLevel": {"default": "Information"}},
  "extensions": {
    "http": { "routePrefix": "api" },
    "mcp": {
      "serverName": "Notes server",
      "serverVersion": "2.1.0",
      "instructions": "Use \"save\" <then> read & list.",
      "system": {
        "webhookAuthorizationLevel": "Anonymous"
      }
    }
  },
  "customHandler": {"description": {"defaultExecutablePath": "handler"}}
}
`,
	}, {
		name: "no extensions: added last, indented as the file is",
		src:  "{\n\t\"version\": \"2.0\",\n\t\"customHandler\": {}\n}",
		want: "{\n\t\"version\": \"2.0\",\n\t\"customHandler\": {},\n\t\"extensions\": {\n\t\t\"mcp\": {\n\t\t\t\"serverName\": \"Notes server\",\n\t\t\t\"serverVersion\": \"2.1.0\",\n\t\t\t\"instructions\": \"Use \\\"save\\\" <then> read & list.\"\n\t\t}\n\t}\n}",
	}, {
		name: "extensions without mcp",
		src: `{
    "version": "2.0",
    "extensions": {
        "http": {"routePrefix": ""}
    }
}
`,
		want: `{
    "version": "2.0",
    "extensions": {
        "http": {"routePrefix": ""},
        "mcp": {
            "serverName": "Notes server",
            "serverVersion": "2.1.0",
            "instructions": "Use \"save\" <then> read & list."
        }
    }
}
`,
	}, {
		name: "empty extensions",
		src:  "{\n  \"version\": \"2.0\",\n  \"extensions\": {}\n}\n",
		want: "{\n  \"version\": \"2.0\",\n  \"extensions\": {\n    \"mcp\": {\n      \"serverName\": \"Notes server\",\n      \"serverVersion\": \"2.1.0\",\n      \"instructions\": \"Use \\\"save\\\" <then> read & list.\"\n    }\n  }\n}\n",
	}, {
		name: "on one line",
		src:  `{"version":"2.0","extensions":{"mcp":{"serverName":"x"}}}`,
		want: `{"version":"2.0","extensions":{"mcp":{"serverName":"Notes server","serverVersion":"2.1.0","instructions":"Use \"save\" <then> read & list."}}}`,
	}, {
		name: "names in another case, as the host reads them",
		src:  "{\n  \"version\": \"2.0\",\n  \"Extensions\": {\n    \"MCP\": {\n      \"ServerName\": \"x\"\n    }\n  }\n}\n",
		want: "{\n  \"version\": \"2.0\",\n  \"Extensions\": {\n    \"MCP\": {\n      \"serverName\": \"Notes server\",\n      \"serverVersion\": \"2.1.0\",\n      \"instructions\": \"Use \\\"save\\\" <then> read & list.\"\n    }\n  }\n}\n",
	}, {
		name: "already right, laid out otherwise: left as it is",
		src:  "{\"version\":\"2.0\",\n \"extensions\": {\"mcp\": {\"instructions\":\"Use \\\"save\\\" \\u003cthen> read & list.\", \"serverVersion\":\"2.1.0\",\"serverName\":\"Notes server\"}}}",
		want: "{\"version\":\"2.0\",\n \"extensions\": {\"mcp\": {\"instructions\":\"Use \\\"save\\\" \\u003cthen> read & list.\", \"serverVersion\":\"2.1.0\",\"serverName\":\"Notes server\"}}}",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := funcgen.HostJSON([]byte(tt.src), info)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
			again, err := funcgen.HostJSON(got, info)
			require.NoError(t, err)
			assert.Equal(t, string(got), string(again), "a second run changes nothing")
		})
	}
}

// An empty Version or Instructions leaves the member out, so that the
// extension's default applies; a member the app no longer gives goes.
func TestHostJSONLeavesOutEmptyMembers(t *testing.T) {
	src := "{\n  \"extensions\": {\n    \"mcp\": {\n      \"serverName\": \"a\",\n      \"serverVersion\": \"1.0.0\",\n      \"instructions\": \"x\"\n    }\n  }\n}\n"
	got, err := funcgen.HostJSON([]byte(src), decl.ServerInfo{Name: "b"})
	require.NoError(t, err)
	assert.Equal(t, "{\n  \"extensions\": {\n    \"mcp\": {\n      \"serverName\": \"b\"\n    }\n  }\n}\n", string(got))
}

func TestHostJSONRefusesWhatAPersonMustFix(t *testing.T) {
	for src, want := range map[string]string{
		`[1]`:                                  "not a JSON object",
		`{"version": "2.0"`:                    "invalid JSON",
		`{"version": "2.0"} {}`:                "text after the object",
		`{"extensions": null}`:                 "extensions: not a JSON object",
		`{"extensions": {"mcp": "x"}}`:         "extensions.mcp: not a JSON object",
		`{"extensions": {}, "Extensions": {}}`: `"extensions" appears twice`,
		`{"extensions": {"mcp": {"serverName": "a", "SERVERNAME": "b"}}}`: `"serverName" appears twice`,
	} {
		_, err := funcgen.HostJSON([]byte(src), info)
		assert.ErrorContains(t, err, want, src)
	}
}

// What HostJSON writes is what a JSON reader finds there, whatever the
// text (escapes, non-ASCII, line separators).
func TestHostJSONValues(t *testing.T) {
	odd := decl.ServerInfo{Name: "n\u2028\"\\é", Version: "v\t1", Instructions: strings.Repeat("<&>", 100)}
	got, err := funcgen.HostJSON([]byte(`{"version":"2.0"}`), odd)
	require.NoError(t, err)
	var h struct {
		Extensions struct {
			MCP struct{ ServerName, ServerVersion, Instructions string }
		}
	}
	require.NoError(t, json.Unmarshal(got, &h), string(got))
	assert.Equal(t, odd.Name, h.Extensions.MCP.ServerName)
	assert.Equal(t, odd.Version, h.Extensions.MCP.ServerVersion)
	assert.Equal(t, odd.Instructions, h.Extensions.MCP.Instructions)
}
