package mcpfunc_test

import (
	"context"
	"fmt"

	"remote-mcp-functions-go/mcpfunc"
	"remote-mcp-functions-go/mcpfunc/mcpfunctest"
)

// ForgetInput is the forget tool's argument.
type ForgetInput struct {
	Name string `json:"name" jsonschema:"Who to forget."`
}

// A tool asks before it does what cannot be undone, and does nothing
// before it asks: where the client is asked (the self hosting, a
// 2026-07-28 client with elicitation), the function runs once for the
// question and again with the answer. Where it cannot be (here: the
// trigger hosting's in-process test host), Confirm is true at once.
func ExampleCall_Confirm() {
	forget := &mcpfunc.Tool{
		Name:        "forget",
		Description: "Forget someone, for good.",
		Handler: mcpfunc.Typed(func(ctx context.Context, call *mcpfunc.Call, in ForgetInput) (string, error) {
			ok, err := call.Confirm("Forget " + in.Name + " for good?")
			if err != nil || !ok {
				return "Still remembering " + in.Name + ".", err
			}
			// … the irreversible part …
			return "Forgot " + in.Name + ".", nil
		}),
	}

	h := mcpfunctest.New(nil, &mcpfunc.App{Name: "memory", Tools: []*mcpfunc.Tool{forget}})
	res, _ := h.CallTool("forget", map[string]any{"name": "Ada"})
	fmt.Println(res.Text)
	// Output: Forgot Ada.
}
