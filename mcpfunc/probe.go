package mcpfunc

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"remote-mcp-functions-go/mcpfunc/internal/verify"
)

// ProbeClient is the MCP client a probe checks a running server with:
// the Probe of a [Tool], a [Resource] or a [Prompt], which the handler's
// -verify flag (make verify) runs against a deployment, func start or
// make start. A probe calls the app's functions as a client would, with
// arguments that are safe on live data, checks the answers, and returns
// an error that says what differs. What it creates it removes in a
// Cleanup, which runs even when the probe fails. A function no probe
// calls is reported "not called", never called with made-up arguments.
type ProbeClient struct{ c verify.Client }

// CallTool calls a tool and returns its text. An error result (isError),
// a JSON-RPC error and structured content that does not fit the tool's
// output schema are errors that say so.
func (p *ProbeClient) CallTool(ctx context.Context, name string, args any) (string, error) {
	return p.c.CallTool(ctx, name, args)
}

// ReadResource reads a resource and returns the text of its contents.
func (p *ProbeClient) ReadResource(ctx context.Context, uri string) (string, error) {
	return p.c.ReadResource(ctx, uri)
}

// GetPrompt gets a prompt and returns the text of its messages.
func (p *ProbeClient) GetPrompt(ctx context.Context, name string, args map[string]string) (string, error) {
	return p.c.GetPrompt(ctx, name, args)
}

// Cleanup registers fn to run once the probe returns, pass or fail, or
// verify is interrupted (Ctrl+C), with a context of its own; the last
// registered runs first. A cleanup that fails fails the probe, and the
// report says that data may have been left behind.
func (p *ProbeClient) Cleanup(fn func(ctx context.Context) error) { p.c.Cleanup(fn) }

// UniqueName returns prefix followed by 12 random hex digits: a name no
// user's data has, for what a probe creates.
func (p *ProbeClient) UniqueName(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return prefix + hex.EncodeToString(b[:])
}

// probes are the app's probes as the verify command runs them.
func (a *App) probes() []verify.Probe {
	var out []verify.Probe
	add := func(kind, name string, probe func(context.Context, *ProbeClient) error) {
		if probe != nil {
			out = append(out, verify.Probe{Kind: kind, Function: name, Run: func(ctx context.Context, c verify.Client) error {
				return probe(ctx, &ProbeClient{c: c})
			}})
		}
	}
	for _, t := range a.Tools {
		if t != nil {
			add("tool", t.Name, t.Probe)
		}
	}
	for _, r := range a.Resources {
		if r != nil {
			add("resource", r.Name, r.Probe)
		}
	}
	for _, p := range a.Prompts {
		if p != nil {
			add("prompt", p.Name, p.Probe)
		}
	}
	return out
}
