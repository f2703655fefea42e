package mcpfunc_test

import (
	"context"
	"fmt"

	"remote-mcp-functions-go/mcpfunc"
	"remote-mcp-functions-go/mcpfunc/mcpfunctest"
)

// A resource template: its URI's {parameters} match the URI a client
// reads, and a blob path names them as {<parameter>}.
func ExampleResource() {
	note := &mcpfunc.Resource{
		Name:         "noteresource",
		URI:          "note://{name}",
		ResourceName: "note",
		Title:        "Note",
		Description:  "A saved note, by name.",
		MimeType:     "text/plain",
		Blobs:        []mcpfunc.Blob{mcpfunc.BlobIn("note", "notes/{name}.txt")},
		Read: func(ctx context.Context, call *mcpfunc.Call, req mcpfunc.ResourceRead) (string, error) {
			if err := checkNoteName(req.Params["name"]); err != nil {
				return "", err
			}
			text, found := call.Input("note")
			if !found {
				// The client gets the extension's -32603 "An error
				// occurred."; the log says which note.
				return "", mcpfunc.Errorf(mcpfunc.NotFound, "No note %q.", req.Params["name"])
			}
			return text, nil
		},
	}

	h := mcpfunctest.New(nil, &mcpfunc.App{Name: "notes", Resources: []*mcpfunc.Resource{note}})
	h.SetBlob("notes", "todo.txt", []byte("call mum"))
	text, err := h.ReadResource("note://todo")
	fmt.Println(text, err)
	_, err = h.ReadResource("note://nope")
	fmt.Println(err)
	// Output:
	// call mum <nil>
	// An error occurred.
}
