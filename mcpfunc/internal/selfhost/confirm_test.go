package selfhost

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/decl"
)

// dropper is a tool that confirms before it drops a note: it counts the
// runs and the drops, and writes a blob output when it drops, to show
// that a call that asks writes nothing.
type dropper struct {
	mu    sync.Mutex
	runs  int
	drops []string
}

func (d *dropper) tool() *decl.Tool {
	return &decl.Tool{Name: "dropnote", Description: "Drop a note.",
		Blobs: []decl.Blob{decl.BlobOut("gone", "gone/{mcptoolargs.name}.txt")},
		Handler: decl.Typed(func(_ context.Context, call *decl.Call, in nameInput) (string, error) {
			d.mu.Lock()
			d.runs++
			d.mu.Unlock()
			ok, err := call.Confirm("Drop note " + in.Name + "?")
			if err != nil || !ok {
				return "Note " + in.Name + " not dropped.", err
			}
			d.mu.Lock()
			d.drops = append(d.drops, in.Name)
			d.mu.Unlock()
			call.Output("gone", []byte(in.Name))
			return "Note " + in.Name + " dropped.", nil
		})}
}

func (d *dropper) dropped() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string{}, d.drops...)
}

// asker is a client's elicitation handler that answers action and keeps
// what it was asked.
type asker struct {
	mu     sync.Mutex
	action string
	asked  []*mcp.ElicitParams
}

func (a *asker) handle(_ context.Context, req *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.asked = append(a.asked, req.Params)
	return &mcp.ElicitResult{Action: a.action}, nil
}

// client connects a go-sdk v1.8.0 client: elicitation when a is not
// nil, at version ("" for the newest), with its multi round-trip
// middleware unless raw.
func (e *env) client(a *asker, version string, raw bool) *mcp.ClientSession {
	e.t.Helper()
	opts := &mcp.ClientOptions{}
	if a != nil {
		opts.ElicitationHandler = a.handle
	}
	if raw {
		opts.MultiRoundTrip = &mcp.MultiRoundTripOptions{Disabled: true}
	}
	c := mcp.NewClient(&mcp.Implementation{Name: "unit-client", Version: "0.0.1"}, opts)
	var so *mcp.ClientSessionOptions
	if version != "" {
		so = &mcp.ClientSessionOptions{ProtocolVersion: version}
	}
	cs, err := c.Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: e.http.URL + Path, HTTPClient: e.http.Client(), MaxRetries: -1}, so)
	require.NoError(e.t, err)
	e.t.Cleanup(func() { _ = cs.Close() })
	want := version
	if want == "" {
		want = "2026-07-28"
	}
	require.Equal(e.t, want, cs.InitializeResult().ProtocolVersion)
	return cs
}

func TestConfirmAsksAndAnswerDecides(t *testing.T) {
	for action, dropped := range map[string]bool{"accept": true, "decline": false, "cancel": false} {
		t.Run(action, func(t *testing.T) {
			d := &dropper{}
			e := newEnv(t, testFunctions(d.tool()))
			a := &asker{action: action}
			cs := e.client(a, "", false)
			res := call(t, cs, "dropnote", map[string]any{"name": "a"})
			require.False(t, res.IsError, textOf(t, res))
			require.Len(t, a.asked, 1, "the client was asked once")
			assert.Equal(t, "Drop note a?", a.asked[0].Message)
			schema, _ := json.Marshal(a.asked[0].RequestedSchema)
			assert.JSONEq(t, `{"type":"object","properties":{}}`, string(schema))
			assert.Equal(t, 2, d.runs, "the function ran for the question and again with the answer")
			if dropped {
				assert.Equal(t, "Note a dropped.", textOf(t, res))
				assert.Equal(t, []string{"a"}, d.dropped())
				got, ok := e.store.Get("gone/a.txt")
				assert.True(t, ok)
				assert.Equal(t, "a", string(got))
			} else {
				assert.Equal(t, "Note a not dropped.", textOf(t, res))
				assert.Empty(t, d.dropped())
				assert.Zero(t, e.store.Writes(), "nothing written")
			}
		})
	}
}

