package verify

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
)

// Caller calls a server's functions: a go-sdk client session here, or
// mcpfunctest's in-process host.
type Caller interface {
	// CallTool calls a tool: its text, or an error for a JSON-RPC error,
	// an error result (isError, its text in the message) or a
	// structuredContent that does not fit the tool's listed outputSchema.
	CallTool(ctx context.Context, name string, args any) (string, error)
	// ReadResource reads a resource: the text of its contents.
	ReadResource(ctx context.Context, uri string) (string, error)
	// GetPrompt gets a prompt: the text of its messages.
	GetPrompt(ctx context.Context, name string, args map[string]string) (string, error)
}

// Client is what a probe calls the server through; package mcpfunc's
// ProbeClient is its public face.
type Client interface {
	Caller
	// Cleanup registers fn to run after the probe, pass or fail, with a
	// context of its own: the last registered first.
	Cleanup(fn func(ctx context.Context) error)
}

// Probe is one probe an app declares, on the function Function of kind
// Kind ("tool", "resource" or "prompt").
type Probe struct {
	Kind, Function string
	Run            func(ctx context.Context, c Client) error
}

// The limits: one request, a whole probe (or a listing), a cleanup.
// Variables only so that a test can shorten them.
var (
	requestLimit = time.Minute // a cold start of a function app included
	probeLimit   = 3 * time.Minute
	cleanupLimit = time.Minute
)

// usage is what the probes of one transport called, by function.
type usage struct {
	mu     sync.Mutex
	by     map[string][]string // "tool get" -> probes that called it
	decl   []declared
	listed map[string]*mcp.Tool
}

// declared is one declared function, as coverage counts it.
type declared struct {
	kind, name string
	match      func(uri string) bool // resources
}

func newUsage(l *Listing, decls []declared) *usage {
	u := &usage{by: map[string][]string{}, decl: decls, listed: map[string]*mcp.Tool{}}
	for _, t := range l.Tools {
		u.listed[t.Name] = t
	}
	return u
}

func resourceMatcher(uri string) func(string) bool {
	if len(funcapp.URIParams(uri)) == 0 {
		return func(got string) bool { return strings.EqualFold(got, uri) }
	}
	t := funcapp.CompileURITemplate(uri)
	return func(got string) bool { _, ok := t.Match(got); return ok }
}

func (u *usage) record(kind, nameOrURI, probe string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, d := range u.decl {
		if d.kind != kind || !(d.name == nameOrURI || d.match != nil && d.match(nameOrURI)) {
			continue
		}
		key := d.kind + " " + d.name
		if !slices.Contains(u.by[key], probe) {
			u.by[key] = append(u.by[key], probe)
		}
	}
}

func (u *usage) callers(kind, name string) []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.by[kind+" "+name]
}

// client is a probe's Caller on one session: what it calls is recorded.
type client struct {
	s     *mcp.ClientSession
	u     *usage
	probe string
	mu    sync.Mutex
	did   []string // what it called, for the report
}

func (c *client) note(what string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !slices.Contains(c.did, what) {
		c.did = append(c.did, what)
	}
}

func (c *client) CallTool(ctx context.Context, name string, args any) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, requestLimit)
	defer cancel()
	c.u.record("tool", name, c.probe)
	c.note("called " + name)
	res, err := c.s.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		return "", fmt.Errorf("tools/call %s: %w", name, err)
	}
	text := contentText(res.Content)
	if res.IsError {
		return text, fmt.Errorf("tools/call %s answered an error result: %q", name, text)
	}
	if t := c.u.listed[name]; t != nil && t.OutputSchema != nil {
		if err := fits(res.StructuredContent, t.OutputSchema); err != nil {
			return text, fmt.Errorf("tools/call %s: %w", name, err)
		}
	}
	return text, nil
}

