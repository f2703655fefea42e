package selfhost

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/binding/bindingtest"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
)

// slowSave is savenote with a function that reports its context when it
// starts and returns only when the test lets it: so the test knows the
// order of events exactly, with no sleeps.
type slowSave struct {
	started chan context.Context
	release chan struct{}
	once    sync.Once
	// watch makes the function stop as soon as its context is done,
	// returning the context's error, as a well-behaved function does;
	// otherwise it ignores the context and succeeds.
	watch bool
}

// let lets the function return (once; a failed test's cleanup lets it
// too, so the server can close).
func (s *slowSave) let() { s.once.Do(func() { close(s.release) }) }

func (s *slowSave) tool() *decl.Tool {
	return &decl.Tool{
		Name: "slowsave", Description: "Save a note, slowly.",
		Blobs: []decl.Blob{decl.BlobOut("file", "notes/{mcptoolargs.name}.txt")},
		Handler: decl.Typed(func(ctx context.Context, call *decl.Call, in saveInput) (string, error) {
			s.started <- ctx
			if s.watch {
				select {
				case <-ctx.Done():
					return "", ctx.Err()
				case <-s.release:
				}
			} else {
				<-s.release
			}
			call.Output("file", []byte(in.Content))
			return "saved " + in.Name, nil
		}),
	}
}

const slowCall = `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"slowsave","arguments":{"name":"late","content":"after the fact"}}}`

// A call the client abandoned before its function returned starts no
// write, whether the function notices (its context ends) or not; the same
// call left to finish writes its blob.
func TestAbandonedCallWritesNothing(t *testing.T) {
	for _, tt := range []struct {
		name    string
		watch   bool
		abandon bool
	}{
		{"function ignores its context", false, true},
		{"function stops on its context", true, true},
		{"not abandoned: written", false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			slow := &slowSave{started: make(chan context.Context, 1), release: make(chan struct{}), watch: tt.watch}
			e := newEnv(t, testFunctions(slow.tool()))
			t.Cleanup(slow.let) // before the server closes: cleanups run last first
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			answered := make(chan string, 1)
			go func() {
				_, body, _ := e.post(ctx, slowCall, nil)
				answered <- body
			}()
			var fnCtx context.Context
			select {
			case fnCtx = <-slow.started:
			case <-time.After(time.Minute):
				t.Fatal("the function never started")
			}
			if !tt.abandon {
				slow.let()
				assert.Contains(t, <-answered, "saved late")
				b, ok := e.store.Get("notes/late.txt")
				require.True(t, ok)
				assert.Equal(t, "after the fact", string(b))
				return
			}
			cancel() // the client goes away: its connection closes
			select {
			case <-fnCtx.Done():
			case <-time.After(time.Minute):
				t.Fatal("the function's context did not end when its client went away")
			}
			slow.let() // the function returns only now
			require.Eventually(t, func() bool {
				return strings.Contains(e.logs.String(), "the client abandoned the call before its outputs were written; none was written")
			}, time.Minute, time.Millisecond)
			assert.Equal(t, 0, e.store.Writes(), "nothing written after the client left")
			_, ok := e.store.Get("notes/late.txt")
			assert.False(t, ok)
		})
	}
}

// A client that leaves while its call's write is under way does not stop
// the write: it was sent, and the log says it went on and how it ended.
// Still conditional on what the call saw, it lands here because nobody
// wrote the blob meanwhile.
func TestAbandonedDuringWrite(t *testing.T) {
	e := newEnv(t, testFunctions())
	held, stop := e.store.HoldWrites()
	defer stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	answered := make(chan struct{})
	go func() {
		defer close(answered)
		_, _, _ = e.post(ctx, `{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"savenote","arguments":{"name":"mid","content":"sent"}}}`, nil)
	}()
	var w bindingtest.HeldWrite
	select {
	case w = <-held:
	case <-time.After(time.Minute):
		t.Fatal("the write never started")
	}
	assert.Equal(t, "notes/mid.txt", w.Path)
	cancel() // the client goes away while its write is under way
	<-answered
	require.Eventually(t, func() bool {
		return strings.Contains(e.logs.String(), "the client abandoned the call while its outputs were being written; the write goes on")
	}, time.Minute, time.Millisecond)
	w.Release()
	require.Eventually(t, func() bool {
		return strings.Contains(e.logs.String(), "the outputs of the abandoned call were written")
	}, time.Minute, time.Millisecond)
	b, ok := e.store.Get("notes/mid.txt")
	require.True(t, ok)
	assert.Equal(t, "sent", string(b))
}
