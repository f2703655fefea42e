package verify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/verify"
)

const key = "k3y-0f-the-test-9d2c"

// check runs the check of the fixture's declarations and probes against
// url with key, and returns its output and error.
func check(t *testing.T, url, key string) (string, error) {
	t.Helper()
	app := fixtureApp(t)
	var out bytes.Buffer
	err := verify.Run(t.Context(), verify.Options{URL: url, Key: key, Functions: app.Functions, Server: app.Server, Probes: app.Probes, Out: &out})
	return out.String(), err
}

// verdict is the output's last line.
func verdict(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}

// A double that serves the fixture faithfully, key required, passes on
// both transports of the trigger hosting's path and at /mcp; its probes
// leave no item behind; the key is in no line of the output.
func TestPassesAgainstAFaithfulServer(t *testing.T) {
	base, items := double{key: key}.serve(t)
	for _, path := range []string{"/runtime/webhooks/mcp", "/mcp"} {
		out, err := check(t, base+path, key)
		require.NoError(t, err, out)
		assert.True(t, strings.HasPrefix(verdict(out), "verify: PASS"), out)
		assert.NotContains(t, out, key)
		assert.Empty(t, items.keys(), "the probes left items behind")
		for _, want := range []string{"streamable: refused without the key", "streamable: probe of put", "streamable: tool remove", "by the probe of put"} {
			assert.Contains(t, out, want)
		}
		if path == "/mcp" {
			assert.NotContains(t, out, "sse:", "the self hosting has no SSE")
		} else {
			assert.Contains(t, out, "sse: probe of put")
		}
	}
}

// Without a key given, a keyless server passes, and no key check is made.
func TestPassesWithoutAKey(t *testing.T) {
	base, _ := double{}.serve(t)
	out, err := check(t, base+"/mcp", "")
	require.NoError(t, err, out)
	assert.NotContains(t, out, "refused without the key")
}

// A tool listed with another schema fails, naming the tool, the field and
// the path inside it, with both values.
func TestSchemaDiffers(t *testing.T) {
	base, _ := double{list: func(l *verify.Listing) {
		for _, tool := range l.Tools {
			if tool.Name == "get" {
				s := &jsonschema.Schema{}
				b, err := json.Marshal(tool.InputSchema)
				require.NoError(t, err)
				require.NoError(t, json.Unmarshal(b, s))
				s.Properties["key"].Type = "integer"
				tool.InputSchema = s
			}
		}
	}}.serve(t)
	out, err := check(t, base+"/mcp", "")
	require.ErrorIs(t, err, verify.ErrFailed)
	assert.Contains(t, out, `get's inputSchema differs: at /properties/key/type: the endpoint lists "integer", declared "string"`)
	assert.Contains(t, verdict(out), "verify: FAIL: 1 of")
	assert.Contains(t, verdict(out), "streamable: tools/list")
}

// A server that lists nothing fails with the likely cause: at the trigger
// hosting's path, the extension did not register the triggers.
func TestListsNothing(t *testing.T) {
	base, _ := double{list: func(l *verify.Listing) {
		l.Tools, l.Templates, l.Resources, l.Prompts = nil, nil, nil, nil
	}}.serve(t)
	out, err := check(t, base+"/runtime/webhooks/mcp", "")
	require.ErrorIs(t, err, verify.ErrFailed)
	assert.Contains(t, out, "listed no tools, declared echo, get, hello, keys, put, remove: the extension did not register the triggers; check the extension bundle range in host.json")
	assert.Contains(t, out, "or switch MCP_HOSTING=self; see docs/troubleshooting.md#verify")
	assert.Contains(t, out, "listed no prompts, declared describe")
	assert.Contains(t, verdict(out), "listed no tools")
}

