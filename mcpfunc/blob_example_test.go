package mcpfunc_test

import (
	"context"
	"fmt"
	"regexp"

	"remote-mcp-functions-go/mcpfunc"
	"remote-mcp-functions-go/mcpfunc/mcpfunctest"
)

// NoteName names a note. A blob path names it as {mcptoolargs.name}, so
// it is a required string.
type NoteName struct {
	Name string `json:"name" jsonschema:"The note's name."`
}

// NoteInput is a note to save.
type NoteInput struct {
	Name string `json:"name" jsonschema:"The note's name."`
	Text string `json:"text" jsonschema:"The note's text."`
}

// noteName is what a note's name may be. The host builds the blob path
// from the argument as it is, so check it before trusting what was read
// or writing anything.
var noteName = regexp.MustCompile(`^[a-z0-9-]{1,64}$`)

func checkNoteName(name string) error {
	if !noteName.MatchString(name) {
		return mcpfunc.Errorf(mcpfunc.Invalid, "Invalid note name %q: use 1-64 lower-case letters, digits and '-'.", name)
	}
	return nil
}

// The host reads a blob input before the call: the function finds its
// text with Call.Input.
func ExampleBlobIn() {
	readNote := &mcpfunc.Tool{
		Name:        "readnote",
		Description: "Read a note.",
		Blobs:       []mcpfunc.Blob{mcpfunc.BlobIn("note", "notes/{mcptoolargs.name}.txt")},
		Handler: mcpfunc.Typed(func(ctx context.Context, call *mcpfunc.Call, in NoteName) (string, error) {
			if err := checkNoteName(in.Name); err != nil {
				return "", err
			}
			text, found := call.Input("note")
			if !found {
				return "", mcpfunc.Errorf(mcpfunc.NotFound, "No note %q.", in.Name)
			}
			return text, nil
		}),
	}

	h := mcpfunctest.New(nil, &mcpfunc.App{Name: "notes", Tools: []*mcpfunc.Tool{readNote}})
	h.SetBlob("notes", "shopping.txt", []byte("milk, eggs"))
	for _, name := range []string{"shopping", "todo", "../secrets"} {
		res, _ := h.CallTool("readnote", map[string]any{"name": name})
		fmt.Println(res.IsError, res.Text)
	}
	// Output:
	// false milk, eggs
	// true No note "todo".
	// true Invalid note name "../secrets": use 1-64 lower-case letters, digits and '-'.
}

// The host writes a blob output after the call succeeds, with the bytes
// the function gave Call.Output; a call that fails writes nothing.
func ExampleBlobOut() {
	saveNote := &mcpfunc.Tool{
		Name:        "savenote",
		Description: "Save a note.",
		Blobs:       []mcpfunc.Blob{mcpfunc.BlobOut("note", "notes/{mcptoolargs.name}.txt")},
		Handler: mcpfunc.Typed(func(ctx context.Context, call *mcpfunc.Call, in NoteInput) (string, error) {
			if err := checkNoteName(in.Name); err != nil {
				return "", err
			}
			call.Output("note", []byte(in.Text))
			call.Logf("Saved note %q (%d bytes)", in.Name, len(in.Text)) // names and sizes, not contents
			return "Saved note " + in.Name + ".", nil
		}),
	}

	h := mcpfunctest.New(nil, &mcpfunc.App{Name: "notes", Tools: []*mcpfunc.Tool{saveNote}})
	res, _ := h.CallTool("savenote", map[string]any{"name": "todo", "text": "call mum"})
	fmt.Println(res.Text)
	data, _ := h.Blob("notes", "todo.txt")
	fmt.Println(string(data))
	fmt.Println(h.Logs())

	res, _ = h.CallTool("savenote", map[string]any{"name": "Todo!", "text": "x"})
	_, written := h.Blob("notes", "Todo!.txt")
	fmt.Println(res.IsError, written)
	// Output:
	// Saved note todo.
	// call mum
	// [Saved note "todo" (8 bytes)]
	// true false
}
