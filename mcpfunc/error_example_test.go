package mcpfunc_test

import (
	"context"
	"errors"
	"fmt"

	"remote-mcp-functions-go/mcpfunc"
	"remote-mcp-functions-go/mcpfunc/mcpfunctest"
)

// DivideInput is the divide tool's arguments.
type DivideInput struct {
	A float64 `json:"a" jsonschema:"The dividend."`
	B float64 `json:"b" jsonschema:"The divisor."`
}

// Quotient is its structured output.
type Quotient struct {
	Value float64 `json:"value" jsonschema:"a / b."`
}

// A refusal is an *Error: the client reads its message in an isError
// result. Any other error is internal: the client is told that the tool
// failed, and the details go to the log only.
func ExampleErrorf() {
	divide := &mcpfunc.Tool{
		Name:        "divide",
		Description: "Divide a by b.",
		Handler: mcpfunc.Typed(func(ctx context.Context, call *mcpfunc.Call, in DivideInput) (Quotient, error) {
			switch {
			case in.B == 0:
				return Quotient{}, mcpfunc.Errorf(mcpfunc.Invalid, "Cannot divide by zero: give a b other than 0.")
			case in.A == 42:
				return Quotient{}, errors.New("the answer is not for dividing") // a bug, say
			}
			return Quotient{Value: in.A / in.B}, nil
		}),
	}

	h := mcpfunctest.New(nil, &mcpfunc.App{Name: "calc", Tools: []*mcpfunc.Tool{divide}})
	for _, args := range []map[string]any{{"a": 1, "b": 4}, {"a": 1, "b": 0}, {"a": 42, "b": 1}} {
		res, _ := h.CallTool("divide", args)
		fmt.Println(res.IsError, res.Text)
	}
	// Output:
	// false {"value":0.25}
	// true Cannot divide by zero: give a b other than 0.
	// true Internal error in tool 'divide'; the function logs have the details.
}
