package mcpfunc_test

import (
	"context"
	"fmt"

	"remote-mcp-functions-go/mcpfunc"
	"remote-mcp-functions-go/mcpfunc/mcpfunctest"
)

// Notes is a listing that links each note to the note resource, so a
// client can attach a note without another tool call.
type Notes struct {
	Names []string `json:"names" jsonschema:"The notes' names."`
}

// Links are resource_link blocks after the result's text.
func (n Notes) Links() []mcpfunc.Link {
	var links []mcpfunc.Link
	for _, name := range n.Names {
		links = append(links, mcpfunc.Link{URI: "note://" + name, Name: name, MimeType: "text/plain"})
	}
	return links
}

// A result with resource links: the output's Links method adds them, in
// both hostings.
func ExampleLink() {
	list := &mcpfunc.Tool{
		Name:        "listnotes",
		Description: "List the notes.",
		Handler: mcpfunc.Typed(func(context.Context, *mcpfunc.Call, struct{}) (Notes, error) {
			return Notes{Names: []string{"todo", "ideas"}}, nil
		}),
	}

	h := mcpfunctest.New(nil, &mcpfunc.App{Name: "notes", Tools: []*mcpfunc.Tool{list}})
	res, _ := h.CallTool("listnotes", nil)
	fmt.Println(res.Text)
	for _, l := range res.Links {
		fmt.Println(l.URI, l.Name, l.MimeType)
	}
	// Output:
	// {"names":["todo","ideas"]}
	// note://todo todo text/plain
	// note://ideas ideas text/plain
}
