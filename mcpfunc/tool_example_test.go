package mcpfunc_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"

	"remote-mcp-functions-go/mcpfunc"
	"remote-mcp-functions-go/mcpfunc/mcpfunctest"
)

// OrderInput is the order tool's arguments: json tags name them (exactly,
// case included), jsonschema tags describe them, and a field without
// omitempty is required.
type OrderInput struct {
	Item     string   `json:"item" jsonschema:"What to order."`
	Quantity int      `json:"quantity" jsonschema:"How many."`
	GiftWrap bool     `json:"giftWrap,omitempty" jsonschema:"Wrap it as a gift."`
	Notes    []string `json:"notes,omitempty" jsonschema:"Notes for the courier."`
}

// Order is its structured output. Clients that read structured content
// get it as JSON, with its schema in the tool's listing; the others read
// its Text.
type Order struct {
	Summary string `json:"summary" jsonschema:"The order in a few words."`
	Total   int    `json:"total" jsonschema:"The price in cents."`
}

// Text is what a client that ignores structured content reads.
func (o Order) Text() string { return o.Summary }

// A tool with typed arguments and structured output.
func ExampleTyped() {
	order := &mcpfunc.Tool{
		Name:        "order",
		Description: "Order an item.",
		Handler: mcpfunc.Typed(func(ctx context.Context, call *mcpfunc.Call, in OrderInput) (Order, error) {
			summary := fmt.Sprintf("%d × %s", in.Quantity, in.Item)
			if in.GiftWrap {
				summary += ", gift-wrapped"
			}
			if len(in.Notes) > 0 {
				summary += " (" + strings.Join(in.Notes, "; ") + ")"
			}
			return Order{Summary: summary, Total: 250 * in.Quantity}, nil
		}),
	}

	h := mcpfunctest.New(nil, &mcpfunc.App{Name: "shop", Tools: []*mcpfunc.Tool{order}}) // in a test: New(t, …)
	res, _ := h.CallTool("order", map[string]any{"item": "mug", "quantity": 2, "giftWrap": true, "notes": []string{"fragile"}})
	fmt.Println(res.Text)
	fmt.Println(string(res.Structured))

	// Arguments that do not fit the schema never reach the function.
	res, _ = h.CallTool("order", map[string]any{"item": "mug", "quantity": 1.5})
	fmt.Println(res.IsError, res.Text)
	// Output:
	// 2 × mug, gift-wrapped (fragile)
	// {"summary":"2 × mug, gift-wrapped (fragile)","total":500}
	// true Argument 'quantity' must be an integer, not 1.5.
}

// RollInput is the roll tool's arguments.
type RollInput struct {
	Dice  int    `json:"dice" jsonschema:"How many dice to roll."`
	Sides string `json:"sides,omitempty" jsonschema:"The kind of die."`
}

// WithSchema says what struct tags cannot: here bounds and an enum. Clients
// see them in the tool's schema, and every call is checked against them
// before the function runs.
func ExampleHandler_WithSchema() {
	roll := &mcpfunc.Tool{
		Name:        "roll",
		Description: "Roll dice (all sixes: these dice are loaded).",
		Handler: mcpfunc.Typed(func(ctx context.Context, call *mcpfunc.Call, in RollInput) (string, error) {
			return fmt.Sprintf("%d × %s: %d", in.Dice, in.Sides, in.Dice*6), nil
		}).WithSchema(func(s *jsonschema.Schema) {
			one, ten := 1.0, 10.0
			s.Properties["dice"].Minimum, s.Properties["dice"].Maximum = &one, &ten
			s.Properties["sides"].Enum = []any{"d6", "d20"}
		}),
	}

	h := mcpfunctest.New(nil, &mcpfunc.App{Name: "games", Tools: []*mcpfunc.Tool{roll}})
	for _, args := range []map[string]any{
		{"dice": 3, "sides": "d6"},
		{"dice": 11},
		{"dice": 1, "sides": "d7"},
	} {
		res, _ := h.CallTool("roll", args)
		fmt.Println(res.Text)
	}
	// Output:
	// 3 × d6: 18
	// Argument 'dice' must be between 1 and 10.
	// Argument 'sides' must be one of "d6", "d20".
}
