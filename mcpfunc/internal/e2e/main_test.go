package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/fixture"
	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// container is where the fixture's blob bindings keep items
// (items/{mcptoolargs.key}.txt).
const container = fixture.Container

// helloText is the fixture's hello.
const helloText = "Hello from the fixture."

// fixtureLimit is the most bytes the fixture's put stores when
// FIXTURE_MAX_BYTES is unset: 1 MiB.
const fixtureLimit = 1 << 20

// callLimit bounds one MCP exchange so a hang fails the test instead of
// stalling the binary; it is not a speed assertion.
const callLimit = 2 * time.Minute

// transport is one way an MCP client reaches a server.
type transport struct {
	name string
	// dial returns a client transport for a server; client may be nil
	// (http.DefaultClient).
	dial func(s server, client *http.Client) mcp.Transport
}

// transports are the ways a client reaches a server: the first two are
// what devhost serves; the self hosting serves the first, at the newest
// protocol both ends know, and the third, at the version VS Code and the
// Inspector speak today (see transportsOf).
var transports = []transport{
	{"streamable", func(s server, c *http.Client) mcp.Transport {
		return &mcp.StreamableClientTransport{Endpoint: s.Endpoints().URL, HTTPClient: c, MaxRetries: -1}
	}},
	{"sse", func(s server, c *http.Client) mcp.Transport {
		return &mcp.SSEClientTransport{Endpoint: s.Endpoints().SSEURL, HTTPClient: c}
	}},
	{"streamable-2025-06-18", func(s server, c *http.Client) mcp.Transport {
		return atVersion{&mcp.StreamableClientTransport{Endpoint: s.Endpoints().URL, HTTPClient: c, MaxRetries: -1}, "2025-06-18"}
	}},
}

// atVersion is a transport whose client asks for one protocol version.
type atVersion struct {
	mcp.Transport
	version string
}

// connect opens an MCP session over t, closed when the test ends.
func connect(tb testing.TB, t mcp.Transport) *mcp.ClientSession {
	tb.Helper()
	// The legacy SSE transport keeps its event stream on this context: it
	// must live as long as the session, not just the handshake.
	ctx, cancel := context.WithCancel(context.Background())
	tb.Cleanup(cancel)
	var opts *mcp.ClientSessionOptions
	if v, ok := t.(atVersion); ok {
		t, opts = v.Transport, &mcp.ClientSessionOptions{ProtocolVersion: v.version}
	}
	s, err := mcpClient().Connect(ctx, t, opts)
	require.NoError(tb, err, "connect")
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

func mcpClient() *mcp.Client {
	return mcp.NewClient(&mcp.Implementation{Name: "e2e", Version: "1.0.0"}, nil)
}

// call calls a tool and returns its result; a protocol error fails the test.
func call(tb testing.TB, s *mcp.ClientSession, tool string, args map[string]any) *mcp.CallToolResult {
	tb.Helper()
	res, err := tryCall(s, tool, args)
	require.NoError(tb, err, "tools/call %s", tool)
	return res
}

func tryCall(s *mcp.ClientSession, tool string, args map[string]any) (*mcp.CallToolResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), callLimit)
	defer cancel()
	return s.CallTool(ctx, &mcp.CallToolParams{Name: tool, Arguments: args})
}

// text is the result's text: its text blocks joined.
func text(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// requireText checks a successful result of exactly one text block.
func requireText(tb testing.TB, res *mcp.CallToolResult, want string) {
	tb.Helper()
	require.False(tb, res.IsError, "isError; text: %q", text(res))
	require.Len(tb, res.Content, 1)
	tc, ok := res.Content[0].(*mcp.TextContent)
	require.True(tb, ok, "content is %T, want text", res.Content[0])
	require.Equal(tb, want, tc.Text)
}

// requireToolError checks an isError result of exactly one text block.
func requireToolError(tb testing.TB, res *mcp.CallToolResult, want string) {
	tb.Helper()
	require.True(tb, res.IsError, "want isError, got text %q", text(res))
	require.Len(tb, res.Content, 1)
	require.Equal(tb, want, text(res))
}

// rpcError returns err's JSON-RPC error, failing the test if it has none.
func rpcError(tb testing.TB, err error) *jsonrpc.Error {
	tb.Helper()
	require.Error(tb, err)
	var werr *jsonrpc.Error
	require.True(tb, errors.As(err, &werr), "want a JSON-RPC error, got %T: %v", err, err)
	return werr
}

// blobName is the blob an item is stored in.
func blobName(key string) string { return key + ".txt" }

// putArgs are put's arguments.
func putArgs(key, value string) map[string]any { return map[string]any{"key": key, "value": value} }

// put stores an item through put, checking its answer.
func put(tb testing.TB, s *mcp.ClientSession, key, value string) {
	tb.Helper()
	requireText(tb, call(tb, s, "put", putArgs(key, value)), putText(key))
}

// putText is put's answer.
func putText(key string) string { return "Put '" + key + "'" }

// notFound is get's and remove's answer for a key with no item.
func notFound(key string) string { return "Item '" + key + "' not found." }

// badKey is the fixture's message for a key it refuses.
func badKey(key string) string {
	return fmt.Sprintf("Invalid key %q: use 1-64 lower-case letters, digits and '-'.", key)
}

// headerClient is an HTTP client that adds one header to every request, as
// an MCP client configured with the function key does.
func headerClient(name, value string) *http.Client {
	return &http.Client{Transport: &addHeader{name: name, value: value, next: http.DefaultTransport}}
}

type addHeader struct {
	name, value string
	next        http.RoundTripper
}

func (a *addHeader) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(a.name, a.value)
	return a.next.RoundTrip(r)
}

// generic is v as encoding/json would decode it.
func generic(tb testing.TB, v any) any {
	tb.Helper()
	b, err := json.Marshal(v)
	require.NoError(tb, err)
	var g any
	require.NoError(tb, json.Unmarshal(b, &g))
	return g
}

// TestFixtureSetting: testenv names the fixture's app setting as the
// fixture reads it, so that a test's own environment never sets it.
func TestFixtureSetting(t *testing.T) {
	require.Equal(t, fixture.LimitSetting, testenv.FixtureSetting)
}
