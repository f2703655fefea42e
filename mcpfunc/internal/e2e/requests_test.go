package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/hosting"
	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// rawClient speaks JSON-RPC over Streamable HTTP by hand, for requests no
// SDK client sends: it initializes once and sends the session id, which
// devhost needs and the self hosting ignores.
type rawClient struct {
	url     string
	session string
}

func newRawClient(t *testing.T, s server) *rawClient {
	c := &rawClient{url: s.Endpoints().URL}
	resp, body := c.post(t, `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`, nil)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	c.session = resp.Header.Get("Mcp-Session-Id")
	resp, body = c.post(t, `{"jsonrpc":"2.0","method":"notifications/initialized"}`, nil)
	require.Equal(t, http.StatusAccepted, resp.StatusCode, body)
	return c
}

// post sends body and returns the answer, the JSON of an event stream's
// one event as the body.
func (c *rawClient) post(t *testing.T, body string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, c.url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("MCP-Protocol-Version", "2025-06-18")
	if c.session != "" {
		req.Header.Set("Mcp-Session-Id", c.session)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	out := string(b)
	for line := range strings.SplitSeq(out, "\n") {
		if data, ok := strings.CutPrefix(line, "data: "); ok {
			out = data
		}
	}
	return resp, out
}

type rawAnswer struct {
	ID     json.RawMessage `json:"id"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    int64  `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func answerOf(t *testing.T, body string) rawAnswer {
	t.Helper()
	var a rawAnswer
	require.NoError(t, json.Unmarshal([]byte(body), &a), "%q", body)
	return a
}

// TestRequestsOnTheEdge: requests an SDK client never sends, in both
// hostings. Where the hostings answer alike, one expectation; where they
// differ, the trigger hosting answers as the Functions host and its MCP
// extension do (a message System.Text.Json cannot read is an exception
// the extension does not catch: the host's 500), and the self hosting as
// the MCP specification says (a 4xx with a JSON-RPC error). The hosting
// table in docs/hostings.md#what-each-serves says the same.
func TestRequestsOnTheEdge(t *testing.T) {
	az := testenv.SharedAzurite(t)
	forEachHosting(t, func(t *testing.T, h hostingCase) {
		srv := h.start(t, serverOptions{Storage: az.ConnectionString()})
		self := h.mode == hosting.Self
		c := newRawClient(t, srv)
		key := "edge-" + h.name

		resp, body := c.post(t, `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"put","arguments":{"key":"`+key+`","value":"x = 1"}}}`, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode, body)
		require.Nil(t, answerOf(t, body).Error, body)

		t.Run("the URI's scheme in capitals", func(t *testing.T) {
			resp, body := c.post(t, `{"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"ITEM://`+key+`"}}`, nil)
			require.Equal(t, http.StatusOK, resp.StatusCode, body)
			a := answerOf(t, body)
			require.Nil(t, a.Error, body)
			assert.Contains(t, string(a.Result), `"text":"x = 1"`)
		})

		t.Run("a control character in a URI", func(t *testing.T) {
			resp, body := c.post(t, `{"jsonrpc":"2.0","id":3,"method":"resources/read","params":{"uri":"item://a\u0000"}}`, nil)
			require.Equal(t, http.StatusOK, resp.StatusCode, body)
			a := answerOf(t, body)
			require.NotNil(t, a.Error, "an answer, not an empty body: %q", body)
			assert.Equal(t, "3", string(a.ID))
			if self {
				assert.Equal(t, int64(-32602), a.Error.Code)
			} else {
				assert.Equal(t, int64(-32603), a.Error.Code, "the extension's Uri validation throws")
			}
		})

		t.Run("an unknown method", func(t *testing.T) {
			resp, body := c.post(t, `{"jsonrpc":"2.0","id":4,"method":"foo/bar","params":{}}`, nil)
			require.Equal(t, http.StatusOK, resp.StatusCode, body)
			a := answerOf(t, body)
			require.NotNil(t, a.Error, body)
			assert.Equal(t, int64(-32601), a.Error.Code)
			assert.Equal(t, "4", string(a.ID))
		})

		t.Run("an id of 2^70", func(t *testing.T) {
			resp, body := c.post(t, `{"jsonrpc":"2.0","id":1180591620717411303424,"method":"ping"}`, nil)
			if !self {
				assert.Equal(t, http.StatusInternalServerError, resp.StatusCode, "the C# SDK reads ids as Int64: %s", body)
				return
			}
			require.Equal(t, http.StatusOK, resp.StatusCode, body)
			assert.Equal(t, "1180591620717411303424", string(answerOf(t, body).ID))
		})

		t.Run("nested past 64 levels", func(t *testing.T) {
			deep := strings.Repeat("[", 62) + strings.Repeat("]", 62)
			resp, body := c.post(t, `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"hello","arguments":{"x":`+deep+`}}}`, nil)
			if !self {
				assert.Equal(t, http.StatusInternalServerError, resp.StatusCode, body)
				return
			}
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
			a := answerOf(t, body)
			require.NotNil(t, a.Error, body)
			assert.Equal(t, int64(-32700), a.Error.Code)
		})

		t.Run("a batch reusing an id", func(t *testing.T) {
			resp, body := c.post(t, `[{"jsonrpc":"2.0","id":6,"method":"ping"},{"jsonrpc":"2.0","id":6,"method":"tools/list"}]`, map[string]string{"MCP-Protocol-Version": "2025-03-26"})
			if !self {
				assert.Equal(t, http.StatusInternalServerError, resp.StatusCode, "the host reads one message, never an array: %s", body)
				return
			}
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
			a := answerOf(t, body)
			require.NotNil(t, a.Error, body)
			assert.Equal(t, int64(-32600), a.Error.Code)
		})

		t.Run("MCP-Protocol-Version: 2030-01-01", func(t *testing.T) {
			resp, body := c.post(t, `{"jsonrpc":"2.0","id":7,"method":"tools/list"}`, map[string]string{"MCP-Protocol-Version": "2030-01-01"})
			if !self {
				assert.Equal(t, http.StatusOK, resp.StatusCode, "the extension does not read the header: %s", body)
				return
			}
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
			a := answerOf(t, body)
			require.NotNil(t, a.Error, body)
			assert.Equal(t, int64(-32022), a.Error.Code)
			assert.Contains(t, a.Error.Message, "Unsupported protocol version")
		})
	})
}
