package mcpfunc_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/mcpfunc"
)

// ExplainInput is explain's arguments.
type ExplainInput struct {
	Topic string `json:"topic" jsonschema:"What to explain."`
}

// Completion: a prompt (or a resource template, with Resource.Complete)
// suggests values for an argument from what the user has typed so far.
// The self hosting answers completion/complete with them, the first 100;
// the trigger hosting cannot: the MCP extension does not serve it.
func ExamplePrompt_completion() {
	topics := []string{"channels", "closures", "generics", "goroutines"}
	explain := &mcpfunc.Prompt{
		Name:        "explain",
		Description: "Ask for an explanation of a Go topic.",
		Handler: mcpfunc.TypedPrompt(func(_ context.Context, _ *mcpfunc.Call, in ExplainInput) (string, error) {
			return "Explain " + in.Topic + " in Go.", nil
		}),
		Complete: func(_ context.Context, _ *mcpfunc.Call, arg, prefix string) ([]string, error) {
			var out []string
			for _, t := range topics {
				if arg == "topic" && strings.HasPrefix(t, prefix) {
					out = append(out, t)
				}
			}
			return out, nil
		},
	}

	os.Setenv("MCP_HOSTING", "self") // as the app setting does
	defer os.Unsetenv("MCP_HOSTING")
	h, err := mcpfunc.NewHandler(&mcpfunc.App{Name: "go tutor", Prompts: []*mcpfunc.Prompt{explain}})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := mcp.NewClient(&mcp.Implementation{Name: "example", Version: "1.0.0"}, nil)
	cs, err := client.Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: srv.URL + "/mcp"}, nil)
	if err != nil {
		panic(err)
	}
	defer cs.Close()
	for _, typed := range []string{"c", "go", "x"} {
		res, err := cs.Complete(context.Background(), &mcp.CompleteParams{
			Ref:      &mcp.CompleteReference{Type: "ref/prompt", Name: "explain"},
			Argument: mcp.CompleteParamsArgument{Name: "topic", Value: typed},
		})
		fmt.Println(typed, res.Completion.Values, err)
	}
	// Output:
	// c [channels closures] <nil>
	// go [goroutines] <nil>
	// x [] <nil>
}