// Clients that cannot be asked keep the behaviour without confirmation:
// no elicitation capability, or a protocol before 2026-07-28 (whose
// capabilities a stateless server does not see).
func TestConfirmWithoutAskingWhenTheClientCannot(t *testing.T) {
	for name, c := range map[string]struct {
		a       *asker
		version string
	}{
		"2026-07-28 without elicitation": {nil, ""},
		"2025-11-25 with elicitation":    {&asker{action: "decline"}, "2025-11-25"},
		"2025-06-18 with elicitation":    {&asker{action: "decline"}, "2025-06-18"},
	} {
		t.Run(name, func(t *testing.T) {
			d := &dropper{}
			e := newEnv(t, testFunctions(d.tool()))
			cs := e.client(c.a, c.version, false)
			res := call(t, cs, "dropnote", map[string]any{"name": "a"})
			assert.Equal(t, "Note a dropped.", textOf(t, res))
			assert.Equal(t, []string{"a"}, d.dropped())
			assert.Equal(t, 1, d.runs)
			if c.a != nil {
				assert.Empty(t, c.a.asked)
			}
		})
	}
}

// firstRound calls dropnote as a client without the multi round-trip
// middleware and returns the raw input_required result.
func firstRound(t *testing.T, cs *mcp.ClientSession, name string) *mcp.CallToolResult {
	t.Helper()
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "dropnote", Arguments: map[string]any{"name": name}})
	require.NoError(t, err)
	require.True(t, res.NeedsInput(), "input_required")
	require.Empty(t, res.Content)
	require.NotEmpty(t, res.RequestState)
	q, ok := res.InputRequests["confirm"].(*mcp.ElicitParams)
	require.True(t, ok, "%T", res.InputRequests["confirm"])
	assert.Equal(t, "Drop note "+name+"?", q.Message)
	return res
}

func accept() mcp.InputResponseMap {
	return mcp.InputResponseMap{"confirm": &mcp.ElicitResult{Action: "accept"}}
}

// requireRefused asserts a -32602 whose message says why.
func requireRefused(t *testing.T, err error, why string) {
	t.Helper()
	var jerr *jsonrpc.Error
	require.ErrorAs(t, err, &jerr)
	assert.Equal(t, int64(jsonrpc.CodeInvalidParams), jerr.Code)
	assert.Contains(t, jerr.Message, "invalid requestState: "+why)
}

// A retry whose state was not issued for it is refused, and nothing runs.
func TestConfirmStateChecked(t *testing.T) {
	now := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	d := &dropper{}
	e := newEnv(t, testFunctions(d.tool()), func(o *Options) { o.Now = clock; o.StateKey = bytes.Repeat([]byte{1}, 32) })
	cs := e.client(&asker{action: "accept"}, "", true)
	first := firstRound(t, cs, "a")
	runs := d.runs

	retry := func(name, tool, state string) (*mcp.CallToolResult, error) {
		return cs.CallTool(t.Context(), &mcp.CallToolParams{Name: tool, Arguments: map[string]any{"name": name}, InputResponses: accept(), RequestState: state})
	}
	_, err := retry("b", "dropnote", first.RequestState)
	requireRefused(t, err, "it was issued for other arguments")
	_, err = retry("a", "dropnote", first.RequestState+"-TAMPERED")
	requireRefused(t, err, "it was not issued by this server")
	_, err = retry("a", "dropnote", "eyJ0b29sIjoiZHJvcG5vdGUiLCJvayI6dHJ1ZX0") // {"tool":"dropnote","ok":true}
	requireRefused(t, err, "it was not issued by this server")
	_, err = retry("a", "getnote", first.RequestState)
	requireRefused(t, err, "it was issued for another tool")

	// Another server (another key) does not take it.
	other := newEnv(t, testFunctions((&dropper{}).tool()), func(o *Options) { o.Now = clock })
	ocs := other.client(&asker{action: "accept"}, "", true)
	_, err = ocs.CallTool(t.Context(), &mcp.CallToolParams{Name: "dropnote", Arguments: map[string]any{"name": "a"}, InputResponses: accept(), RequestState: first.RequestState})
	requireRefused(t, err, "it was not issued by this server")

	assert.Equal(t, runs, d.runs, "no refused retry ran the function")
	assert.Empty(t, d.dropped())
	assert.Zero(t, e.store.Writes())
	assert.Contains(t, e.logs.String(), "request state refused")

	// The valid state with the answer drops; without an answer, it asks again.
	res, err := retry("a", "dropnote", first.RequestState)
	require.NoError(t, err)
	assert.False(t, res.NeedsInput())
	assert.Equal(t, "Note a dropped.", textOf(t, res), "the state, the answer and the arguments of the first round")
	res, err = cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "dropnote", Arguments: map[string]any{"name": "a"}, RequestState: first.RequestState})
	require.NoError(t, err)
	assert.True(t, res.NeedsInput(), "no answer: asked again")

	// Expired.
	second := firstRound(t, cs, "c")
	mu.Lock()
	now = now.Add(5 * time.Minute)
	mu.Unlock()
	_, err = retry("c", "dropnote", second.RequestState)
	requireRefused(t, err, "it has expired")
	assert.Equal(t, []string{"a"}, d.dropped())
}

