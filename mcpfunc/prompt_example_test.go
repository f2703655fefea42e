package mcpfunc_test

import (
	"context"
	"fmt"

	"remote-mcp-functions-go/mcpfunc"
	"remote-mcp-functions-go/mcpfunc/mcpfunctest"
)

// SummarizeInput is the prompt's arguments: strings, required unless
// omitempty.
type SummarizeInput struct {
	Name  string `json:"name" jsonschema:"The note to summarize."`
	Style string `json:"style,omitempty" jsonschema:"How: briefly, as bullet points, …"`
}

// A prompt: its text is one user message. A blob path names an argument
// as {mcppromptargs.<name>}.
func ExampleTypedPrompt() {
	summarize := &mcpfunc.Prompt{
		Name:        "summarize",
		Title:       "Summarize a note",
		Description: "Ask for a summary of a saved note.",
		Blobs:       []mcpfunc.Blob{mcpfunc.BlobIn("note", "notes/{mcppromptargs.name}.txt")},
		Handler: mcpfunc.TypedPrompt(func(ctx context.Context, call *mcpfunc.Call, in SummarizeInput) (string, error) {
			if err := checkNoteName(in.Name); err != nil {
				return "", err
			}
			text, found := call.Input("note")
			if !found {
				return "", mcpfunc.Errorf(mcpfunc.NotFound, "No note %q.", in.Name)
			}
			style := in.Style
			if style == "" {
				style = "briefly"
			}
			return "Summarize this note " + style + ":\n\n" + text, nil
		}),
	}

	h := mcpfunctest.New(nil, &mcpfunc.App{Name: "notes", Prompts: []*mcpfunc.Prompt{summarize}})
	h.SetBlob("notes", "todo.txt", []byte("call mum; buy milk"))
	text, _ := h.GetPrompt("summarize", map[string]string{"name": "todo"})
	fmt.Println(text)
	_, err := h.GetPrompt("summarize", map[string]string{"style": "in French"})
	fmt.Println(err)
	// Output:
	// Summarize this note briefly:
	//
	// call mum; buy milk
	// One or more required prompt arguments are missing values. Please provide: name
}
