package devhost

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// callToolResult turns the CallToolResult JSON that invoke.ToolResult
// produces into go-sdk's type. Results made only of plain text blocks, which
// is what handlers return, are built directly; anything else (images,
// resources, annotations, _meta) goes through go-sdk's own decoder, which
// knows every content type but costs a large buffer per call.
func callToolResult(raw json.RawMessage) (*mcp.CallToolResult, error) {
	var wire struct {
		Content           []json.RawMessage `json:"content"`
		StructuredContent json.RawMessage   `json:"structuredContent"`
		IsError           bool              `json:"isError"`
		Meta              json.RawMessage   `json:"_meta"`
	}
	if err := json.Unmarshal(raw, &wire); err != nil {
		return nil, fmt.Errorf("tool result: %w", err)
	}
	res := &mcp.CallToolResult{IsError: wire.IsError, Content: make([]mcp.Content, 0, len(wire.Content))}
	plain := len(wire.Meta) == 0
	for _, block := range wire.Content {
		if !plain {
			break
		}
		var b map[string]json.RawMessage
		if err := json.Unmarshal(block, &b); err != nil {
			return nil, fmt.Errorf("tool result content: %w", err)
		}
		var typ, text string
		if len(b) != 2 || json.Unmarshal(b["type"], &typ) != nil || typ != "text" || json.Unmarshal(b["text"], &text) != nil {
			plain = false
			break
		}
		res.Content = append(res.Content, &mcp.TextContent{Text: text})
	}
	if !plain {
		var full mcp.CallToolResult
		if err := json.Unmarshal(raw, &full); err != nil {
			return nil, fmt.Errorf("tool result: %w", err)
		}
		return &full, nil
	}
	if sc := bytes.TrimSpace(wire.StructuredContent); len(sc) > 0 && string(sc) != "null" {
		res.StructuredContent = json.RawMessage(sc)
	}
	return res, nil
}
