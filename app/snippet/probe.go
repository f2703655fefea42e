package snippet

import (
	"context"
	"fmt"
	"strings"

	"remote-mcp-functions-go/mcpfunc"
)

// probe is the sample's check of a running server (the handler's -verify,
// make verify): a round trip on a snippet of its own, verify-<random>, so
// that no user's snippet is touched: savesnippet, getsnippet, listsnippets,
// the snippet://{name} resource, the reviewsnippet prompt, deletesnippet,
// then getsnippet again, which must not find it. A cleanup deletes the
// snippet if the probe stops before its own delete: a save that failed
// may still have written it, so a snippet not found is no failure.
func (s Service) probe(ctx context.Context, c *mcpfunc.ProbeClient) error {
	name := c.UniqueName("verify-")
	const content = "func probe() string { return \"verify\" }"
	deleted := false
	c.Cleanup(func(ctx context.Context) error {
		if deleted {
			return nil
		}
		_, err := c.CallTool(ctx, "deletesnippet", map[string]any{"snippetname": name})
		if err != nil && strings.Contains(err.Error(), fmt.Sprintf("Snippet '%s' not found.", name)) {
			return nil
		}
		return err
	})
	if _, err := c.CallTool(ctx, "savesnippet", map[string]any{"snippetname": name, "snippet": content}); err != nil {
		return err
	}
	if got, err := c.CallTool(ctx, "getsnippet", map[string]any{"snippetname": name}); err != nil {
		return err
	} else if got != content {
		return fmt.Errorf("getsnippet answered %q after savesnippet saved %q", got, content)
	}
	if got, err := c.CallTool(ctx, "listsnippets", map[string]any{"prefix": name}); err != nil {
		return err
	} else if !strings.HasPrefix(got, name+" (") {
		return fmt.Errorf("listsnippets answered %q, without %s just saved", got, name)
	}
	if got, err := c.ReadResource(ctx, "snippet://"+name); err != nil {
		return err
	} else if got != content {
		return fmt.Errorf("snippet://%s read %q, want %q", name, got, content)
	}
	if got, err := c.GetPrompt(ctx, "reviewsnippet", map[string]string{"snippetname": name}); err != nil {
		return err
	} else if !strings.Contains(got, content) {
		return fmt.Errorf("reviewsnippet answered %q, without the snippet", got)
	}
	if _, err := c.CallTool(ctx, "deletesnippet", map[string]any{"snippetname": name}); err != nil {
		return err
	}
	deleted = true
	if _, err := c.CallTool(ctx, "getsnippet", map[string]any{"snippetname": name}); err == nil {
		return fmt.Errorf("getsnippet found %s after deletesnippet", name)
	}
	return nil
}
