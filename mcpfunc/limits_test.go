package mcpfunc_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc"
	"remote-mcp-functions-go/mcpfunc/mcpfunctest"
)

// SizeInput is the size tool's arguments.
type SizeInput struct {
	Key  string `json:"key" jsonschema:"The blob's key."`
	Text string `json:"text" jsonschema:"Any text."`
}

// sizeApp is an app whose tool says how much of its argument and of its
// blob input it got.
func sizeApp(maxContent int) *mcpfunc.App {
	return &mcpfunc.App{Name: "sizes", MaxContentBytes: maxContent, Tools: []*mcpfunc.Tool{{
		Name: "size", Description: "Measure.",
		Blobs: []mcpfunc.Blob{mcpfunc.BlobIn("blob", "blobs/{mcptoolargs.key}.txt")},
		Handler: mcpfunc.Typed(func(_ context.Context, call *mcpfunc.Call, in SizeInput) (string, error) {
			blob, _ := call.Input("blob")
			return fmt.Sprintf("text %d, blob %d", len(in.Text), len(blob)), nil
		}),
	}}}
}

// MaxContentBytes sizes what the handler reads of a call: an argument and
// a blob input at the limit, made of the characters the host's encoders
// escape the most (a control character takes 30 bytes of the payload, a
// quote or an angle bracket as many), reach the function; a call far
// beyond it gets the library's message, which names the limit.
func TestMaxContentBytes(t *testing.T) {
	const limit = 4096
	h := mcpfunctest.New(t, sizeApp(limit))
	for _, c := range []string{"\x01", `"`, "<", "\\", "é"} {
		content := strings.Repeat(c, limit/len(c))
		h.SetBlob("blobs", "k.txt", []byte(content))
		res, err := h.CallTool("size", map[string]any{"key": "k", "text": content})
		require.NoError(t, err)
		assert.Equal(t, mcpfunctest.Result{Text: fmt.Sprintf("text %d, blob %d", len(content), len(content))}, res, "%q", c)
	}

	res, err := h.CallTool("size", map[string]any{"key": "k", "text": strings.Repeat("\x01", 40*limit)})
	require.NoError(t, err)
	assert.Equal(t, mcpfunctest.Result{Text: "The call is too large: this server takes arguments and blobs of up to 4096 bytes.", IsError: true}, res)
}

// A limit large beside the room left for the other arguments: an
// argument and a blob at the limit, of the costliest character, still
// reach the function (the body limit grows with the content limit).
func TestLargeMaxContentBytes(t *testing.T) {
	const limit = 256 << 10
	h := mcpfunctest.New(t, sizeApp(limit))
	content := strings.Repeat("\x01", limit)
	h.SetBlob("blobs", "k.txt", []byte(content))
	res, err := h.CallTool("size", map[string]any{"key": "k", "text": content})
	require.NoError(t, err)
	assert.Equal(t, mcpfunctest.Result{Text: "text 262144, blob 262144"}, res)
	res, err = h.CallTool("size", map[string]any{"key": "k", "text": content + content})
	require.NoError(t, err)
	assert.Equal(t, "The call is too large: this server takes arguments and blobs of up to 262144 bytes.", res.Text)
}
