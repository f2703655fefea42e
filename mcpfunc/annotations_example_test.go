package mcpfunc_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/mcpfunc"
)

// A title and annotations tell clients what a tool is for and how it
// behaves: this one deletes, and deleting twice changes nothing more. The
// self hosting lists them (here through a go-sdk client); the MCP
// extension, in the trigger hosting, lists neither.
func ExampleAnnotations() {
	remove := &mcpfunc.Tool{
		Name:        "removenote",
		Title:       "Remove a note",
		Description: "Delete a note by name.",
		Annotations: &mcpfunc.Annotations{Destructive: true, Idempotent: true},
		Handler: mcpfunc.Typed(func(ctx context.Context, call *mcpfunc.Call, in struct {
			Name string `json:"name" jsonschema:"The note's name."`
		}) (string, error) {
			return "Removed " + in.Name, nil
		}),
	}

	os.Setenv("MCP_HOSTING", "self") // in a test: t.Setenv
	defer os.Unsetenv("MCP_HOSTING")
	h, _ := mcpfunc.NewHandler(&mcpfunc.App{Name: "notes", Tools: []*mcpfunc.Tool{remove}})
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := mcp.NewClient(&mcp.Implementation{Name: "example", Version: "1.0.0"}, nil)
	cs, _ := client.Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: srv.URL + "/mcp"}, nil)
	defer cs.Close()
	list, _ := cs.ListTools(context.Background(), nil)
	hints, _ := json.Marshal(list.Tools[0].Annotations)
	fmt.Println(list.Tools[0].Title)
	fmt.Println(string(hints))
	// Output:
	// Remove a note
	// {"destructiveHint":true,"idempotentHint":true,"openWorldHint":false,"readOnlyHint":false}
}