// A tool that is listed but not declared, and one declared but not
// listed, are named.
func TestListsOtherTools(t *testing.T) {
	base, _ := double{list: func(l *verify.Listing) {
		l.Tools = l.Tools[1:] // echo, first by name
		l.Tools = append(l.Tools, &mcp.Tool{Name: "extra", InputSchema: map[string]any{"type": "object"}})
	}}.serve(t)
	out, err := check(t, base+"/mcp", "")
	require.ErrorIs(t, err, verify.ErrFailed)
	assert.Contains(t, out, "tool echo is declared but not listed; tool extra is listed but not declared: the handler deployed was built from other declarations than these: deploy again")
}

// A server that answers a tool wrongly fails the probe that called it,
// saying what it answered.
func TestToolAnsweredWrongly(t *testing.T) {
	base, items := double{answer: func(tool, text string, _ *mcp.CallToolRequest) string {
		if tool == "get" {
			return "something else"
		}
		return text
	}}.serve(t)
	out, err := check(t, base+"/mcp", "")
	require.ErrorIs(t, err, verify.ErrFailed)
	assert.Contains(t, out, `streamable: probe of put`)
	assert.Contains(t, out, `get answered "something else" after put stored "A probe's item."`)
	assert.Empty(t, items.keys(), "the probe's cleanup removes its item when it fails")
}

// A server that takes requests without the key fails, with the likely
// cause for its hosting.
func TestAcceptsWithoutTheKey(t *testing.T) {
	base, _ := double{}.serve(t)
	out, err := check(t, base+"/runtime/webhooks/mcp", key)
	require.ErrorIs(t, err, verify.ErrFailed)
	assert.Contains(t, out, "streamable: refused without the key")
	assert.Contains(t, out, "the endpoint accepted a request without the key (200): func start enforces no keys")
	assert.Contains(t, out, "sse: refused without the key")
	assert.NotContains(t, out, key)
}

// A server that wants a key the run was not given says to set MCP_KEY.
func TestWantsAKey(t *testing.T) {
	base, _ := double{key: key}.serve(t)
	out, err := check(t, base+"/mcp", "")
	require.ErrorIs(t, err, verify.ErrFailed)
	assert.Contains(t, out, "401 Unauthorized: the endpoint wants a key: set MCP_KEY")
	out, err = check(t, base+"/mcp", "another-key")
	require.ErrorIs(t, err, verify.ErrFailed)
	assert.Contains(t, out, "401 Unauthorized with the key: the endpoint does not know this key")
}

// A key of the app that is not the one the path takes (403) is named so.
func TestKeyOfAnotherKind(t *testing.T) {
	base, _ := double{key: key, forbidOthers: true}.serve(t)
	out, err := check(t, base+"/runtime/webhooks/mcp", "the-default-host-key")
	require.ErrorIs(t, err, verify.ErrFailed)
	assert.Contains(t, out, "streamable: refused without the key  pass    401 Unauthorized")
	assert.Contains(t, out, "403 Forbidden with the key: a key of the app, but not the one this path takes: /runtime/webhooks/mcp takes only the system key mcp_extension")
	assert.NotContains(t, out, "the-default-host-key")
}

// A server that puts the key it was sent into an answer does not get it
// printed: every line is redacted.
func TestKeyNeverPrinted(t *testing.T) {
	base, _ := double{key: key, answer: func(tool, text string, r *mcp.CallToolRequest) string {
		if tool == "hello" {
			return "your key is " + r.Extra.Header.Get("x-functions-key")
		}
		return text
	}}.serve(t)
	out, err := check(t, base+"/mcp", key)
	require.ErrorIs(t, err, verify.ErrFailed)
	assert.Contains(t, out, `hello answered "your key is [key]"`)
	assert.NotContains(t, out, key)
}