// Nothing of the call is in the state in the clear.
func TestConfirmStateOpaque(t *testing.T) {
	d := &dropper{}
	e := newEnv(t, testFunctions(d.tool()))
	cs := e.client(&asker{action: "accept"}, "", true)
	first := firstRound(t, cs, "topsecretname")
	for _, s := range []string{"topsecretname", "dropnote", "Drop"} {
		assert.NotContains(t, first.RequestState, s)
	}
	assert.NotContains(t, e.logs.String(), first.RequestState, "the state is not logged")
}

// A function that asks a client twice in one call fails with the internal
// error; the second question is not asked.
func TestConfirmTwiceFails(t *testing.T) {
	twice := &decl.Tool{Name: "twice", Description: "Asks twice.", Handler: decl.Typed(func(_ context.Context, call *decl.Call, _ struct{}) (string, error) {
		if ok, err := call.Confirm("One?"); err != nil || !ok {
			return "no", err
		}
		if ok, err := call.Confirm("Two?"); err != nil || !ok {
			return "no", err
		}
		return "yes", nil
	})}
	e := newEnv(t, testFunctions(twice))
	a := &asker{action: "accept"}
	res := call(t, e.client(a, "", false), "twice", nil)
	assert.True(t, res.IsError)
	assert.Equal(t, decl.InternalError("tool", "twice"), textOf(t, res))
	assert.Len(t, a.asked, 1)
	assert.Contains(t, e.logs.String(), errAskedTwice.Error())

	// A client that cannot be asked gets true as often as the function
	// asks, as in the trigger hosting.
	assert.Equal(t, "yes", textOf(t, call(t, e.client(nil, "", false), "twice", nil)))
}

// A function that ignores Confirm's error still asks, and writes nothing.
func TestConfirmIgnoredErrorStillAsks(t *testing.T) {
	sloppy := &decl.Tool{Name: "sloppy", Description: "Ignores the error.",
		Blobs: []decl.Blob{decl.BlobOut("out", "notes/x.txt")},
		Handler: decl.Typed(func(_ context.Context, call *decl.Call, _ struct{}) (string, error) {
			if ok, _ := call.Confirm("Go?"); !ok {
				call.Output("out", []byte("not asked"))
				return "", errors.New("whatever")
			}
			return "went", nil
		})}
	e := newEnv(t, testFunctions(sloppy))
	res, err := e.client(nil, "", true).CallTool(t.Context(), &mcp.CallToolParams{Name: "sloppy"})
	require.NoError(t, err)
	assert.False(t, res.NeedsInput(), "a client without elicitation is not asked")
	assert.Equal(t, "went", textOf(t, res))

	res, err = e.client(&asker{action: "accept"}, "", true).CallTool(t.Context(), &mcp.CallToolParams{Name: "sloppy"})
	require.NoError(t, err)
	assert.True(t, res.NeedsInput())
	assert.Zero(t, e.store.Writes())
}

// An answer goes with its question: when the function asks something else
// on the retry (what it asks about changed meanwhile), the client is asked
// again, and the old answer confirms nothing.
func TestConfirmAnswerIsForItsQuestion(t *testing.T) {
	var mu sync.Mutex
	size, done := 1, 0
	grow := &decl.Tool{Name: "grow", Description: "Asks about a size that changes.", Handler: decl.Typed(func(_ context.Context, call *decl.Call, _ struct{}) (string, error) {
		mu.Lock()
		q := "Drop " + strings.Repeat("x", size) + "?"
		mu.Unlock()
		if ok, err := call.Confirm(q); err != nil || !ok {
			return "kept", err
		}
		mu.Lock()
		done++
		mu.Unlock()
		return "dropped", nil
	})}
	e := newEnv(t, testFunctions(grow))
	cs := e.client(&asker{action: "accept"}, "", true)
	first, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "grow"})
	require.NoError(t, err)
	require.True(t, first.NeedsInput())
	mu.Lock()
	size = 2
	mu.Unlock()
	res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "grow", InputResponses: accept(), RequestState: first.RequestState})
	require.NoError(t, err)
	require.True(t, res.NeedsInput(), "asked again")
	assert.Equal(t, "Drop xx?", res.InputRequests["confirm"].(*mcp.ElicitParams).Message)
	assert.Zero(t, done)
	res, err = cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "grow", InputResponses: accept(), RequestState: res.RequestState})
	require.NoError(t, err)
	assert.Equal(t, "dropped", textOf(t, res))
	assert.Equal(t, 1, done)
}

