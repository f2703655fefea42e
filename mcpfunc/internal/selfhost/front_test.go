package selfhost

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/bodylimit/bodylimittest"
)

// The expected answers in this file come from the MCP specification
// (basic/transports and basic for 2025-06-18 and 2025-11-25, SEP-2575 for
// 2026-07-28) and JSON-RPC 2.0, not from the server: a body of bytes the
// test writes and reads as any client would.

// refusals counts the "request refused" lines written while f runs.
func (e *env) refusals(f func()) (int, string) {
	before := len(e.logs.String())
	f()
	logged := e.logs.String()[before:]
	return strings.Count(logged, `msg="request refused"`), logged
}

// rpcAnswer is a JSON-RPC response, its id kept as written.
type rpcAnswer struct {
	ID     json.RawMessage `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int64           `json:"code"`
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	} `json:"error"`
}

func answerOf(t *testing.T, body string) rpcAnswer {
	t.Helper()
	var a rpcAnswer
	require.NoError(t, json.Unmarshal([]byte(body), &a), "%q", body)
	return a
}

// An MCP-Protocol-Version the server does not speak is 400, "MUST respond
// with 400 Bad Request", with the UnsupportedProtocolVersionError of the
// new protocol naming the versions it does; one it speaks is served.
func TestUnsupportedProtocolVersion(t *testing.T) {
	e := newEnv(t, testFunctions())
	for _, v := range []string{"2030-01-01", "garbage", "2000-01-01", "2026-07-29"} {
		var status int
		var body string
		n, logged := e.refusals(func() {
			var err error
			status, body, err = e.post(t.Context(), `{"jsonrpc":"2.0","id":7,"method":"tools/list"}`, map[string]string{"MCP-Protocol-Version": v})
			require.NoError(t, err)
		})
		assert.Equal(t, http.StatusBadRequest, status, v)
		a := answerOf(t, body)
		assert.Equal(t, "7", string(a.ID), v)
		require.NotNil(t, a.Error, v)
		assert.Equal(t, int64(-32022), a.Error.Code, v)
		assert.Contains(t, a.Error.Message, "Unsupported protocol version", v)
		var data struct {
			Supported []string `json:"supported"`
			Requested string   `json:"requested"`
		}
		require.NoError(t, json.Unmarshal(a.Error.Data, &data))
		assert.Equal(t, v, data.Requested)
		assert.Contains(t, data.Supported, "2025-06-18")
		assert.Contains(t, data.Supported, "2026-07-28")
		assert.Equal(t, 1, n, logged)
	}
	for _, v := range []string{"2025-06-18", "2025-03-26", "2024-11-05", "2025-11-25"} {
		status, body, err := e.post(t.Context(), `{"jsonrpc":"2.0","id":7,"method":"tools/list"}`, map[string]string{"MCP-Protocol-Version": v})
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, status, v)
		assert.NotNil(t, answerOf(t, body).Result, v)
	}
}

// An unknown method is JSON-RPC -32601 Method not found with the
// request's id (HTTP 404 on 2026-07-28, SEP-2575), logged once; an
// unknown notification is accepted and ignored (JSON-RPC: a notification
// is never answered).
func TestUnknownMethod(t *testing.T) {
	e := newEnv(t, testFunctions())
	var status int
	var body string
	n, logged := e.refusals(func() {
		var err error
		status, body, err = e.post(t.Context(), `{"jsonrpc":"2.0","id":"x","method":"foo/bar","params":{}}`, map[string]string{"MCP-Protocol-Version": "2025-06-18"})
		require.NoError(t, err)
	})
	assert.Equal(t, http.StatusOK, status, body)
	a := answerOf(t, body)
	assert.Equal(t, `"x"`, string(a.ID))
	require.NotNil(t, a.Error, body)
	assert.Equal(t, int64(jsonrpc.CodeMethodNotFound), a.Error.Code)
	assert.Equal(t, 1, n, logged)
	assert.Contains(t, logged, "foo/bar")

	status, body, err := e.post(t.Context(), `{"jsonrpc":"2.0","id":3,"method":"foo/bar","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}`, map[string]string{"MCP-Protocol-Version": "2026-07-28"})
	require.NoError(t, err)
	assert.Equal(t, http.StatusNotFound, status, body)
	assert.Equal(t, int64(jsonrpc.CodeMethodNotFound), answerOf(t, body).Error.Code)

	status, body, err = e.post(t.Context(), `{"jsonrpc":"2.0","method":"notifications/foo"}`, nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusAccepted, status, body)
	assert.Empty(t, body)
}

// Batches (protocol 2025-03-26 and before): a batch that uses one id for
// two requests is refused as a whole (ids are unique: "The request ID
// MUST NOT have been previously used by the requestor within the same
// session"); otherwise every request gets its answer, an unknown method
// its -32601.
func TestBatches(t *testing.T) {
	e := newEnv(t, testFunctions())
	h := map[string]string{"MCP-Protocol-Version": "2025-03-26"}
	status, body, err := e.post(t.Context(), `[{"jsonrpc":"2.0","id":1,"method":"tools/list"},{"jsonrpc":"2.0","id":1,"method":"ping"}]`, h)
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadRequest, status, body)
	a := answerOf(t, body)
	require.NotNil(t, a.Error, body)
	assert.Equal(t, int64(jsonrpc.CodeInvalidRequest), a.Error.Code)
	assert.Contains(t, a.Error.Message, "id 1")

	status, body, err = e.post(t.Context(), `[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"foo/bar"},{"jsonrpc":"2.0","id":3,"method":"tools/list"},{"jsonrpc":"2.0","method":"notifications/foo"}]`, h)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status, body)
	var answers []rpcAnswer
	require.NoError(t, json.Unmarshal([]byte(body), &answers), body)
	byID := map[string]rpcAnswer{}
	for _, a := range answers {
		byID[string(a.ID)] = a
	}
	assert.Len(t, answers, 3, body)
	assert.JSONEq(t, `{}`, string(byID["1"].Result))
	assert.Contains(t, string(byID["3"].Result), `"tools"`)
	if assert.NotNil(t, byID["2"].Error, body) {
		assert.Equal(t, int64(jsonrpc.CodeMethodNotFound), byID["2"].Error.Code)
	}

	status, body, err = e.post(t.Context(), `[{"jsonrpc":"2.0","method":"notifications/foo"},{"jsonrpc":"2.0","method":"notifications/bar"}]`, h)
	require.NoError(t, err)
	assert.Equal(t, http.StatusAccepted, status, "notifications only: nothing to answer")
	assert.Empty(t, body)

	status, body, err = e.post(t.Context(), `[{"jsonrpc":"2.0","id":1,"method":"foo/bar"}]`, h)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status, body)
	require.NoError(t, json.Unmarshal([]byte(body), &answers), body)
	require.Len(t, answers, 1)
	assert.Equal(t, int64(jsonrpc.CodeMethodNotFound), answers[0].Error.Code)
}

