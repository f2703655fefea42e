package mcpfunc_test

import (
	"context"
	"fmt"
	"sync"

	"remote-mcp-functions-go/mcpfunc"
	"remote-mcp-functions-go/mcpfunc/mcpfunctest"
)

// A probe checks functions on a running server: the handler's -verify
// (make verify URL=… [KEY=…]) runs it against func start, make start or a
// deployment. This one is a round trip on a name of its own, which its
// cleanup removes even when a check fails. mcpfunctest runs the probes
// in process.
func ExampleProbeClient() {
	var mu sync.Mutex
	notes := map[string]string{}
	type note struct {
		Name string `json:"name" jsonschema:"The note's name."`
		Text string `json:"text,omitempty" jsonschema:"Its text (savenote)."`
	}
	save := &mcpfunc.Tool{Name: "savenote", Description: "Save a note.",
		Handler: mcpfunc.Typed(func(_ context.Context, _ *mcpfunc.Call, in note) (string, error) {
			mu.Lock()
			defer mu.Unlock()
			notes[in.Name] = in.Text
			return "saved", nil
		}),
	}
	get := &mcpfunc.Tool{Name: "getnote", Description: "Read a note.",
		Handler: mcpfunc.Typed(func(_ context.Context, _ *mcpfunc.Call, in note) (string, error) {
			mu.Lock()
			defer mu.Unlock()
			return notes[in.Name], nil
		}),
	}
	remove := &mcpfunc.Tool{Name: "deletenote", Description: "Delete a note.",
		Handler: mcpfunc.Typed(func(_ context.Context, _ *mcpfunc.Call, in note) (string, error) {
			mu.Lock()
			defer mu.Unlock()
			delete(notes, in.Name)
			return "deleted", nil
		}),
	}
	save.Probe = func(ctx context.Context, c *mcpfunc.ProbeClient) error {
		name := c.UniqueName("verify-")
		c.Cleanup(func(ctx context.Context) error {
			_, err := c.CallTool(ctx, "deletenote", map[string]any{"name": name})
			return err
		})
		if _, err := c.CallTool(ctx, "savenote", map[string]any{"name": name, "text": "hi"}); err != nil {
			return err
		}
		got, err := c.CallTool(ctx, "getnote", map[string]any{"name": name})
		if err == nil && got != "hi" {
			err = fmt.Errorf("getnote answered %q after savenote saved %q", got, "hi")
		}
		return err
	}

	h := mcpfunctest.New(nil, &mcpfunc.App{Name: "notes", Tools: []*mcpfunc.Tool{save, get, remove}})
	fmt.Println(h.RunProbes(), len(notes))
	// Output:
	// <nil> 0
}
