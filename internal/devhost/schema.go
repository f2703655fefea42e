package devhost

import (
	"encoding/json"

	"remote-mcp-functions-go/internal/funcapp"
)

// InputSchema is the tool's inputSchema as the MCP extension lists it; see
// [funcapp.Binding.ListedInputSchema].
func InputSchema(t *funcapp.Binding) json.RawMessage { return t.ListedInputSchema() }