// A probe whose cleanup fails fails, saying data may be left behind; a
// probe that panics fails, and its cleanup still runs.
func TestProbeFailures(t *testing.T) {
	base, _ := double{}.serve(t)
	app := fixtureApp(t)
	cleaned := false
	probes := []verify.Probe{
		{Kind: "tool", Function: "hello", Run: func(ctx context.Context, c verify.Client) error {
			c.Cleanup(func(context.Context) error { cleaned = true; return nil })
			panic("boom")
		}},
		{Kind: "tool", Function: "echo", Run: func(ctx context.Context, c verify.Client) error {
			c.Cleanup(func(ctx context.Context) error {
				_, err := c.CallTool(ctx, "remove", map[string]any{"key": "absent"})
				return err
			})
			return nil
		}},
	}
	var out bytes.Buffer
	err := verify.Run(t.Context(), verify.Options{URL: base + "/mcp", Functions: app.Functions, Server: app.Server, Probes: probes, Out: &out})
	require.ErrorIs(t, err, verify.ErrFailed)
	assert.True(t, cleaned, "the panicking probe's cleanup ran")
	assert.Contains(t, out.String(), "the probe panicked: boom")
	assert.Contains(t, out.String(), `its cleanup failed, probe data may be left behind: tools/call remove answered an error result: "Item 'absent' not found."`)
	// Functions no probe calls are listed, not called and not failed;
	// the prompt and the resource template need arguments, so they are
	// not read either.
	assert.Regexp(t, `streamable: tool put +not called +no probe calls it`, out.String())
	assert.Regexp(t, `streamable: resource itemresource +not called`, out.String())
}

// Structured content that does not fit the tool's outputSchema fails the
// call that got it.
func TestStructuredContentChecked(t *testing.T) {
	base, _ := double{structured: func(tool string, sc any) any {
		if tool == "echo" {
			return map[string]any{"echoed": 5, "tags": []string{}}
		}
		return sc
	}}.serve(t)
	out, err := check(t, base+"/mcp", "")
	require.ErrorIs(t, err, verify.ErrFailed)
	assert.Contains(t, out, "tools/call echo: structuredContent does not fit its outputSchema")
}

// A URL that carries a key, or is no URL, is a usage error; its key is not
// repeated.
func TestUsage(t *testing.T) {
	for _, url := range []string{"http://127.0.0.1:1/mcp?code=" + key, "http://127.0.0.1:1/mcp?x=1&CODE=" + key, "http://user:" + key + "@127.0.0.1:1/mcp", "ftp://user:" + key + "@x/mcp", "ftp://x/mcp", "localhost:7071/mcp", ""} {
		_, err := check(t, url, "")
		var u *verify.UsageError
		require.ErrorAs(t, err, &u, url)
		assert.NotContains(t, err.Error(), key)
	}
}

// Nothing listening: the connection's error and what to check.
func TestNothingThere(t *testing.T) {
	out, err := check(t, "http://127.0.0.1:1/mcp", "")
	require.ErrorIs(t, err, verify.ErrFailed)
	assert.Contains(t, out, "nothing answered there: is the server running at this address, and the URL right?")
}

// A server that never answers fails each check within its limit, saying
// so: a request that hangs is one failure, not a hang.
func TestServerThatNeverAnswers(t *testing.T) {
	verify.ShortenLimits(t, 300*time.Millisecond)
	stop := make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	srv.Config.ReadHeaderTimeout = 10 * time.Second
	srv.Start()
	t.Cleanup(func() { close(stop); srv.Close() })
	out, err := check(t, srv.URL+"/runtime/webhooks/mcp", key)
	require.ErrorIs(t, err, verify.ErrFailed)
	assert.Contains(t, out, "streamable: refused without the key")
	assert.Contains(t, out, "no answer within 300ms: a function app's first request after a pause starts it (a cold start)")
	assert.Contains(t, out, "sse: initialize")
	assert.NotContains(t, out, key)
}