// fits checks structured content against an outputSchema: a tool that
// lists one must return content that fits it (MCP 2025-06-18, tools,
// "Output Schema").
func fits(content any, schema any) error {
	if content == nil {
		return fmt.Errorf("no structuredContent, though the tool lists an outputSchema")
	}
	b, err := json.Marshal(schema)
	if err != nil {
		return err
	}
	var s jsonschema.Schema
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("its outputSchema is not a schema: %w", err)
	}
	rs, err := s.Resolve(nil)
	if err != nil {
		return fmt.Errorf("its outputSchema is not a schema: %w", err)
	}
	if err := rs.Validate(generic(content)); err != nil {
		return fmt.Errorf("structuredContent does not fit its outputSchema: %w", err)
	}
	return nil
}

func (c *client) ReadResource(ctx context.Context, uri string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, requestLimit)
	defer cancel()
	c.u.record("resource", uri, c.probe)
	c.note("read " + uri)
	res, err := c.s.ReadResource(ctx, &mcp.ReadResourceParams{URI: uri})
	if err != nil {
		return "", fmt.Errorf("resources/read %s: %w", uri, err)
	}
	var b strings.Builder
	for _, rc := range res.Contents {
		if rc != nil {
			b.WriteString(rc.Text)
		}
	}
	return b.String(), nil
}

func (c *client) GetPrompt(ctx context.Context, name string, args map[string]string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, requestLimit)
	defer cancel()
	c.u.record("prompt", name, c.probe)
	c.note("got " + name)
	res, err := c.s.GetPrompt(ctx, &mcp.GetPromptParams{Name: name, Arguments: args})
	if err != nil {
		return "", fmt.Errorf("prompts/get %s: %w", name, err)
	}
	var b strings.Builder
	for _, m := range res.Messages {
		if m != nil {
			b.WriteString(contentText([]mcp.Content{m.Content}))
		}
	}
	return b.String(), nil
}

// withCleanups is a probe's Client: a Caller, and the cleanups it
// registered.
type withCleanups struct {
	Caller
	mu       sync.Mutex
	cleanups []func(context.Context) error
}

func (c *withCleanups) Cleanup(fn func(ctx context.Context) error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cleanups = append(c.cleanups, fn)
}

// RunProbe runs the probe p through via, then its cleanups, the last
// registered first, each with a context of its own, even when p failed,
// ran out of time, panicked or ctx ended (an interrupt). err is p's
// failure, else the first cleanup's; when both failed, it says both, for
// then the probe's data may be left. A probe or a cleanup that does not
// return within its limit (it ignores its context) is left behind,
// reported as such.
func RunProbe(ctx context.Context, p Probe, via Caller) error {
	c := &withCleanups{Caller: via}
	pctx, cancel := context.WithTimeout(ctx, probeLimit)
	err := bounded(pctx, "the probe", func(ctx context.Context) error { return p.Run(ctx, c) })
	cancel()
	c.mu.Lock()
	cleanups := slices.Clone(c.cleanups)
	c.mu.Unlock()
	cleanupFailed := false
	for _, fn := range slices.Backward(cleanups) {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupLimit)
		cerr := bounded(cctx, "the cleanup", fn)
		cancel()
		switch {
		case cerr == nil, cleanupFailed:
		case err == nil:
			err = fmt.Errorf("its cleanup failed, probe data may be left behind: %w", cerr)
		default:
			err = fmt.Errorf("%w; and its cleanup failed, probe data may be left behind: %v", err, cerr)
		}
		cleanupFailed = cleanupFailed || cerr != nil
	}
	return err
}

// bounded runs fn with ctx, and returns its error, or an error once ctx
// has ended and fn has had a moment more to return, or when it panics.
func bounded(ctx context.Context, what string, fn func(context.Context) error) error {
	done := make(chan error, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				done <- fmt.Errorf("%s panicked: %v", what, v)
			}
		}()
		done <- fn(ctx)
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	select {
	case err := <-done:
		return err
	case <-time.After(returnGrace):
		return fmt.Errorf("%s did not return within its limit: %w", what, ctx.Err())
	}
}

// returnGrace is how long a probe or cleanup whose context has ended may
// take to return.
var returnGrace = 5 * time.Second

// contentText is the text of a result's text contents.
func contentText(cs []mcp.Content) string {
	var b strings.Builder
	for _, c := range cs {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}
