package mcpfunc_test

import (
	"context"
	"fmt"

	"remote-mcp-functions-go/mcpfunc"
	"remote-mcp-functions-go/mcpfunc/mcpfunctest"
)

// An MCP App: a view, one HTML page with its script and style inline
// (clients allow it nothing from the network), served as a resource with
// a fixed ui:// URI and the MCP Apps mime type, and a tool that links it
// in its Meta. A client that shows MCP Apps renders the tool's results
// in the view, which calls the app's tools through the client.
func ExampleAppMimeType() {
	const page = `<!doctype html><html><body><ul id="notes"></ul><script>/* … */</script></body></html>`
	view := &mcpfunc.Resource{
		Name:         "notesview",
		URI:          "ui://notes/view",
		ResourceName: "notes_view",
		Description:  "Browse the notes.",
		MimeType:     mcpfunc.AppMimeType,
		Meta:         map[string]any{"ui": map[string]any{"prefersBorder": true}},
		Read: func(context.Context, *mcpfunc.Call, mcpfunc.ResourceRead) (string, error) {
			return page, nil
		},
	}
	list := &mcpfunc.Tool{
		Name:        "listnotes",
		Description: "List the notes.",
		Meta:        map[string]any{"ui": map[string]any{"resourceUri": "ui://notes/view"}},
		Handler: mcpfunc.Typed(func(context.Context, *mcpfunc.Call, struct{}) (string, error) {
			return "todo", nil
		}),
	}

	h := mcpfunctest.New(nil, &mcpfunc.App{Name: "notes", Tools: []*mcpfunc.Tool{list}, Resources: []*mcpfunc.Resource{view}})
	html, err := h.ReadResource("ui://notes/view")
	fmt.Println(html == page, err)

	// A link to a view the app does not declare is refused.
	list.Meta = map[string]any{"ui": map[string]any{"resourceUri": "ui://notes/other"}}
	_, err = mcpfunc.NewHandler(&mcpfunc.App{Name: "notes", Tools: []*mcpfunc.Tool{list}, Resources: []*mcpfunc.Resource{view}})
	fmt.Println(err)
	// Output:
	// true <nil>
	// tool "listnotes": its view "ui://notes/other" is no resource of the app: declare a Resource with that URI and MimeType text/html;profile=mcp-app
}
