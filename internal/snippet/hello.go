package snippet

import (
	"context"

	"remote-mcp-functions-go/internal/mcpfunc"
)

// Hello is the seed's hello tool: no arguments, always the same text.
var Hello = &mcpfunc.Tool{
	Name:        "hello",
	Description: "Hello world.",
	Plain:       true,
	Handler: mcpfunc.Typed(func(context.Context, *mcpfunc.Call, struct{}) (string, error) {
		return "Hello I am MCPTool!", nil
	}),
}
