package app

import (
	"context"
	"fmt"

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
	// Checks hello on a running server: the handler's -verify (make verify).
	Probe: func(ctx context.Context, c *mcpfunc.ProbeClient) error {
		got, err := c.CallTool(ctx, "hello", nil)
		if err == nil && got != "Hello I am MCPTool!" {
			err = fmt.Errorf("hello answered %q", got)
		}
		return err
	},
}
