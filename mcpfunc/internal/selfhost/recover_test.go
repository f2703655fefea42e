package selfhost

import (
	"context"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/decl"
)

// panicking declares a tool, a resource and a prompt whose functions
// panic.
func panicking() decl.Functions {
	return decl.Functions{
		Tools: []*decl.Tool{
			{Name: "boom", Description: "Panics.", Handler: decl.Typed(func(context.Context, *decl.Call, struct{}) (string, error) {
				panic("tool bug")
			})},
			{Name: "hello", Description: "Hello.", Plain: true, Handler: decl.Typed(func(context.Context, *decl.Call, struct{}) (string, error) {
				return "hi", nil
			})},
		},
		Resources: []*decl.Resource{{
			Name: "boomresource", URI: "boom://{name}", ResourceName: "boom", Description: "Panics.",
			Read: func(context.Context, *decl.Call, decl.ResourceRead) (string, error) { panic("resource bug") },
		}},
		Prompts: []*decl.Prompt{{
			Name: "boomprompt", Description: "Panics.",
			Handler: decl.TypedPrompt(func(context.Context, *decl.Call, struct{}) (string, error) { panic("prompt bug") }),
		}},
	}
}

// A function that panics fails its call with the answer the trigger
// hosting gives (the handler's recover answers 500, which the extension
// turns into the generic tool error, or -32603 for a resource or a
// prompt), the server keeps serving, and one log line has the stack.
func TestPanicsAreAnswered(t *testing.T) {
	e := newEnv(t, panicking())
	cs := e.connect(nil)

	res := call(t, cs, "boom", map[string]any{})
	assert.True(t, res.IsError)
	assert.Equal(t, "An error occurred invoking 'boom'.", textOf(t, res))

	var werr *jsonrpc.Error
	_, err := cs.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: "boom://x"})
	require.ErrorAs(t, err, &werr)
	assert.Equal(t, &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: "An error occurred."}, werr)

	_, err = cs.GetPrompt(t.Context(), &mcp.GetPromptParams{Name: "boomprompt"})
	require.ErrorAs(t, err, &werr)
	assert.Equal(t, &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: "An error occurred."}, werr)

	// Still serving.
	assert.Equal(t, "hi", textOf(t, call(t, cs, "hello", map[string]any{})))

	logs := e.logs.String()
	for _, v := range []string{"tool bug", "resource bug", "prompt bug"} {
		var lines []string
		for _, l := range strings.Split(logs, "\n") {
			if strings.Contains(l, v) {
				lines = append(lines, l)
			}
		}
		if assert.Len(t, lines, 1, "one line for %s:\n%s", v, logs) {
			assert.Contains(t, lines[0], "panic serving request")
			assert.Contains(t, lines[0], "recover_test.go", "the stack")
		}
	}
}
