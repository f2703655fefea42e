package selfhost

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/invoke"
	"remote-mcp-functions-go/mcpfunc/internal/rpcmsg"
)

// twin is go-sdk's own Streamable HTTP handler for a server with one raw
// tool, and the same server behind bypass: go-sdk is the judge of what
// bypass may change, which is nothing a client or a tool can see.
type twin struct {
	plain, front http.Handler
	mu           sync.Mutex
	seen         map[http.Handler][]string // the arguments each handler's tool saw
}

const twinMax = 4 << 20

func newTwin() *twin {
	tw := &twin{seen: map[http.Handler][]string{}}
	build := func(front bool) http.Handler {
		srv := mcp.NewServer(&mcp.Implementation{Name: "twin", Version: "1"}, nil)
		var self http.Handler // the handler built here, for the record
		srv.AddTool(&mcp.Tool{Name: "t", InputSchema: json.RawMessage(`{"type":"object"}`)},
			func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
				tw.mu.Lock()
				defer tw.mu.Unlock()
				tw.seen[self] = append(tw.seen[self], string(req.Params.Arguments))
				return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "ok"}}}, nil
			})
		opts := &mcp.StreamableHTTPOptions{Stateless: true, JSONResponse: true, MaxRequestBodyBytes: twinMax}
		var handler http.Handler = mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, opts)
		if front {
			srv.AddReceivingMiddleware(restoreArguments)
			handler = &asFront{next: handler}
		}
		self = handler
		return handler
	}
	tw.plain, tw.front = build(false), build(true)
	return tw
}

