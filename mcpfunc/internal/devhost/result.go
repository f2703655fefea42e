package devhost

import (
	"encoding/json"
	"fmt"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/mcpfunc/internal/invoke"
)

// callToolResult turns the extension's result (invoke.ToolResult) into
// go-sdk's type. Plain text blocks, which is what handlers mostly return,
// are built directly; any other block (images, resources, annotations)
// goes through go-sdk's own decoder, which knows every content type.
func callToolResult(res *invoke.CallToolResult) (*mcp.CallToolResult, error) {
	out := &mcp.CallToolResult{IsError: res.IsError, Content: make([]mcp.Content, 0, len(res.Content))}
	for _, block := range res.Content {
		if block.Raw == nil {
			out.Content = append(out.Content, &mcp.TextContent{Text: block.Text})
			continue
		}
		var one mcp.CallToolResult
		if err := json.Unmarshal([]byte(`{"content":[`+string(block.Raw)+`]}`), &one); err != nil || len(one.Content) != 1 {
			return nil, fmt.Errorf("tool result content: %v", err)
		}
		out.Content = append(out.Content, one.Content[0])
	}
	if res.StructuredContent != nil {
		out.StructuredContent = res.StructuredContent
	}
	if res.Meta != nil {
		if err := json.Unmarshal(res.Meta, &out.Meta); err != nil {
			return nil, fmt.Errorf("tool result _meta: %v", err)
		}
	}
	return out, nil
}
