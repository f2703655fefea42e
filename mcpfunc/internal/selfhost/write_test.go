package selfhost

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/blobstore"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
)

// A save whose write reaches storage after another call changed the blob
// is refused, and says so: the other call's content stays. The blob is
// changed while the save's write is held, after the save saw it.
func TestLateWriteRefused(t *testing.T) {
	for _, existing := range []bool{false, true} {
		t.Run(map[bool]string{false: "new blob", true: "existing blob"}[existing], func(t *testing.T) {
			e := newEnv(t, testFunctions())
			cs := e.connect(nil)
			if existing {
				e.store.Set("notes/n.txt", []byte("before"))
			}
			held, stop := e.store.HoldWrites()
			res := make(chan *mcp.CallToolResult, 1)
			go func() {
				r, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "savenote", Arguments: map[string]any{"name": "n", "content": "late"}})
				if err != nil {
					r = &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: err.Error()}}}
				}
				res <- r
			}()
			var w interface{ Release() }
			select {
			case w = <-held:
			case <-time.After(time.Minute):
				t.Fatal("the write never started")
			}
			stop()
			e.store.Set("notes/n.txt", []byte("newer")) // another call's save lands first
			w.Release()
			r := <-res
			assert.True(t, r.IsError)
			assert.Equal(t, "notes/n.txt was not saved: another call changed it while this one ran. Read it and try again.", textOf(t, r))
			b, _ := e.store.Get("notes/n.txt")
			assert.Equal(t, "newer", string(b))
			assert.Contains(t, e.logs.String(), `level=WARN msg="output not written: another call changed the blob while this one ran"`)
		})
	}
}

// Saves one after the other each see the previous one and land.
func TestSavesInTurnLand(t *testing.T) {
	e := newEnv(t, testFunctions())
	cs := e.connect(nil)
	for _, content := range []string{"one", "two", "three"} {
		res := call(t, cs, "savenote", map[string]any{"name": "turns", "content": content})
		require.False(t, res.IsError, textOf(t, res))
		b, _ := e.store.Get("notes/turns.txt")
		assert.Equal(t, content, string(b))
	}
}

// A write storage did not confirm may have landed: the client is told to
// read it back rather than that it failed.
func TestUnconfirmedWrite(t *testing.T) {
	e := newEnv(t, testFunctions())
	cs := e.connect(nil)
	e.store.FailWrites(&blobstore.Error{Op: "write", Container: "notes", Blob: "u.txt", Reason: "storage did not answer within 20s", Unconfirmed: true})
	res := call(t, cs, "savenote", map[string]any{"name": "u", "content": "maybe"})
	assert.True(t, res.IsError)
	assert.Equal(t, "notes/u.txt may or may not have been saved: storage did not confirm the write. Read it back to see.", textOf(t, res))
	assert.Contains(t, e.logs.String(), "storage did not confirm an output's write: it may or may not have landed")

	e.store.FailWrites(&blobstore.Error{Op: "write", Container: "notes", Blob: "u.txt", Reason: "storage unreachable: connection refused"})
	res = call(t, cs, "savenote", map[string]any{"name": "u", "content": "not sent"})
	assert.Equal(t, "An error occurred invoking 'savenote'.", textOf(t, res), "not sent: the host's generic error")
}

// A '\' in a blob name breaks storage's rules, as the host's blob binding
// checks them. The host binds an input before the function runs, and an
// output only once the function gave it a value: so a tool that checks
// its names answers with its own rule, one that writes gets the generic
// error after it ran, and one that reads gets it before. Either way the
// client's bad input is a warning in the log, not an error. A prompt
// that reads gets the extension's -32603.
func TestBackslashInABlobName(t *testing.T) {
	checked := &decl.Tool{
		Name: "savechecked", Description: "Save a note with a checked name.",
		Blobs: []decl.Blob{decl.BlobOut("file", "notes/{mcptoolargs.name}.txt")},
		Handler: decl.Typed(func(_ context.Context, call *decl.Call, in saveInput) (string, error) {
			if strings.ContainsAny(in.Name, `\/`) {
				return "", decl.Errorf(decl.Invalid, "Invalid name %q.", in.Name)
			}
			call.Output("file", []byte(in.Content))
			return "saved", nil
		}),
	}
	e := newEnv(t, testFunctions(checked))
	cs := e.connect(nil)
	for _, tt := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"savechecked", map[string]any{"name": `a\b`, "content": "x"}, `Invalid name "a\\b".`},
		{"savenote", map[string]any{"name": `a\b`, "content": "x"}, "An error occurred invoking 'savenote'."},
		{"getnote", map[string]any{"name": `a\b`}, "An error occurred invoking 'getnote'."},
	} {
		res := call(t, cs, tt.tool, tt.args)
		assert.True(t, res.IsError)
		assert.Equal(t, tt.want, textOf(t, res), tt.tool)
	}
	_, err := cs.GetPrompt(t.Context(), &mcp.GetPromptParams{Name: "reviewnote", Arguments: map[string]string{"name": `a\b`}})
	var werr *jsonrpc.Error
	require.ErrorAs(t, err, &werr)
	assert.Equal(t, "An error occurred.", werr.Message)
	assert.Equal(t, 0, e.store.Writes())
	logs := e.logs.String()
	assert.NotContains(t, logs, "level=ERROR")
	assert.Equal(t, 3, strings.Count(logs, "level=WARN msg=\"the arguments make a binding path storage refuses"), logs)
	assert.Contains(t, logs, `holds a '\\'`)
}
