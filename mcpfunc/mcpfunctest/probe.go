package mcpfunctest

import (
	"context"
	"errors"
	"fmt"

	"remote-mcp-functions-go/mcpfunc/internal/verify"
)

// RunProbes runs the app's probes (the Probe of its tools, resources and
// prompts) against the Host, as the handler's -verify runs them against a
// server, each probe's cleanups after it: nil when every probe passed,
// else an error per probe that failed, naming its function. Compare
// [Host.Blob] before and after to see that a probe leaves nothing behind.
func (h *Host) RunProbes() error {
	var errs []error
	for _, p := range h.probes {
		if err := verify.RunProbe(context.Background(), p, hostCaller{h}); err != nil {
			errs = append(errs, fmt.Errorf("probe of %s %s: %w", p.Kind, p.Function, err))
		}
	}
	return errors.Join(errs...)
}

// hostCaller is a probe's client on the Host.
type hostCaller struct{ h *Host }

func (c hostCaller) CallTool(_ context.Context, name string, args any) (string, error) {
	res, err := c.h.CallTool(name, args)
	if err != nil {
		return "", fmt.Errorf("tools/call %s: %w", name, err)
	}
	if res.IsError {
		return res.Text, fmt.Errorf("tools/call %s answered an error result: %q", name, res.Text)
	}
	return res.Text, nil
}

func (c hostCaller) ReadResource(_ context.Context, uri string) (string, error) {
	text, err := c.h.ReadResource(uri)
	if err != nil {
		return "", fmt.Errorf("resources/read %s: %w", uri, err)
	}
	return text, nil
}

func (c hostCaller) GetPrompt(_ context.Context, name string, args map[string]string) (string, error) {
	text, err := c.h.GetPrompt(name, args)
	if err != nil {
		return "", fmt.Errorf("prompts/get %s: %w", name, err)
	}
	return text, nil
}
