package devhost

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/mcpfunc/internal/binding/bindingtest"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
)

// BenchmarkGet measures what devhost adds to a tool call: the same
// get (an in-memory blob, a handler that answers at once) served by
// devhost, which posts to the handler, and by a plain go-sdk server that
// does the work itself. The difference is devhost's cost per call; storage
// and the real handler are measured end to end elsewhere.
func BenchmarkGet(b *testing.B) {
	content := []byte("print('hello, item')\n")
	answer := func(w http.ResponseWriter, r *received) {
		text, _, _ := r.Request.Input("file")
		resp := invoke.NewResponse()
		resp.ReturnValue = mustRich(invoke.CallToolResult{Content: []invoke.Content{{Type: "text", Text: text}}})
		writeAnswer(w, resp)
	}
	args := map[string]any{"key": "a1"}

	b.Run("devhost", func(b *testing.B) {
		e := newEnv(b, itemsApp())
		e.store.Set("items/a1.txt", content)
		e.handler.answer = answer
		e.handler.record = false
		cs := e.connect(TransportStreamable, nil)
		benchCalls(b, cs, "get", args)
	})

	b.Run("plain-go-sdk", func(b *testing.B) {
		store := bindingtest.NewStore()
		store.Set("items/a1.txt", content)
		s := mcp.NewServer(&mcp.Implementation{Name: "plain", Version: "1"}, nil)
		s.AddTool(&mcp.Tool{Name: "get", InputSchema: map[string]any{"type": "object"}},
			func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
				data, _, err := store.Read(ctx, "items", "a1.txt")
				if err != nil {
					return nil, err
				}
				return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: string(data)}}}, nil
			})
		hs := httptest.NewServer(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil))
		defer hs.Close()
		cs, err := mcp.NewClient(&mcp.Implementation{Name: "bench", Version: "1"}, nil).
			Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: hs.URL}, nil)
		if err != nil {
			b.Fatal(err)
		}
		defer cs.Close()
		benchCalls(b, cs, "get", args)
	})
}

func benchCalls(b *testing.B, cs *mcp.ClientSession, name string, args any) {
	b.Helper()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: name, Arguments: args})
		if err != nil || res.IsError {
			b.Fatalf("call failed: %v %v", err, res)
		}
	}
}