// An empty question still asks something the client can show.
func TestConfirmEmptyQuestion(t *testing.T) {
	mute := &decl.Tool{Name: "mute", Description: "Asks nothing.", Handler: decl.Typed(func(_ context.Context, call *decl.Call, _ struct{}) (string, error) {
		ok, err := call.Confirm(" ")
		if err != nil || !ok {
			return "no", err
		}
		return "yes", nil
	})}
	e := newEnv(t, testFunctions(mute))
	a := &asker{action: "accept"}
	assert.Equal(t, "yes", textOf(t, call(t, e.client(a, "", false), "mute", nil)))
	require.Len(t, a.asked, 1)
	assert.Equal(t, "Go ahead with mute?", a.asked[0].Message)
}

// The wire, written by hand as the 2026-07-28 specification shows it (the
// MRTR page: an input_required result with inputRequests holding an
// elicitation/create request, and the retry with inputResponses and the
// requestState echoed), with no go-sdk client in between.
func TestConfirmWire(t *testing.T) {
	d := &dropper{}
	e := newEnv(t, testFunctions(d.tool()))
	headers := map[string]string{"MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "dropnote"}
	const meta = `"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{"elicitation":{"form":{}}},"io.modelcontextprotocol/clientInfo":{"name":"raw","version":"1"}}`
	status, body, err := e.post(t.Context(), `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{`+meta+`,"name":"dropnote","arguments":{"name":"w"}}}`, headers)
	require.NoError(t, err)
	require.Equal(t, 200, status, body)
	var first struct {
		Result struct {
			ResultType    string `json:"resultType"`
			RequestState  string `json:"requestState"`
			InputRequests map[string]struct {
				Method string `json:"method"`
				Params struct {
					Mode            string          `json:"mode"`
					Message         string          `json:"message"`
					RequestedSchema json.RawMessage `json:"requestedSchema"`
				} `json:"params"`
			} `json:"inputRequests"`
			Content []any `json:"content"`
		} `json:"result"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &first), body)
	r := first.Result
	assert.Equal(t, "input_required", r.ResultType)
	assert.Empty(t, r.Content)
	require.Contains(t, r.InputRequests, "confirm")
	q := r.InputRequests["confirm"]
	assert.Equal(t, "elicitation/create", q.Method)
	assert.Equal(t, "form", q.Params.Mode)
	assert.Equal(t, "Drop note w?", q.Params.Message)
	assert.JSONEq(t, `{"type":"object","properties":{}}`, string(q.Params.RequestedSchema))
	require.NotEmpty(t, r.RequestState)
	assert.Empty(t, d.dropped())

	state, _ := json.Marshal(r.RequestState)
	// The arguments in another order and spacing are the same arguments.
	status, body, err = e.post(t.Context(), `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{`+meta+`,"name":"dropnote","arguments":{ "name" : "w" },
		"inputResponses":{"confirm":{"action":"accept","content":{}}},"requestState":`+string(state)+`}}`, headers)
	require.NoError(t, err)
	require.Equal(t, 200, status, body)
	assert.JSONEq(t, `{"resultType":"complete","content":[{"type":"text","text":"Note w dropped."}]}`, resultWithoutMeta(t, body))
	assert.Equal(t, []string{"w"}, d.dropped())

	status, body, err = e.post(t.Context(), `{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{`+meta+`,"name":"dropnote","arguments":{"name":"v"},
		"inputResponses":{"confirm":{"action":"accept"}},"requestState":`+string(state)+`}}`, headers)
	require.NoError(t, err)
	// -32602 is HTTP 400 at 2026-07-28 (SEP-2575; go-sdk v1.8.0
	// mcp/streamable.go extractErrorStatus).
	assert.Equal(t, 400, status)
	var refused struct {
		Error struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &refused), body)
	assert.Equal(t, -32602, refused.Error.Code, body)
	assert.Equal(t, "invalid requestState: it was issued for other arguments. Call the tool again without it.", refused.Error.Message)
	assert.Equal(t, []string{"w"}, d.dropped())
}

// resultWithoutMeta is a response's result without its _meta (go-sdk puts
// serverInfo there).
func resultWithoutMeta(t *testing.T, body string) string {
	t.Helper()
	var resp struct {
		Result map[string]json.RawMessage `json:"result"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &resp), body)
	delete(resp.Result, "_meta")
	b, err := json.Marshal(resp.Result)
	require.NoError(t, err)
	return string(b)
}
