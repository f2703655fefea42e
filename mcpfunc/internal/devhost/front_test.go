package devhost

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/bodylimit/bodylimittest"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/funcgen"
)

// The expected answers in this file are the Functions host's and its MCP
// extension's, read in their source (front.go cites it): System.Text.Json
// throws, nothing catches it, the host answers 500.

// sseData is the JSON of the one event of an answer, or the body itself.
func sseData(body string) string {
	for line := range strings.SplitSeq(body, "\n") {
		if data, ok := strings.CutPrefix(line, "data: "); ok {
			return data
		}
	}
	return body
}

// What System.Text.Json cannot read as one JSON-RPC message is a 500,
// logged, that reaches no handler: a batch, an id the C# SDK's RequestId
// refuses, text that is not JSON. An id within Int64 comes back exactly, however large.
func TestMessagesTheHostCannotRead(t *testing.T) {
	e := newEnv(t, itemsApp())
	s := e.rawConnect(nil)
	for _, body := range []string{
		`[{"jsonrpc":"2.0","id":1,"method":"ping"}]`,
		`[{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"hello","arguments":{}}},{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"hello","arguments":{}}}]`,
		`{"jsonrpc":"2.0","id":1180591620717411303424,"method":"tools/call","params":{"name":"hello","arguments":{}}}`,
		`{"jsonrpc":"2.0","id":9223372036854775808,"method":"tools/call","params":{"name":"hello","arguments":{}}}`,
		`{"jsonrpc":"2.0","id":1.5,"method":"tools/call","params":{"name":"hello","arguments":{}}}`,
		`{"jsonrpc":"2.0","id":1e3,"method":"tools/call","params":{"name":"hello","arguments":{}}}`,
		`{"jsonrpc":"2.0","id":null,"method":"tools/call","params":{"name":"hello","arguments":{}}}`,
		`{"jsonrpc":"2.0","id":true,"method":"tools/call","params":{"name":"hello","arguments":{}}}`,
		`{"jsonrpc":"2.0","id":1,"method":7}`,
		`"x"`,
		// Not JSON, past where the id and method are.
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"hello","arguments":{"a":tru}}}`,
		`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"hello","arguments":{"a":"x"},}}`,
	} {
		before := len(e.logs.String())
		resp, got := s.post(body)
		assert.Equal(t, http.StatusInternalServerError, resp.StatusCode, "%s: %s", body, got)
		assert.Contains(t, e.logs.String()[before:], `msg="request refused" status=500`, body)
	}
	assert.Empty(t, e.handler.received(), "nothing reached the handler")

	for _, id := range []string{`9223372036854775807`, `-9223372036854775808`, `9007199254740993`, `42`, `"abc"`} {
		resp, body := s.post(`{"jsonrpc":"2.0","id":` + id + `,"method":"tools/call","params":{"name":"hello","arguments":{}}}`)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		var msg struct {
			ID json.RawMessage `json:"id"`
		}
		require.NoError(t, json.Unmarshal([]byte(sseData(body)), &msg), body)
		assert.Equal(t, id, string(msg.ID), "echoed as the extension echoes a long")
	}
}

// A method neither SDK serves gets the C# SDK's -32601 on the event
// stream, as any other answer; a notification of one is accepted.
func TestUnknownMethodAsTheExtension(t *testing.T) {
	e := newEnv(t, itemsApp())
	s := e.rawConnect(nil)
	msg := s.call("foo/bar", `{}`)
	assert.JSONEq(t, `{"code":-32601,"message":"Method 'foo/bar' is not available."}`, string(msg["error"]))
	resp, body := s.post(`{"jsonrpc":"2.0","method":"notifications/foo"}`)
	assert.Equal(t, http.StatusAccepted, resp.StatusCode, body)
	assert.Contains(t, e.logs.String(), "foo/bar")
}

// The extension never reads MCP-Protocol-Version: whatever it says, the
// request is served.
func TestProtocolVersionHeaderIgnored(t *testing.T) {
	e := newEnv(t, itemsApp())
	s := e.rawConnect(nil)
	for _, v := range []string{"2030-01-01", "garbage", "2000-01-01", "2025-11-25"} {
		req, err := http.NewRequest(http.MethodPost, s.url, strings.NewReader(`{"jsonrpc":"2.0","id":9,"method":"tools/list"}`))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Mcp-Session-Id", s.id)
		req.Header.Set("Mcp-Protocol-Version", v)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", v, body)
		assert.Contains(t, string(body), `"tools"`, v)
	}
}

// A Content-Length over the cap is refused before the body is sent, as
// Kestrel refuses one over MaxRequestBodySize.
func TestAnnouncedBodyOverTheCap(t *testing.T) {
	e := newEnv(t, itemsApp(), func(o *Options) { o.MaxMessageBytes = 1 << 20 })
	resp := bodylimittest.Post(t, e.http.URL, MCPPath, 48<<20, "")
	b, _ := io.ReadAll(resp.Body)
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, "%s", b)
	assert.Contains(t, e.logs.String(), "status=413")
}

// Sessions are bounded: past MaxSessions, the least recently used is
// closed, and its client is told so (404) on its next request.
func TestSessionsBounded(t *testing.T) {
	e := newEnv(t, itemsApp(), func(o *Options) { o.MaxSessions = 3 })
	var ss []*rawSession
	for range 3 {
		ss = append(ss, e.rawConnect(nil))
	}
	// The first is used again: the second is now the least recent.
	s0 := ss[0].call("ping", `{}`)
	assert.JSONEq(t, `{}`, string(s0["result"]))
	ss = append(ss, e.rawConnect(nil))
	require.Eventually(t, func() bool {
		resp, _ := ss[1].post(`{"jsonrpc":"2.0","id":99,"method":"ping"}`)
		return resp.StatusCode == http.StatusNotFound
	}, 10*time.Second, 10*time.Millisecond, "the least recently used session is closed")
	for _, i := range []int{0, 2, 3} {
		resp, body := ss[i].post(`{"jsonrpc":"2.0","id":98,"method":"ping"}`)
		assert.Equal(t, http.StatusOK, resp.StatusCode, "session %d: %s", i, body)
	}
	assert.Equal(t, 3, e.srv.sessions.count())
	assert.Contains(t, e.logs.String(), "too many MCP sessions")
}

// resourceApp is a resource template and a prompt, as funcgen writes them.
func resourceApp(t *testing.T) *funcapp.App {
	res := &decl.Resource{Name: "itemresource", URI: "item://{name}", ResourceName: "item", Description: "An item.",
		Read: func(context.Context, *decl.Call, decl.ResourceRead) (string, error) { return "", nil }}
	prompt := &decl.Prompt{Name: "describe", Description: "Review.",
		Handler: decl.TypedPrompt(func(context.Context, *decl.Call, struct {
			Key string `json:"key" jsonschema:"The item."`
		}) (string, error) {
			return "", nil
		})}
	app := itemsApp()
	for name, render := range map[string]func() ([]byte, error){
		res.Name:    func() ([]byte, error) { return funcgen.ResourceJSON(res) },
		prompt.Name: func() ([]byte, error) { return funcgen.PromptJSON(prompt) },
	} {
		fj, err := render()
		require.NoError(t, err)
		f, err := funcapp.ParseFunction(name, name+"/function.json", fj)
		require.NoError(t, err)
		app.Functions = append(app.Functions, f)
	}
	return app
}

// A handler that fails with a 500 (its recover answers a panic so) fails
// a resource read or a prompt with the extension's -32603, and a tool
// call with the generic tool error; devhost keeps serving. URIs are
// matched as the extension matches them: ITEM://a1 is item://{name}.
func TestHandlerFailuresAnsweredAsTheExtension(t *testing.T) {
	e := newEnv(t, resourceApp(t))
	e.handler.answer = func(w http.ResponseWriter, _ *received) {
		http.Error(w, `{"error":"internal error","Logs":[]}`, http.StatusInternalServerError)
	}
	cs := e.connect(TransportStreamable, nil)
	var werr *jsonrpc.Error
	_, err := cs.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: "ITEM://a1"})
	require.ErrorAs(t, err, &werr)
	assert.Equal(t, &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: "An error occurred."}, werr)
	_, err = cs.GetPrompt(t.Context(), &mcp.GetPromptParams{Name: "describe", Arguments: map[string]string{"key": "a1"}})
	require.ErrorAs(t, err, &werr)
	assert.Equal(t, &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: "An error occurred."}, werr)
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "hello", Arguments: map[string]any{}})
	require.NoError(t, err)
	assert.True(t, res.IsError)
	assert.Equal(t, "An error occurred invoking 'hello'.", textOf(t, res))
	got := e.handler.received()
	require.Len(t, got, 3, "each reached the handler")
	assert.Equal(t, "/itemresource", got[0].Path, "ITEM://a1 is the template's")

	e.handler.answer = nil
	res, err = cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "hello", Arguments: map[string]any{}})
	require.NoError(t, err)
	assert.False(t, res.IsError, "still serving")
}

// On the legacy SSE transport the same answers travel on the stream: the
// POST gets 202, the stream the -32601 and the id as it was sent.
func TestLegacySSEAnswersAsTheExtension(t *testing.T) {
	e := newEnv(t, itemsApp())
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.http.URL+SSEPath, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	events := make(chan string, 16)
	go func() {
		defer close(events)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				events <- data
			}
		}
	}()
	endpoint := <-events
	post := func(body string) int {
		r, err := http.Post(e.http.URL+endpoint, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		r.Body.Close()
		return r.StatusCode
	}
	next := func() string {
		select {
		case ev := <-events:
			return ev
		case <-ctx.Done():
			t.Fatal("no event")
			return ""
		}
	}
	require.Equal(t, http.StatusAccepted, post(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}`))
	next()
	require.Equal(t, http.StatusAccepted, post(`{"jsonrpc":"2.0","method":"notifications/initialized"}`))

	require.Equal(t, http.StatusAccepted, post(`{"jsonrpc":"2.0","id":5,"method":"foo/bar","params":{}}`))
	assert.JSONEq(t, `{"jsonrpc":"2.0","id":5,"error":{"code":-32601,"message":"Method 'foo/bar' is not available."}}`, next())

	require.Equal(t, http.StatusAccepted, post(`{"jsonrpc":"2.0","id":9007199254740993,"method":"ping"}`))
	assert.Equal(t, `{"jsonrpc":"2.0","id":9007199254740993,"result":{}}`, next())

	assert.Equal(t, http.StatusInternalServerError, post(`[{"jsonrpc":"2.0","id":6,"method":"ping"}]`))
}
