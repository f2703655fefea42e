package devhost

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFunctionTimeout: a handler that does not answer within the function
// timeout gets the call failed with the generic error, the host's log
// lines, and a restart, as the host does.
func TestFunctionTimeout(t *testing.T) {
	for _, transport := range transports {
		t.Run(transport, func(t *testing.T) {
			e := newEnv(t, itemsApp(), withFunctionTimeout(300*time.Millisecond))
			release := make(chan struct{})
			defer close(release)
			e.handler.answer = func(w http.ResponseWriter, r *received) { <-release }
			res, err := call(t, e.connect(transport, nil), "hello", map[string]any{})
			require.NoError(t, err)
			assert.True(t, res.IsError)
			assert.Equal(t, "An error occurred invoking 'hello'.", textOf(t, res))
			logs := e.logs.String()
			assert.Contains(t, logs, "Timeout value of 00:00:00.3000000 exceeded by function 'hello'")
			assert.Contains(t, logs, "A function timeout has occurred. Restarting worker process executing invocationId")
			e.worker.mu.Lock()
			defer e.worker.mu.Unlock()
			assert.Equal(t, 1, e.worker.restarts)
		})
	}
}

// TestDrainLetsCallsFinish: Shutdown waits for a call in flight, whose
// answer still reaches the client on either transport, and refuses calls
// that come after it began.
func TestDrainLetsCallsFinish(t *testing.T) {
	for _, transport := range transports {
		t.Run(transport, func(t *testing.T) {
			e := newEnv(t, itemsApp())
			arrived, release := make(chan struct{}), make(chan struct{})
			e.handler.answer = func(w http.ResponseWriter, r *received) {
				close(arrived)
				<-release
				resp := newAnswer("finished")
				writeAnswer(w, resp)
			}
			cs := e.connect(transport, nil)
			done := make(chan string, 1)
			go func() {
				res, err := call(t, cs, "hello", map[string]any{})
				if err != nil {
					done <- err.Error()
					return
				}
				done <- textOf(t, res)
			}()
			<-arrived
			stopped := make(chan struct{})
			go func() { e.srv.Shutdown(context.Background()); close(stopped) }()
			// Shutdown must wait: the call is still in the handler.
			require.Never(t, func() bool {
				select {
				case <-stopped:
					return true
				default:
					return false
				}
			}, 200*time.Millisecond, 10*time.Millisecond)
			close(release)
			assert.Equal(t, "finished", <-done)
			<-stopped
		})
	}
}

// TestMessageDepth: a message nested deeper than the host's JSON reader
// allows never reaches the handler; one at the limit does.
func TestMessageDepth(t *testing.T) {
	e := newEnv(t, itemsApp())
	s := e.rawConnect(nil)
	// The message object, params and arguments are three levels.
	msg := func(id, depth int) string {
		args := strings.Repeat("[", depth-3) + strings.Repeat("]", depth-3)
		return `{"jsonrpc":"2.0","id":` + strconv.Itoa(id) + `,"method":"tools/call","params":{"name":"hello","arguments":{"a":` + args + `}}}`
	}
	resp, body := s.post(msg(1, 65))
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)
	assert.Contains(t, body, "nests deeper than 64 levels")
	assert.Empty(t, e.handler.received(), "65 levels must not reach the handler")

	resp, body = s.post(msg(2, 64))
	assert.Equal(t, http.StatusOK, resp.StatusCode, body)
	assert.Contains(t, body, `"result"`)
	assert.NotContains(t, body, `"isError":true`)
	if got := e.handler.received(); assert.Len(t, got, 1, "64 levels reach the handler") {
		assert.Equal(t, "/hello", got[0].Path)
	}
}

// TestBlobNameTheHostRefuses: a path the host's blob binding refuses (a
// blob name over 1024 characters: 2^20 of the key and ".txt") fails the call without touching
// storage, and the log line stays short.
func TestBlobNameTheHostRefuses(t *testing.T) {
	e := newEnv(t, itemsApp())
	name := strings.Repeat("n", 1<<20)
	res, err := call(t, e.connect(TransportStreamable, nil), "get", map[string]any{"key": name})
	require.NoError(t, err)
	assert.True(t, res.IsError)
	assert.Equal(t, "An error occurred invoking 'get'.", textOf(t, res))
	assert.Zero(t, e.store.Reads(), "storage is not asked")
	assert.Empty(t, e.handler.received())
	logs := e.logs.String()
	assert.Contains(t, logs, "is 1048580 characters long; storage allows 1024")
	for _, line := range strings.Split(logs, "\n") {
		assert.Less(t, len(line), 2000, "a log line quotes a name in part only")
	}
}