// A probe that ignores its context is left behind once past its limit,
// and reported; its cleanup still runs.
func TestProbeThatNeverReturns(t *testing.T) {
	verify.ShortenLimits(t, 300*time.Millisecond)
	base, _ := double{}.serve(t)
	app := fixtureApp(t)
	block := make(chan struct{})
	t.Cleanup(func() { close(block) })
	cleaned := make(chan struct{}, 1)
	probes := []verify.Probe{{Kind: "tool", Function: "hello", Run: func(ctx context.Context, c verify.Client) error {
		c.Cleanup(func(context.Context) error { cleaned <- struct{}{}; return nil })
		<-block
		return nil
	}}}
	var out bytes.Buffer
	err := verify.Run(t.Context(), verify.Options{URL: base + "/mcp", Functions: app.Functions, Server: app.Server, Probes: probes, Out: &out})
	require.ErrorIs(t, err, verify.ErrFailed)
	assert.Contains(t, out.String(), "the probe did not return within its limit: context deadline exceeded")
	select {
	case <-cleaned:
	default:
		t.Error("the cleanup did not run")
	}
}

// A probe that fails and whose cleanup fails too says both: the data the
// cleanup was to remove may still be there.
func TestProbeAndCleanupBothFail(t *testing.T) {
	base, _ := double{}.serve(t)
	app := fixtureApp(t)
	probes := []verify.Probe{{Kind: "tool", Function: "put", Run: func(ctx context.Context, c verify.Client) error {
		c.Cleanup(func(ctx context.Context) error {
			_, err := c.CallTool(ctx, "remove", map[string]any{"key": "absent"})
			return err
		})
		return errors.New("get answered \"x\"")
	}}}
	var out bytes.Buffer
	err := verify.Run(t.Context(), verify.Options{URL: base + "/mcp", Functions: app.Functions, Server: app.Server, Probes: probes, Out: &out})
	require.ErrorIs(t, err, verify.ErrFailed)
	assert.Contains(t, out.String(), `get answered "x"`)
	assert.Contains(t, out.String(), `probe data may be left behind: tools/call remove answered an error result: "Item 'absent' not found."`)
}

// Interrupted (Ctrl+C: the context Run gets ends) while a probe runs on
// the legacy SSE transport, verify still runs the probe's cleanups over
// the same session, so nothing is left behind; it starts no other check,
// and its verdict says it was interrupted, not that a function answered
// wrongly.
func TestInterruptedProbeCleansUp(t *testing.T) {
	base, items := double{}.serve(t)
	app := fixtureApp(t)
	ctx, interrupt := context.WithCancel(t.Context())
	defer interrupt()
	runs := 0
	probes := []verify.Probe{{Kind: "tool", Function: "put", Run: func(pctx context.Context, c verify.Client) error {
		runs++
		key := fmt.Sprintf("interrupted-%d", runs)
		c.Cleanup(func(ctx context.Context) error {
			_, err := c.CallTool(ctx, "remove", map[string]any{"key": key})
			return err
		})
		if _, err := c.CallTool(pctx, "put", map[string]any{"key": key, "value": "v"}); err != nil {
			return err
		}
		if runs == 2 { // the second transport: sse
			interrupt()
			<-pctx.Done()
			return pctx.Err()
		}
		return nil
	}}, {Kind: "tool", Function: "hello", Run: func(ctx context.Context, c verify.Client) error {
		if runs == 2 {
			t.Error("a probe ran after the interrupt")
		}
		return nil
	}}}
	var out bytes.Buffer
	err := verify.Run(ctx, verify.Options{URL: base + "/runtime/webhooks/mcp", Functions: app.Functions, Server: app.Server, Probes: probes, Out: &out})
	require.ErrorIs(t, err, verify.ErrFailed)
	assert.Equal(t, 2, runs, out.String())
	assert.Empty(t, items.keys(), "the interrupted probe's cleanup did not run: %s", out.String())
	assert.Contains(t, verdict(out.String()), "interrupted", out.String())
	assert.NotContains(t, out.String(), "the function answered otherwise", out.String())
}
