package customhandler_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"remote-mcp-functions-go/internal/customhandler"
	"remote-mcp-functions-go/internal/invoke"
	"remote-mcp-functions-go/internal/mcptool"
)

// This example adds a tool. In the app it takes three steps:
//
//  1. functions/shout/function.json with an mcpToolTrigger whose toolName is
//     "shout", its description and toolProperties (and "useResultSchema":
//     true, since the tool can refuse a call with its own message);
//  2. the Go function below;
//  3. one line in catalog.Tools:
//     {Name: "shout", Kind: mcptool.Rich, Run: Shout}.
//
// Here the router serves it directly, and the request is encoded exactly as
// the Functions host encodes it.
func Example_addTool() {
	shout := func(_ context.Context, call *mcptool.Call) (*mcptool.Result, error) {
		text, _, err := call.String("text")
		if err != nil {
			return nil, err
		}
		if text == "" {
			return nil, mcptool.Errorf(mcptool.Invalid, "Nothing to shout.")
		}
		return mcptool.Text(strings.ToUpper(text) + "!"), nil
	}
	h := customhandler.New(
		[]mcptool.Tool{{Name: "shout", Kind: mcptool.Rich, Run: shout}},
		customhandler.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))},
	)

	for _, text := range []string{`"hello"`, `""`} {
		body, _ := invoke.NewToolRequest(&invoke.ToolInvocation{
			Function:  "shout",
			Tool:      "shout",
			Arguments: map[string]json.RawMessage{"text": json.RawMessage(text)},
			Transport: "http-streamable",
		})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/shout", bytes.NewReader(body)))

		// What the host and the MCP extension make of the answer.
		res, _ := invoke.DecodeResponse(rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes(), nil)
		result, _ := invoke.ToolResult(res.ReturnValue, true)
		out, _ := json.Marshal(result)
		fmt.Println(string(out))
	}
	// Output:
	// {"content":[{"type":"text","text":"HELLO!"}]}
	// {"content":[{"type":"text","text":"Nothing to shout."}],"isError":true}
}
