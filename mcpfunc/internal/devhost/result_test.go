package devhost

import (
	"encoding/json"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/invoke"
)

// Whatever path a result takes, the client gets the same JSON as go-sdk's
// own decoding would give.
func TestCallToolResult(t *testing.T) {
	for _, raw := range []string{
		`{"content":[]}`,
		`{"content":[{"type":"text","text":"Hello I am MCPTool!"}]}`,
		`{"content":[{"type":"text","text":"not found"}],"isError":true}`,
		`{"content":[{"type":"text","text":"a"},{"type":"text","text":"b <&>"}]}`,
		`{"content":[{"type":"text","text":"{}"}],"structuredContent":{"n":1}}`,
		`{"content":[{"type":"image","data":"aGk=","mimeType":"image/png"}]}`,
		`{"content":[{"type":"text","text":"x","annotations":{"priority":1}}]}`,
		`{"content":[{"type":"text","text":"x"}],"_meta":{"k":"v"}}`,
	} {
		t.Run(raw, func(t *testing.T) {
			var res invoke.CallToolResult
			require.NoError(t, json.Unmarshal([]byte(raw), &res))
			got, err := callToolResult(&res)
			require.NoError(t, err)
			var want mcp.CallToolResult
			require.NoError(t, json.Unmarshal([]byte(raw), &want))
			gotJSON, err := json.Marshal(got)
			require.NoError(t, err)
			wantJSON, err := json.Marshal(&want)
			require.NoError(t, err)
			assert.JSONEq(t, string(wantJSON), string(gotJSON))
		})
	}
	_, err := callToolResult(&invoke.CallToolResult{Content: []invoke.Content{{Type: "image", Raw: json.RawMessage(`{"type":"image","data":5}`)}}})
	assert.Error(t, err)
}
