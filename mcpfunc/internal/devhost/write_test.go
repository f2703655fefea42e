package devhost

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/binding/bindingtest"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
)

// saved answers a put invocation as the app's handler does: the
// content to the blob output, or, for a name with a '\' in it, the name
// rule's refusal and no output.
func saved(w http.ResponseWriter, r *received) {
	name := r.Request.ToolArgs()["key"]
	resp := invoke.NewResponse()
	if strings.Contains(name, `\`) {
		resp.ReturnValue = mustRich(invoke.CallToolResult{IsError: true, Content: []invoke.Content{{Type: "text", Text: "Invalid key."}}})
		writeAnswer(w, resp)
		return
	}
	content := r.Request.ToolArgs()["value"]
	resp.SetOutput("file", []byte(content))
	resp.ReturnValue = mustRich(invoke.CallToolResult{Content: []invoke.Content{{Type: "text", Text: "saved"}}})
	writeAnswer(w, resp)
}

// waitLog waits until the log holds line.
func waitLog(t *testing.T, e *env, line string) {
	t.Helper()
	require.Eventually(t, func() bool { return strings.Contains(e.logs.String(), line) }, time.Minute, time.Millisecond,
		"devhost logs %q", line)
}

// The host does not stop an invocation whose MCP client went away: the
// handler's answer is awaited and its outputs written all the same
// (hop.go cites the host's code). devhost does the same, on either
// transport, and says so in its log.
func TestInvocationOutlivesItsClient(t *testing.T) {
	for _, transport := range transports {
		t.Run(transport, func(t *testing.T) {
			e := newEnv(t, itemsApp())
			arrived, proceed := make(chan struct{}), make(chan struct{})
			var once sync.Once
			let := func() { once.Do(func() { close(proceed) }) }
			t.Cleanup(let) // a failed test's too, before the servers close
			e.handler.answer = func(w http.ResponseWriter, r *received) {
				close(arrived)
				<-proceed
				saved(w, r)
			}
			cs := e.connect(transport, nil)
			ctx, giveUp := context.WithCancel(context.Background())
			defer giveUp()
			done := make(chan error, 1)
			go func() {
				_, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "put", Arguments: map[string]any{"key": "gone", "value": "still saved"}})
				done <- err
			}()
			select {
			case <-arrived:
			case <-time.After(time.Minute):
				t.Fatal("the invocation never reached the handler")
			}
			giveUp()
			require.Error(t, <-done)
			waitLog(t, e, "the MCP client went away; the invocation goes on, as on the host")
			let()
			waitLog(t, e, `the invocation whose MCP client went away ran to its end, as on the host" function=put`)
			assert.Contains(t, e.logs.String(), "outcome=succeeded")
			got, ok := e.store.Get("items/gone.txt")
			require.True(t, ok, "the handler's output is written")
			assert.Equal(t, "still saved", string(got))
		})
	}
}

// The host's output binding writes over whatever the blob holds by then:
// a save whose write comes after another call's lands over it.
func TestOutputsOverwrite(t *testing.T) {
	e := newEnv(t, itemsApp())
	e.handler.answer = saved
	cs := e.connect(TransportStreamable, nil)
	held, stop := e.store.HoldWrites()
	done := make(chan *mcp.CallToolResult, 1)
	go func() {
		res, err := call(t, cs, "put", map[string]any{"key": "over", "value": "late"})
		assert.NoError(t, err)
		done <- res
	}()
	var w bindingtest.HeldWrite
	select {
	case w = <-held:
	case <-time.After(time.Minute):
		t.Fatal("the write never started")
	}
	stop()
	e.store.Set("items/over.txt", []byte("newer"))
	w.Release()
	res := <-done
	assert.False(t, res.IsError)
	got, _ := e.store.Get("items/over.txt")
	assert.Equal(t, "late", string(got))
}

// A '\' in a blob name breaks storage's rules. The host binds an output
// only once the handler gave it a value, so a handler that refuses the
// name answers with its own message; one that writes it anyway, and a
// blob input (bound before the handler runs), get the generic error. The
// client's bad input is a warning in the log, not an error.
func TestBackslashInABlobName(t *testing.T) {
	e := newEnv(t, itemsApp())
	e.handler.answer = saved
	cs := e.connect(TransportStreamable, nil)
	res, err := call(t, cs, "put", map[string]any{"key": `a\b`, "value": "x"})
	require.NoError(t, err)
	assert.Equal(t, "Invalid key.", textOf(t, res), "the handler's own message")
	assert.Len(t, e.handler.received(), 1, "the handler ran")

	e.handler.answer = func(w http.ResponseWriter, r *received) {
		resp := invoke.NewResponse()
		resp.SetOutput("file", []byte("x"))
		resp.ReturnValue = mustRich(invoke.CallToolResult{Content: []invoke.Content{{Type: "text", Text: "saved"}}})
		writeAnswer(w, resp)
	}
	res, err = call(t, cs, "put", map[string]any{"key": `a\b`, "value": "x"})
	require.NoError(t, err)
	assert.Equal(t, "An error occurred invoking 'put'.", textOf(t, res), "the output binding fails after the handler ran")
	assert.Len(t, e.handler.received(), 2)

	res, err = call(t, cs, "get", map[string]any{"key": `a\b`})
	require.NoError(t, err)
	assert.Equal(t, "An error occurred invoking 'get'.", textOf(t, res))
	assert.Len(t, e.handler.received(), 2, "the input binding fails before the handler runs")

	assert.Equal(t, 0, e.store.Writes())
	logs := e.logs.String()
	assert.NotContains(t, logs, "level=ERROR")
	assert.Equal(t, 2, strings.Count(logs, "level=WARN msg=\"tool call failed; the client gets the generic tool error (the arguments make a blob path storage refuses)\""), logs)
}
