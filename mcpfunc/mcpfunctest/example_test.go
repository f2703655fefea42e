package mcpfunctest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"

	"remote-mcp-functions-go/mcpfunc"
	"remote-mcp-functions-go/mcpfunc/mcpfunctest"
)

// CopyInput is the copy tool's arguments.
type CopyInput struct {
	From string `json:"from" jsonschema:"The blob to copy."`
	To   string `json:"to" jsonschema:"Where to copy it."`
}

// A test of a tool that reads one blob and writes another. In a test,
// pass the test's t to New: a refused declaration then fails the test,
// and its log shows the functions' log lines.
func ExampleNew() {
	copyTool := &mcpfunc.Tool{
		Name:        "copy",
		Description: "Copy a blob of the files container.",
		Blobs: []mcpfunc.Blob{
			mcpfunc.BlobIn("src", "files/{mcptoolargs.from}"),
			mcpfunc.BlobOut("dst", "files/{mcptoolargs.to}"),
		},
		Handler: mcpfunc.Typed(func(ctx context.Context, call *mcpfunc.Call, in CopyInput) (string, error) {
			data, found := call.Input("src")
			if !found {
				return "", mcpfunc.Errorf(mcpfunc.NotFound, "No file %q.", in.From)
			}
			call.Output("dst", []byte(data))
			return fmt.Sprintf("Copied %d bytes.", len(data)), nil
		}),
	}
	h := mcpfunctest.New(nil, &mcpfunc.App{Name: "files", Tools: []*mcpfunc.Tool{copyTool}})

	h.SetBlob("files", "a.txt", []byte("hello"))
	res, err := h.CallTool("copy", map[string]any{"from": "a.txt", "to": "b.txt"})
	fmt.Println(res.Text, err)
	data, found := h.Blob("files", "b.txt")
	fmt.Println(string(data), found)

	// A refusal is an error result.
	res, _ = h.CallTool("copy", map[string]any{"from": "nope.txt", "to": "c.txt"})
	fmt.Println(res.IsError, res.Text)

	// What the host's MCP extension refuses before the function runs is a
	// JSON-RPC error.
	_, err = h.CallTool("copy", map[string]any{"from": "a.txt"})
	var rpcErr *jsonrpc.Error
	if errors.As(err, &rpcErr) {
		fmt.Println(rpcErr.Code, rpcErr.Message)
	}

	// Storage that does not answer fails the call as the host fails it.
	h.FailStorage(errors.New("connection refused"))
	res, _ = h.CallTool("copy", map[string]any{"from": "a.txt", "to": "d.txt"})
	fmt.Println(res.IsError, res.Text)
	// Output:
	// Copied 5 bytes. <nil>
	// hello true
	// true No file "nope.txt".
	// -32602 One or more required tool properties are missing values. Please provide: to
	// true An error occurred invoking 'copy'.
}