// Ids are strings or numbers, and each comes back exactly as it was sent
// (JSON-RPC 2.0: "The Server MUST reply with the same value"), however
// large; null, booleans, objects and arrays are no ids.
func TestIDsComeBackAsSent(t *testing.T) {
	e := newEnv(t, testFunctions())
	for _, id := range []string{
		`1180591620717411303424`, // 2^70
		`-1180591620717411303424`,
		`9007199254740993`, // 2^53 + 1
		`9007199254740992`,
		`1.5`, `1e3`, `0`, `-0`, `-17`, `"abc"`, `""`,
	} {
		status, body, err := e.post(t.Context(), `{"jsonrpc":"2.0","id":`+id+`,"method":"tools/call","params":{"name":"hello","arguments":{}}}`, nil)
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, status, body)
		a := answerOf(t, body)
		assert.Equal(t, id, string(a.ID), body)
		assert.Contains(t, string(a.Result), `"hi"`, id)
	}
	// In a batch too.
	status, body, err := e.post(t.Context(), `[{"jsonrpc":"2.0","id":1180591620717411303424,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"ping"}]`, nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status, body)
	assert.Contains(t, body, `"id":1180591620717411303424`)
	assert.Contains(t, body, `"id":2`)

	for _, id := range []string{`null`, `true`, `{}`, `[1]`} {
		status, body, err := e.post(t.Context(), `{"jsonrpc":"2.0","id":`+id+`,"method":"tools/call","params":{"name":"savenote","arguments":{"name":"n","content":"c"}}}`, nil)
		require.NoError(t, err)
		assert.Equal(t, http.StatusBadRequest, status, id)
		a := answerOf(t, body)
		require.NotNil(t, a.Error, body)
		assert.Equal(t, int64(jsonrpc.CodeInvalidRequest), a.Error.Code, id)
	}
	assert.Zero(t, e.store.Writes(), "a request without a valid id runs nothing")
}