// exchange sends msg to h at protocol version and returns the answer and
// what the tool saw.
func (tw *twin) exchange(h http.Handler, version string, msg []byte) (status int, body string, seen []string) {
	req := httptest.NewRequest(http.MethodPost, Path, strings.NewReader(string(msg)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("MCP-Protocol-Version", version)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	tw.mu.Lock()
	defer tw.mu.Unlock()
	seen = tw.seen[h]
	delete(tw.seen, h)
	slices.Sort(seen) // a batch's calls run concurrently
	return rec.Code, rec.Body.String(), seen
}

// checkTwin sends msg to both handlers: the answers and what the tool saw
// must be the same.
func checkTwin(t *testing.T, tw *twin, msg []byte) {
	t.Helper()
	for _, version := range []string{"2025-03-26", "2025-06-18"} { // batches, and not
		ps, pb, pseen := tw.exchange(tw.plain, version, msg)
		fs, fb, fseen := tw.exchange(tw.front, version, msg)
		if ps != fs || batchSorted(pb) != batchSorted(fb) || !slices.Equal(pseen, fseen) {
			t.Errorf("%s %.300q:\ngo-sdk:    %d %.300q, the tool saw %.300q\nbypassed:  %d %.300q, the tool saw %.300q",
				version, msg, ps, pb, pseen, fs, fb, fseen)
		}
	}
}

// batchSorted is a batch's answers in a fixed order: go-sdk runs a batch's
// calls concurrently and answers in the order they finish.
func batchSorted(body string) string {
	var answers []json.RawMessage
	if !strings.HasPrefix(body, "[") || json.Unmarshal([]byte(body), &answers) != nil {
		return body
	}
	slices.SortFunc(answers, func(a, b json.RawMessage) int { return strings.Compare(string(a), string(b)) })
	out, _ := json.Marshal(answers)
	return string(out)
}

func toolsCall(id int, params string) string {
	return fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":%s}`, id, params)
}

// bypassSeeds are messages of every shape the front must tell apart, with
// whether it takes the arguments out.
var bypassSeeds = []struct {
	msg   string
	taken bool
}{
	{toolsCall(1, `{"name":"t","arguments":{"a":"x\"y\\z\n","b":[1,{"c":null}],"d":"é😀"}}`), true},
	{" \n{ \"jsonrpc\" : \"2.0\" , \"id\" : 2 , \"method\" : \"tools/call\" , \"params\" : { \"arguments\" : { \"a\" : 1 } , \"name\" : \"t\" } }\r\n", true},
	{toolsCall(3, `{"_meta":{"progressToken":7},"name":"t","arguments":{"a":1}}`), true},
	{toolsCall(4, `{"name":"t","arguments":null}`), true},
	{toolsCall(5, `{"name":"t","arguments":"a string"}`), true},
	{toolsCall(6, `{"name":"t","arguments":[1,2]}`), true},
	{toolsCall(7, `{"name":"t","arguments":{}}`), true},
	{toolsCall(8, `{"name":"t","arguments":{"\u0061":1,"b":2}}`), true}, // members left to mcpext.Arguments
	{toolsCall(9, `{"name":"t","arguments":{"a":1,"a":2}}`), true},
	{toolsCall(10, `{"name":"nope","arguments":{"a":1}}`), true},
	{`{"jsonrpc":"2.0","method":"tools/call","params":{"name":"t","arguments":{"a":1}}}`, true}, // a notification
	{toolsCall(11, `{"name":"t"}`), false},
	{toolsCall(12, `{"name":"t","Arguments":{"a":1}}`), false},
	{toolsCall(13, `{"name":"t","\u0061rguments":{"a":1}}`), true}, // names read as go-sdk reads them, escapes decoded
	{toolsCall(14, `{"name":"t","arguments":{"a":1},"arguments":{"b":2}}`), false},
	{`{"jsonrpc":"2.0","id":15,"method":"tools/call","params":{"name":"t","arguments":{"a":1}},"params":{"name":"t"}}`, false},
	{`{"jsonrpc":"2.0","id":16,"method":"tools/list","method":"tools/call","params":{"name":"t","arguments":{"a":1}}}`, false},
	{`{"jsonrpc":"2.0","id":17,"\u006dethod":"tools/call","params":{"name":"t","arguments":{"a":1}}}`, true},
	{`{"jsonrpc":"2.0","id":18,"method":"tools\/call","params":{"name":"t","arguments":{"a":1}}}`, true}, // the method too
	{`{"jsonrpc":"2.0","id":19,"method":"tools/list","params":{"arguments":{"a":1}}}`, false},
	{`[` + toolsCall(20, `{"name":"t","arguments":{"a":1}}`) + `,` + toolsCall(21, `{"name":"t","arguments":{"b":2}}`) + `]`, false},
	{toolsCall(22, `{"name":"t","arguments":{"a":1}}`) + ` x`, false},
	{toolsCall(23, `{"name":"t","arguments":{"a":1}}`)[:40], false},
	{toolsCall(24, "{\"name\":\"t\",\"arguments\":{\"a\":\"\xff\"}}"), true}, // invalid UTF-8 goes to the tool as it came, as go-sdk passes it
	{toolsCall(25, "{\"name\":\"t\",\"arguments\":{\"a\":\"tab\there\"}}"), false},
	{toolsCall(26, `{"name":"t","arguments":{"a":`+strings.Repeat("[", 150)+strings.Repeat("]", 150)+`}}`), false},
	{toolsCall(27, `{"name":"t","arguments":{"a":01}}`), false},
	{`{"jsonrpc":"2.0","id":28,"method":"tools/call","params":"x"}`, false},
	{initialize, false},
	{``, false},
}

// The front changes nothing go-sdk answers or a tool sees, for messages it
// takes the arguments out of and for those it leaves whole.
func TestBypassIsInvisible(t *testing.T) {
	tw := newTwin()
	taken := func(msg string) bool {
		ms, err := rpcmsg.Peek([]byte(msg), invoke.MaxDepth)
		_, _, taken := takeArguments([]byte(msg), ms)
		return err == nil && taken
	}
	for _, s := range bypassSeeds {
		assert.Equal(t, s.taken, taken(s.msg), "takes the arguments out of %.200q", s.msg)
		checkTwin(t, tw, []byte(s.msg))
	}
	big := toolsCall(1, `{"name":"t","arguments":{"content":`+jsonString(t, trickyText(1<<20))+`}}`)
	assert.True(t, taken(big), "a 1 MiB call")
	checkTwin(t, tw, []byte(big))
}

func FuzzBypass(f *testing.F) {
	for _, s := range bypassSeeds {
		f.Add([]byte(s.msg))
	}
	tw := newTwin()
	f.Fuzz(func(t *testing.T, msg []byte) { checkTwin(t, tw, msg) })
}

// trickyText is n bytes of text with everything JSON escapes or a careless
// encoder gets wrong: quotes, backslashes, control characters, HTML
// characters, U+2028, multi-byte characters, and text that looks like a
// placeholder.
func trickyText(n int) string {
	const piece = "func f() {\n\tx := \"a \\\"quoted\\\" \\\\ path\"\r\n\t// <b>&amp;</b> \x00\x01\x1f é ☃ 😀 \u2028\u2029 \"bypass-AAAAAAAAAAAAAAAAAAAAAAAAAA\"\n}\n"
	s := strings.Repeat(piece, n/len(piece)+1)[:n]
	for !utf8.ValidString(s) { // not ending inside a character
		s = s[:len(s)-1]
	}
	return s
}

func jsonString(t testing.TB, s string) string {
	t.Helper()
	b, err := json.Marshal(s)
	require.NoError(t, err)
	return string(b)
}

// A megabyte of text goes in and comes back exactly, through the tools'
// arguments and results, a resource and a prompt, as a go-sdk client reads
// them.
func TestLargeValuesRoundTrip(t *testing.T) {
	e := newEnv(t, testFunctions())
	cs := e.connect(nil)
	text := trickyText(1 << 20)

	res := call(t, cs, "savenote", map[string]any{"name": "big", "content": text})
	require.False(t, res.IsError, textOf(t, res))
	stored, ok := e.store.Get("notes/big.txt")
	require.True(t, ok)
	assert.True(t, string(stored) == text, "the stored note is the text sent")

	res = call(t, cs, "getnote", map[string]any{"name": "big"})
	require.False(t, res.IsError)
	var got struct{ Name, Text string }
	require.NoError(t, json.Unmarshal([]byte(textOf(t, res)), &got), "the text is the output's JSON")
	assert.True(t, got.Text == text && got.Name == "big", "the text carries the note")
	sc, err := json.Marshal(res.StructuredContent)
	require.NoError(t, err)
	got = struct{ Name, Text string }{}
	require.NoError(t, json.Unmarshal(sc, &got))
	assert.True(t, got.Text == text && got.Name == "big", "the structured content carries the note")

	rr, err := cs.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: "note://big"})
	require.NoError(t, err)
	require.Len(t, rr.Contents, 1)
	assert.True(t, rr.Contents[0].Text == text, "the resource is the note")
	assert.Equal(t, "note://big", rr.Contents[0].URI)

	pr, err := cs.GetPrompt(t.Context(), &mcp.GetPromptParams{Name: "reviewnote", Arguments: map[string]string{"name": "big", "focus": "x"}})
	require.NoError(t, err)
	require.Len(t, pr.Messages, 1)
	tc, ok := pr.Messages[0].Content.(*mcp.TextContent)
	require.True(t, ok)
	assert.True(t, tc.Text == "Review big (x): "+text, "the prompt carries the note")

	// A text that looks like a placeholder is text like any other.
	const fake = "bypass-AAAAAAAAAAAAAAAAAAAAAAAAAA"
	res = call(t, cs, "savenote", map[string]any{"name": "fake", "content": fake})
	require.False(t, res.IsError)
	res = call(t, cs, "getnote", map[string]any{"name": "fake"})
	assert.JSONEq(t, `{"name":"fake","text":"`+fake+`"}`, textOf(t, res))
}

