package mcpfunc_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"remote-mcp-functions-go/mcpfunc"
	"remote-mcp-functions-go/mcpfunc/mcpfunctest"
)

// NoteList is the listing tool's output.
type NoteList struct {
	Names []string `json:"names" jsonschema:"The notes' names, in order."`
}

// Text is the names, one per line.
func (l NoteList) Text() string { return strings.Join(l.Names, "\n") }

// No binding lists or deletes blobs: a function does it with the app's
// storage, the account its bindings use.
func ExampleCall_Storage() {
	listNotes := &mcpfunc.Tool{
		Name:        "listnotes",
		Description: "List the saved notes.",
		Handler: mcpfunc.Typed(func(ctx context.Context, call *mcpfunc.Call, in struct{}) (NoteList, error) {
			store, err := call.Storage("") // "" is AzureWebJobsStorage, the app's own
			if err != nil {
				call.Logf("storage: %v", err)
				return NoteList{}, mcpfunc.Errorf(mcpfunc.Unavailable, "No storage is configured.")
			}
			out := NoteList{Names: []string{}}
			cursor := ""
			for {
				blobs, next, err := store.List(ctx, "notes", "", 100, cursor)
				if err != nil {
					call.Logf("list: %v", err) // storage's errors carry no secrets
					return NoteList{}, mcpfunc.Errorf(mcpfunc.Unavailable, "Storage did not answer; try again.")
				}
				for _, b := range blobs {
					out.Names = append(out.Names, strings.TrimSuffix(b.Name, ".txt"))
				}
				if cursor = next; cursor == "" {
					return out, nil
				}
			}
		}),
	}

	h := mcpfunctest.New(nil, &mcpfunc.App{Name: "notes", Tools: []*mcpfunc.Tool{listNotes}})
	h.SetBlob("notes", "todo.txt", []byte("call mum"))
	h.SetBlob("notes", "shopping.txt", []byte("milk"))
	res, _ := h.CallTool("listnotes", nil)
	fmt.Println(res.Text)

	h.FailStorage(errors.New("connection refused"))
	res, _ = h.CallTool("listnotes", nil)
	fmt.Println(res.Text)
	// Output:
	// shopping
	// todo
	// Storage did not answer; try again.
}