// A message nested deeper than the trigger hosting's limit (64 levels,
// the host's JSON reader) is refused as the client's error, a 4xx with
// JSON-RPC -32700, and runs nothing; one at the limit runs.
func TestMessageDepth(t *testing.T) {
	e := newEnv(t, testFunctions())
	msg := func(depth int) string {
		// The message object, params and arguments are three levels.
		inner := strings.Repeat("[", depth-3) + strings.Repeat("]", depth-3)
		return `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"savenote","arguments":{"name":"n","content":"c","x":` + inner + `}}}`
	}
	var status int
	var body string
	n, logged := e.refusals(func() {
		var err error
		status, body, err = e.post(t.Context(), msg(65), nil)
		require.NoError(t, err)
	})
	assert.Equal(t, http.StatusBadRequest, status, body)
	a := answerOf(t, body)
	require.NotNil(t, a.Error, body)
	assert.Equal(t, int64(jsonrpc.CodeParseError), a.Error.Code)
	assert.Contains(t, a.Error.Message, "64 levels")
	assert.Zero(t, e.store.Writes())
	assert.Equal(t, 1, n, logged)

	status, body, err := e.post(t.Context(), msg(64), nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, 1, e.store.Writes(), body)
}

// A Content-Length over the cap is answered 413 before the body is
// sent: the server reads none of it.
func TestAnnouncedBodyOverTheCap(t *testing.T) {
	e := newEnv(t, testFunctions(), func(o *Options) { o.MaxMessageBytes = 1 << 20 })
	// Not a byte of the body is sent: the answer must come anyway.
	resp := bodylimittest.Post(t, e.http.URL, Path, 48<<20, "")
	b, _ := io.ReadAll(resp.Body)
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	assert.Contains(t, string(b), strconv.Itoa(48<<20))
	assert.Contains(t, e.logs.String(), `status=413`)
}

// resources/read answers with the cache hints every other result carries
// (cacheScope, protocol 2026-07-28), though readResources answers it
// before go-sdk would set them: the default scope, "public", and a ttlMs
// of 0 (go-sdk v1.8.0 mcp/server.go resolveCacheable, mcp/protocol.go
// Cacheable).
// At 2026-07-28 it also says it is complete ("resultType", required by
// the revision's schema for ReadResourceResult); before, it does not, as
// go-sdk leaves it out for older clients (mcp/mrtr.go).
func TestResourceReadCacheHints(t *testing.T) {
	e := newEnv(t, testFunctions())
	e.store.Set("notes/n.txt", []byte("note text"))
	for _, version := range []string{"2026-07-28", "2025-11-25"} {
		rec := &bodyRecorder{next: e.http.Client().Transport}
		c := mcp.NewClient(&mcp.Implementation{Name: "unit-client", Version: "0.0.1"}, nil)
		cs, err := c.Connect(t.Context(), &mcp.StreamableClientTransport{Endpoint: e.http.URL + Path, HTTPClient: &http.Client{Transport: rec}, MaxRetries: -1},
			&mcp.ClientSessionOptions{ProtocolVersion: version})
		require.NoError(t, err)
		require.Equal(t, version, cs.InitializeResult().ProtocolVersion)
		rr, err := cs.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: "note://n"})
		require.NoError(t, err)
		_ = cs.Close()
		assert.Equal(t, "public", rr.CacheScope, version)
		assert.Equal(t, 0, rr.TTLMs, version)
		var wire struct {
			Result map[string]json.RawMessage `json:"result"`
		}
		require.NoError(t, json.Unmarshal([]byte(rec.last), &wire), rec.last)
		if version == "2026-07-28" {
			assert.JSONEq(t, `"complete"`, string(wire.Result["resultType"]), rec.last)
		} else {
			assert.NotContains(t, wire.Result, "resultType", rec.last)
		}
		assert.JSONEq(t, `"public"`, string(wire.Result["cacheScope"]), rec.last)
	}
}

