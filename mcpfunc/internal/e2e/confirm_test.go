package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// The fixture's remove confirms before it deletes (mcpfunc.Call.Confirm).
// In the self hosting a go-sdk client at 2026-07-28 with an elicitation
// handler is asked, through an input_required result, and its answer
// decides; every other client, and every client of the trigger hosting,
// gets the delete at once. Storage is the real Azurite: what is deleted
// is checked there.

// stateKey is an MCP_STATE_KEY for the servers that must share one: 32
// bytes, base64.
const stateKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

// answerer is a client's elicitation handler: it answers action and
// keeps the questions.
type answerer struct {
	mu        sync.Mutex
	action    string
	questions []string
}

func (a *answerer) handle(_ context.Context, req *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.questions = append(a.questions, req.Params.Message)
	return &mcp.ElicitResult{Action: a.action}, nil
}

func (a *answerer) asked() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string{}, a.questions...)
}

// confirmClient connects a go-sdk client to srv: with elicitation when a
// is not nil, at version ("" for the newest the server speaks), without
// the multi round-trip middleware when raw.
func confirmClient(t *testing.T, srv server, a *answerer, version string, raw bool) *mcp.ClientSession {
	t.Helper()
	opts := &mcp.ClientOptions{}
	if a != nil {
		opts.ElicitationHandler = a.handle
	}
	if raw {
		opts.MultiRoundTrip = &mcp.MultiRoundTripOptions{Disabled: true}
	}
	var so *mcp.ClientSessionOptions
	if version != "" {
		so = &mcp.ClientSessionOptions{ProtocolVersion: version}
	}
	c := mcp.NewClient(&mcp.Implementation{Name: "e2e-confirm", Version: "1.0.0"}, opts)
	s, err := c.Connect(t.Context(), &mcp.StreamableClientTransport{Endpoint: srv.Endpoints().URL, HTTPClient: http.DefaultClient, MaxRetries: -1}, so)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// stored reports whether item key is in Azurite.
func stored(t *testing.T, az *testenv.Azurite, key string) bool {
	_, ok := az.Listing(t)["items/"+blobName(key)]
	return ok
}

func TestConfirmSelfHosted(t *testing.T) {
	az := testenv.SharedAzurite(t)
	env := []string{"MCP_STATE_KEY=" + stateKey}
	srv := testenv.StartSelfhost(t, testenv.SelfhostOptions{Storage: az.ConnectionString(), Env: env})
	plain := connect(t, transports[0].dial(srv, nil))

	for action, deleted := range map[string]bool{"accept": true, "decline": false, "cancel": false} {
		t.Run("2026-07-28 with elicitation, "+action, func(t *testing.T) {
			key := "confirm-" + action
			put(t, plain, key, "x")
			a := &answerer{action: action}
			s := confirmClient(t, srv, a, "", false)
			require.Equal(t, "2026-07-28", s.InitializeResult().ProtocolVersion)
			res := call(t, s, "remove", map[string]any{"key": key})
			assert.Equal(t, []string{"Remove item " + key + "?"}, a.asked())
			if deleted {
				requireText(t, res, "Removed '"+key+"'")
			} else {
				requireText(t, res, "Kept '"+key+"'")
			}
			assert.Equal(t, !deleted, stored(t, az, key))
		})
	}
	for name, c := range map[string]struct {
		a       *answerer
		version string
	}{
		"2026-07-28 without elicitation": {nil, ""},
		"2025-11-25 with elicitation":    {&answerer{action: "decline"}, "2025-11-25"},
	} {
		t.Run(name+": deleted at once", func(t *testing.T) {
			key := "confirm-none-" + c.version
			put(t, plain, key, "x")
			s := confirmClient(t, srv, c.a, c.version, false)
			requireText(t, call(t, s, "remove", map[string]any{"key": key}), "Removed '"+key+"'")
			assert.False(t, stored(t, az, key))
			if c.a != nil {
				assert.Empty(t, c.a.asked())
			}
		})
	}

	t.Run("a retry the state was not issued for is refused", func(t *testing.T) {
		put(t, plain, "confirm-a", "x")
		put(t, plain, "confirm-b", "x")
		before := az.Listing(t)
		s := confirmClient(t, srv, &answerer{action: "accept"}, "", true)
		first, err := s.CallTool(t.Context(), &mcp.CallToolParams{Name: "remove", Arguments: map[string]any{"key": "confirm-a"}})
		require.NoError(t, err)
		require.True(t, first.NeedsInput(), "input_required")
		require.NotEmpty(t, first.RequestState)
		assert.NotContains(t, first.RequestState, "confirm-a")
		accept := mcp.InputResponseMap{"confirm": &mcp.ElicitResult{Action: "accept"}}
		for _, bad := range []struct {
			key, state, why string
		}{
			{"confirm-b", first.RequestState, "it was issued for other arguments"},
			{"confirm-a", first.RequestState + "x", "it was not issued by this server"},
			{"confirm-a", "Zm9yZ2Vk", "it was not issued by this server"},
		} {
			_, err := s.CallTool(t.Context(), &mcp.CallToolParams{Name: "remove", Arguments: map[string]any{"key": bad.key},
				InputResponses: accept, RequestState: bad.state})
			werr := rpcError(t, err)
			assert.Equal(t, int64(jsonrpc.CodeInvalidParams), werr.Code)
			assert.Contains(t, werr.Message, "invalid requestState: "+bad.why)
		}
		assert.Equal(t, before, az.Listing(t), "nothing deleted")

		// The key is the app setting's: another instance with it takes
		// the answer; one without it (a key of its own) refuses it.
		twin := testenv.StartSelfhost(t, testenv.SelfhostOptions{Storage: az.ConnectionString(), Env: env})
		res, err := confirmClient(t, twin, &answerer{action: "decline"}, "", true).CallTool(t.Context(), &mcp.CallToolParams{Name: "remove",
			Arguments: map[string]any{"key": "confirm-a"}, InputResponses: accept, RequestState: first.RequestState})
		require.NoError(t, err)
		requireText(t, res, "Removed 'confirm-a'")
		assert.False(t, stored(t, az, "confirm-a"))

		put(t, plain, "confirm-a", "x")
		stranger := testenv.StartSelfhost(t, testenv.SelfhostOptions{Storage: az.ConnectionString()})
		_, err = confirmClient(t, stranger, &answerer{action: "accept"}, "", true).CallTool(t.Context(), &mcp.CallToolParams{Name: "remove",
			Arguments: map[string]any{"key": "confirm-a"}, InputResponses: accept, RequestState: first.RequestState})
		assert.Contains(t, rpcError(t, err).Message, "invalid requestState: it was not issued by this server")
		assert.True(t, stored(t, az, "confirm-a"))
		assert.Contains(t, stranger.Output(), "MCP_STATE_KEY is not set")
		assert.NotContains(t, srv.Output(), "MCP_STATE_KEY is not set")
		assert.NotContains(t, srv.Output(), stateKey, "the key is never logged")
		assert.NotContains(t, srv.Output(), first.RequestState, "nor the state")
	})
}

// The trigger hosting cannot ask (the extension's protocol, 2025-06-18,
// has no input_required, and it passes no capabilities to the function):
// remove deletes at once, whatever the client could answer.
func TestConfirmTriggersDeletesAtOnce(t *testing.T) {
	az := testenv.SharedAzurite(t)
	dh := testenv.StartDevhost(t, testenv.DevhostOptions{Storage: az.ConnectionString()})
	a := &answerer{action: "decline"}
	s := confirmClient(t, dh, a, "", false)
	put(t, s, "confirm-triggers", "x")
	requireText(t, call(t, s, "remove", map[string]any{"key": "confirm-triggers"}), "Removed 'confirm-triggers'")
	assert.False(t, stored(t, az, "confirm-triggers"))
	assert.Empty(t, a.asked())
}

// The official TypeScript client, a second SDK, takes the same flow: at
// 2026-07-28 with elicitation it is asked and its answer decides; at its
// default, 2025-11-25, remove deletes at once (testdata/confirm-client.mjs).
func TestConfirmTypeScriptClient(t *testing.T) {
	az := testenv.SharedAzurite(t)
	srv := testenv.StartSelfhost(t, testenv.SelfhostOptions{Storage: az.ConnectionString()})
	node, err := exec.LookPath("node")
	require.NoError(t, err, "node is not on PATH: install Node.js 20 or later")
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "testdata/confirm-client.mjs", srv.Endpoints().URL)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "stderr: %s", stderr.String())

	type answer struct {
		Key, Action, Version, Text string
		Asked                      []string
	}
	var got []answer
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var a answer
		require.NoError(t, json.Unmarshal(sc.Bytes(), &a), sc.Text())
		got = append(got, a)
	}
	require.Len(t, got, 4, "%s", out)
	for _, a := range got[:3] {
		assert.Equal(t, "2026-07-28", a.Version)
		assert.Equal(t, []string{"Remove item " + a.Key + "?"}, a.Asked)
		want := map[string]string{"accept": "Removed '" + a.Key + "'"}[a.Action]
		if want == "" {
			want = "Kept '" + a.Key + "'"
		}
		assert.Equal(t, want, a.Text, a.Action)
		assert.Equal(t, a.Action != "accept", stored(t, az, a.Key), a.Action)
	}
	legacy := got[3]
	assert.Equal(t, "2025-11-25", legacy.Version)
	assert.Empty(t, legacy.Asked)
	assert.Equal(t, "Removed 'confirm-ts-legacy'", legacy.Text)
	assert.False(t, stored(t, az, "confirm-ts-legacy"))
}
