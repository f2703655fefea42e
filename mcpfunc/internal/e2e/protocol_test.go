package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/hosting"
	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// TestProtocol20260728: go-sdk's client (v1.8.0), connecting as it does by
// default, reaches the self hosting at protocol 2026-07-28: no
// initialize, a server/discover whose capabilities are the ones the
// client then holds (completions among them), and every kind of function
// the fixture declares, its tools, its resource template, its prompt and
// their completions, over requests that each carry their own version.
func TestProtocol20260728(t *testing.T) {
	az := testenv.SharedAzurite(t)
	srv := hostingOf(hosting.Self).start(t, serverOptions{Storage: az.ConnectionString()})
	rec := &exchanges{next: http.DefaultTransport}
	s := connect(t, &mcp.StreamableClientTransport{Endpoint: srv.Endpoints().URL, HTTPClient: &http.Client{Transport: rec}, MaxRetries: -1})

	init := s.InitializeResult()
	require.Equal(t, "2026-07-28", init.ProtocolVersion)
	methods := rec.methods()
	require.NotEmpty(t, methods)
	assert.Equal(t, "server/discover", methods[0], "the first request")
	assert.NotContains(t, methods, "initialize", "no handshake at 2026-07-28")
	var discover struct {
		Result struct {
			SupportedVersions []string       `json:"supportedVersions"`
			Capabilities      map[string]any `json:"capabilities"`
			Instructions      string         `json:"instructions"`
		} `json:"result"`
	}
	require.NoError(t, json.Unmarshal(rec.response("server/discover"), &discover))
	assert.Contains(t, discover.Result.SupportedVersions, "2026-07-28")
	assert.Contains(t, discover.Result.SupportedVersions, "2025-11-25")
	for _, c := range []string{"tools", "resources", "prompts", "completions"} {
		assert.Contains(t, discover.Result.Capabilities, c)
	}
	assert.Equal(t, discover.Result.Capabilities, generic(t, init.Capabilities), "the client holds what discover carried")
	assert.Equal(t, fixtureApp(t).Host.Extensions.MCP.Instructions, discover.Result.Instructions)

	p := "v2026-"
	tools, err := s.ListTools(t.Context(), nil)
	require.NoError(t, err)
	assert.Len(t, tools.Tools, len(fixtureTools(t)))
	put(t, s, p+"a", "alpha")
	put(t, s, p+"b", "beta")
	requireText(t, call(t, s, "get", map[string]any{"key": p + "a"}), "alpha")

	templates, err := s.ListResourceTemplates(t.Context(), nil)
	require.NoError(t, err)
	require.Len(t, templates.ResourceTemplates, 1)
	assert.Equal(t, "item://{key}", templates.ResourceTemplates[0].URITemplate)
	read, err := s.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: "item://" + p + "b"})
	require.NoError(t, err)
	require.Len(t, read.Contents, 1)
	assert.Equal(t, "beta", read.Contents[0].Text)

	prompt, err := s.GetPrompt(t.Context(), &mcp.GetPromptParams{Name: "describe", Arguments: map[string]string{"key": p + "a"}})
	require.NoError(t, err)
	require.Len(t, prompt.Messages, 1)
	assert.Equal(t, "Describe item '"+p+"a' plainly:\n\nalpha", prompt.Messages[0].Content.(*mcp.TextContent).Text)

	for _, ref := range []*mcp.CompleteReference{{Type: "ref/resource", URI: "item://{key}"}, {Type: "ref/prompt", Name: "describe"}} {
		res, err := s.Complete(t.Context(), &mcp.CompleteParams{Ref: ref, Argument: mcp.CompleteParamsArgument{Name: "key", Value: p}})
		require.NoError(t, err)
		assert.Equal(t, mcp.CompletionResultDetails{Values: []string{p + "a", p + "b"}, Total: 2}, res.Completion, ref.Type)
	}
	res, err := s.Complete(t.Context(), &mcp.CompleteParams{Ref: &mcp.CompleteReference{Type: "ref/prompt", Name: "describe"}, Argument: mcp.CompleteParamsArgument{Name: "style", Value: "p"}})
	require.NoError(t, err)
	assert.Empty(t, res.Completion.Values, "an argument the fixture does not complete")

	for _, m := range rec.methods() {
		assert.NotEqual(t, "initialize", m)
	}
	assert.Contains(t, rec.methods(), "completion/complete")
}

// TestCompletionsByHosting: what the trigger hosting cannot do. The MCP
// extension registers no completion handler, so devhost advertises no
// completions and answers completion/complete as the extension's C# SDK
// does (docs/contract.md), though the fixture declares completions and
// its function.json files are what the declarations generate.
func TestCompletionsByHosting(t *testing.T) {
	az := testenv.SharedAzurite(t)
	srv := hostingOf(hosting.Triggers).start(t, serverOptions{Storage: az.ConnectionString()})
	for _, tr := range transportsOf(srv) {
		t.Run(tr.name, func(t *testing.T) {
			s := connect(t, tr.dial(srv, nil))
			assert.Equal(t, "2025-06-18", s.InitializeResult().ProtocolVersion)
			assert.Nil(t, s.InitializeResult().Capabilities.Completions)
			_, err := s.Complete(t.Context(), &mcp.CompleteParams{Ref: &mcp.CompleteReference{Type: "ref/prompt", Name: "describe"}, Argument: mcp.CompleteParamsArgument{Name: "key", Value: ""}})
			werr := rpcError(t, err)
			assert.Equal(t, int64(jsonrpc.CodeMethodNotFound), werr.Code)
			assert.Equal(t, "Method 'completion/complete' is not available.", werr.Message)
		})
	}
}

// hostingOf is the hosting case of mode.
func hostingOf(mode hosting.Mode) hostingCase {
	for _, h := range hostings {
		if h.mode == mode {
			return h
		}
	}
	panic("no hosting " + string(mode))
}

// exchanges records each MCP request's method and its answer, as a client
// sends and gets them.
type exchanges struct {
	next http.RoundTripper
	mu   sync.Mutex
	log  []exchange
}

type exchange struct {
	method string
	body   []byte
}

func (e *exchanges) RoundTrip(r *http.Request) (*http.Response, error) {
	var msg struct {
		Method string `json:"method"`
	}
	if r.Body != nil {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		_ = r.Body.Close()
		_ = json.Unmarshal(b, &msg)
		r = r.Clone(r.Context())
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	resp, err := e.next.RoundTrip(r)
	if err != nil || msg.Method == "" {
		return resp, err
	}
	b, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	e.mu.Lock()
	e.log = append(e.log, exchange{msg.Method, b})
	e.mu.Unlock()
	return resp, nil
}

// methods lists the requests' methods in order.
func (e *exchanges) methods() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, x := range e.log {
		out = append(out, x.method)
	}
	return out
}

// response is the answer to the first request of method.
func (e *exchanges) response(method string) []byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, x := range e.log {
		if x.method == method {
			return x.body
		}
	}
	return nil
}
