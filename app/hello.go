package app

import (
	"context"

	"remote-mcp-functions-go/mcpfunc"
)

// Hello is the original sample's hello tool: no arguments, always the
// same text.
var Hello = &mcpfunc.Tool{
	Name:        "hello",
	Description: "Hello world.",
	Annotations: &mcpfunc.Annotations{ReadOnly: true, Idempotent: true},
	Handler: mcpfunc.Typed(func(context.Context, *mcpfunc.Call, struct{}) (string, error) {
		return "Hello I am MCPTool!", nil
	}),
}