// bodyRecorder keeps the last response body it carried.
type bodyRecorder struct {
	next http.RoundTripper
	last string
}

func (r *bodyRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err != nil || resp.Body == nil {
		return resp, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if len(b) > 0 {
		r.last = string(b)
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, nil
}

// resources/read takes URIs as the extension does: the scheme and the
// literal text of a template case-insensitively (NOTE://n reads
// note://{name}); a URI with a control character gets a JSON-RPC error
// (and a log line), not an empty answer.
func TestResourceURIs(t *testing.T) {
	e := newEnv(t, testFunctions())
	e.store.Set("notes/n.txt", []byte("note text"))
	cs := e.connect(nil)
	for _, uri := range []string{"note://n", "NOTE://n", "Note://n"} {
		rr, err := cs.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: uri})
		require.NoError(t, err, uri)
		assert.Equal(t, "note text", rr.Contents[0].Text, uri)
		assert.Equal(t, uri, rr.Contents[0].URI, "the URI as requested")
	}
	for _, uri := range []string{"note://a\u0000", "note://a\x7f", "\u0000", "other://a\u0001b", "no scheme"} {
		var status int
		var body string
		n, logged := e.refusals(func() {
			req, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 5, "method": "resources/read", "params": map[string]any{"uri": uri}})
			var err error
			status, body, err = e.post(context.Background(), string(req), nil)
			require.NoError(t, err)
		})
		assert.Equal(t, http.StatusOK, status, "%q", uri)
		a := answerOf(t, body)
		require.NotNil(t, a.Error, "%q: %s", uri, body)
		assert.Equal(t, int64(jsonrpc.CodeInvalidParams), a.Error.Code)
		var data struct {
			URI string `json:"uri"`
		}
		require.NoError(t, json.Unmarshal(a.Error.Data, &data))
		assert.Equal(t, uri, data.URI)
		assert.Equal(t, 1, n, "%q: %s", uri, logged)
	}
}

// Each refusal is logged once, whoever answers it: go-sdk's own 4xx too.
func TestRefusalsLoggedOnce(t *testing.T) {
	e := newEnv(t, testFunctions())
	cs := e.connect(nil)
	for _, f := range []func(){
		func() { _, _, _ = e.post(t.Context(), `{not json`, nil) },
		func() {
			_, _, _ = e.post(t.Context(), `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"nosuchtool"}}`, nil)
		},
		func() {
			_, _ = cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "savenote", Arguments: map[string]any{}})
		},
		func() {
			_, _ = cs.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: "other://x"})
		},
		func() {
			_, _, _ = e.post(t.Context(), `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, map[string]string{"MCP-Protocol-Version": "2026-07-28"})
		},
		func() {
			resp, err := http.Get(e.http.URL + "/other")
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, http.StatusNotFound, resp.StatusCode)
		},
	} {
		n, logged := e.refusals(f)
		assert.Equal(t, 1, n, logged)
	}
	// A function's own failure has its own line, and no second one.
	n, logged := e.refusals(func() {
		_, _ = cs.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: "note://missing"})
	})
	assert.Zero(t, n, logged)
	assert.Contains(t, logged, "resource refused the call")
}
