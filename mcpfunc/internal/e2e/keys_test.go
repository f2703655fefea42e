package e2e

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// testKey looks like an Azure function key and holds the characters that
// need escaping in a query string.
const (
	testKey  = "e2eKey+/with=Specials_0123456789"
	wrongKey = "e2eKey+/with=Specials_0123456780"
)

const initializeBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`

// TestKeyMode runs each hosting with a key: requests without it, or with
// a wrong one, get 401 on every transport (devhost's SSE message endpoint
// included); the x-functions-key header and the code query parameter both
// work for the go-sdk client; and the key never reaches the logs.
func TestKeyMode(t *testing.T) {
	az := testenv.SharedAzurite(t)
	forEachHosting(t, func(t *testing.T, h hostingCase) { keyMode(t, h, az) })
}

func keyMode(t *testing.T, h hostingCase, az *testenv.Azurite) {
	srv := h.start(t, serverOptions{Storage: az.ConnectionString(), Key: testKey})
	dh := srv.Endpoints()
	code := "?code=" + url.QueryEscape(testKey)

	t.Run("streamable POST", func(t *testing.T) {
		tests := []struct {
			name   string
			url    string
			header string
			status int
		}{
			{"no key", dh.URL, "", http.StatusUnauthorized},
			{"wrong header", dh.URL, wrongKey, http.StatusUnauthorized},
			{"wrong code", dh.URL + "?code=" + url.QueryEscape(wrongKey), "", http.StatusUnauthorized},
			{"empty code", dh.URL + "?code=", "", http.StatusUnauthorized},
			{"key in another header", dh.URL, "", http.StatusUnauthorized},
			{"header", dh.URL, testKey, http.StatusOK},
			{"code", dh.URL + code, "", http.StatusOK},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, tt.url, strings.NewReader(initializeBody))
				require.NoError(t, err)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept", "application/json, text/event-stream")
				if tt.header != "" {
					req.Header.Set("x-functions-key", tt.header)
				}
				if tt.name == "key in another header" {
					req.Header.Set("Authorization", "Bearer "+testKey)
				}
				status, body := do(t, req)
				assert.Equal(t, tt.status, status, "body: %s", body)
				assert.NotContains(t, body, wrongKey, "a 401 must not echo the key sent")
			})
		}
	})

	if dh.SSEURL == "" {
		clients(t, h, srv, code)
		return
	}
	t.Run("sse GET", func(t *testing.T) {
		tests := []struct {
			name   string
			url    string
			header string
			status int
		}{
			{"no key", dh.SSEURL, "", http.StatusUnauthorized},
			{"wrong header", dh.SSEURL, wrongKey, http.StatusUnauthorized},
			{"wrong code", dh.SSEURL + "?code=" + url.QueryEscape(wrongKey), "", http.StatusUnauthorized},
			{"header", dh.SSEURL, testKey, http.StatusOK},
			{"code", dh.SSEURL + code, "", http.StatusOK},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel() // ends the event stream
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, tt.url, nil)
				require.NoError(t, err)
				req.Header.Set("Accept", "text/event-stream")
				if tt.header != "" {
					req.Header.Set("x-functions-key", tt.header)
				}
				resp, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				defer resp.Body.Close()
				assert.Equal(t, tt.status, resp.StatusCode)
				if tt.status == http.StatusOK {
					_, err := sseEndpoint(resp.Body)
					require.NoError(t, err, "the stream must announce its message endpoint")
				}
			})
		}
	})

	t.Run("sse message endpoint", func(t *testing.T) {
		// A session opened with the key posts to the endpoint its stream
		// announced. devhost puts no key in that URL (so it never lands in
		// logs) and accepts a POST that names a live session instead; a
		// POST naming no live session needs the key.
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, dh.SSEURL, nil)
		require.NoError(t, err)
		req.Header.Set("x-functions-key", testKey)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		endpoint, err := sseEndpoint(resp.Body)
		require.NoError(t, err)
		live, err := url.Parse(dh.SSEURL)
		require.NoError(t, err)
		live, err = live.Parse(endpoint)
		require.NoError(t, err)
		assert.NotContains(t, live.String(), url.QueryEscape(testKey), "no key in the announced URL")
		require.NotEmpty(t, live.RawQuery, "the endpoint names its session")
		forged := *live
		q := forged.Query()
		for k := range q {
			q.Set(k, "00000000000000000000000000000000")
		}
		forged.RawQuery = q.Encode()

		for _, tt := range []struct {
			name   string
			url    *url.URL
			key    string
			status int
		}{
			{"unknown session, no key", &forged, "", http.StatusUnauthorized},
			{"unknown session, wrong key", &forged, wrongKey, http.StatusUnauthorized},
			{"live session, no key", live, "", http.StatusAccepted},
			{"live session, key", live, testKey, http.StatusAccepted},
		} {
			t.Run(tt.name, func(t *testing.T) {
				post, err := http.NewRequestWithContext(t.Context(), http.MethodPost, tt.url.String(), strings.NewReader(initializeBody))
				require.NoError(t, err)
				post.Header.Set("Content-Type", "application/json")
				if tt.key != "" {
					post.Header.Set("x-functions-key", tt.key)
				}
				status, body := do(t, post)
				assert.Equal(t, tt.status, status, "body: %s", body)
			})
		}
	})

	clients(t, h, srv, code)
}

// clients: the go-sdk client with the key in a header or in ?code= works
// on every transport, and without it does not connect; the key is in no
// log line.
func clients(t *testing.T, h hostingCase, srv server, code string) {
	for _, tr := range transportsOf(srv) {
		t.Run(tr.name+" client with x-functions-key", func(t *testing.T) {
			s := connect(t, tr.dial(srv, headerClient("x-functions-key", testKey)))
			requireText(t, call(t, s, "hello", nil), helloText)
			key := "key-header-" + h.name + "-" + tr.name
			put(t, s, key, "via header")
			requireText(t, call(t, s, "get", map[string]any{"key": key}), "via header")
		})
		t.Run(tr.name+" client with ?code=", func(t *testing.T) {
			withCode := *srv.Endpoints()
			withCode.URL += code
			withCode.SSEURL += code
			s := connect(t, tr.dial(endpointServer{&withCode, srv}, nil))
			res, err := s.ListTools(t.Context(), nil)
			require.NoError(t, err)
			assert.Len(t, res.Tools, len(fixtureTools(t)))
			requireText(t, call(t, s, "hello", nil), helloText)
		})
		t.Run(tr.name+" client without key", func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), callLimit)
			defer cancel()
			_, err := mcpClient().Connect(ctx, tr.dial(srv, headerClient("x-functions-key", wrongKey)), nil)
			require.Error(t, err)
		})
	}

	t.Run("key stays out of the logs", func(t *testing.T) {
		out := srv.Output()
		require.NotEmpty(t, out)
		for _, secret := range []string{testKey, url.QueryEscape(testKey), wrongKey, url.QueryEscape(wrongKey)} {
			assert.NotContains(t, out, secret)
		}
		assert.NotContains(t, out, "e2eKey", "not even part of a key")
	})
}

// endpointServer is a server reached at another endpoint (its URL with
// ?code=, say).
type endpointServer struct {
	e *testenv.Endpoint
	server
}

func (s endpointServer) Endpoints() *testenv.Endpoint { return s.e }

// do sends a request and returns the status and body.
func do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// sseEndpoint reads a legacy SSE stream up to its endpoint event and
// returns the message URL it announces.
func sseEndpoint(r io.Reader) (string, error) {
	sc := bufio.NewScanner(r)
	event := ""
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event:"):
			event = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case strings.HasPrefix(line, "data:") && event == "endpoint":
			return strings.TrimSpace(strings.TrimPrefix(line, "data:")), nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", io.ErrUnexpectedEOF
}