// A body over the cap gets the front's 413, and the tool does not run.
func TestBypassBodyCap(t *testing.T) {
	e := newEnv(t, testFunctions(), func(o *Options) { o.MaxMessageBytes = 1000 })
	msg := toolsCall(1, `{"name":"savenote","arguments":{"name":"x","content":"`+strings.Repeat("a", 2000)+`"}}`)
	status, body, err := e.post(t.Context(), msg, map[string]string{"MCP-Protocol-Version": "2025-06-18"})
	require.NoError(t, err)
	assert.Equal(t, http.StatusRequestEntityTooLarge, status)
	assert.Contains(t, body, "the limit is 1000")
	assert.Equal(t, 0, e.store.Writes())

	status, body, err = e.post(t.Context(), toolsCall(2, `{"name":"savenote","arguments":{"name":"x","content":"y"}}`), map[string]string{"MCP-Protocol-Version": "2025-06-18"})
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, status, body)
}

// A server with a tool that takes arguments in headers hands every
// message to go-sdk whole: go-sdk checks those headers against the
// arguments in the message.
func TestBypassKeepsHeaderArguments(t *testing.T) {
	assert.False(t, headerArguments(json.RawMessage(`{"type":"object","properties":{"a":{"type":"string"}}}`)))
	assert.True(t, headerArguments(json.RawMessage(`{"type":"object","properties":{"a":{"type":"string","x-mcp-header":"A"}}}`)))
	e := newEnv(t, testFunctions())
	assert.False(t, e.srv.headerArgs, "the test tools take no header arguments")
}

// asFront hands next a body as the front reads it, whole within the cap,
// through the bypass.
type asFront struct{ next http.Handler }

func (f *asFront) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		f.next.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, twinMax))
	if err != nil {
		http.Error(w, "request body exceeds the cap", http.StatusRequestEntityTooLarge)
		return
	}
	r, _ = withExchange(r)
	var read *rpcmsg.Messages // as the front reads it
	if ms, err := rpcmsg.Peek(body, invoke.MaxDepth); err == nil {
		read = &ms
	}
	bypassTo(f.next, false, w, r, body, read)
}
