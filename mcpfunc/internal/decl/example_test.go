package decl_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"

	"remote-mcp-functions-go/mcpfunc/internal/customhandler"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/funcgen"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
)

// wordsInput is the tool's arguments: json names, descriptions, and
// required unless omitempty.
type wordsInput struct {
	Text string `json:"text" jsonschema:"The text to count the words of."`
	Top  int    `json:"top,omitempty" jsonschema:"How many of the most frequent words to list (3 if left out)."`
}

// wordsOutput is its structured output; Text is what clients that ignore
// structured content read.
type wordsOutput struct {
	Words int      `json:"words" jsonschema:"How many words the text has."`
	Top   []string `json:"top" jsonschema:"The most frequent words, most frequent first."`
}

func (o wordsOutput) Text() string {
	return fmt.Sprintf("%d words; most frequent: %s", o.Words, strings.Join(o.Top, ", "))
}

// countWords is plain Go: no HTTP, no host encodings.
func countWords(_ context.Context, _ *decl.Call, in wordsInput) (wordsOutput, error) {
	words := strings.Fields(strings.ToLower(in.Text))
	if len(words) == 0 {
		return wordsOutput{}, decl.Errorf(decl.Invalid, "There are no words in the text.")
	}
	counts := map[string]int{}
	for _, w := range words {
		counts[w]++
	}
	top := make([]string, 0, len(counts))
	for w := range counts {
		top = append(top, w)
	}
	slices.SortFunc(top, func(a, b string) int {
		if d := counts[b] - counts[a]; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	n := in.Top
	if n <= 0 {
		n = 3
	}
	return wordsOutput{Words: len(words), Top: top[:min(n, len(top))]}, nil
}

// This example declares a tool with typed arguments and structured output,
// shows the function.json that make generate writes for it, and calls it
// through the handler's router with a payload encoded as the Functions
// host encodes it. An app declares it with package mcpfunc, which makes
// this declaration of it; make generate writes
// functions/countwords/function.json.
func Example() {
	countwords := &decl.Tool{
		Name:        "countwords",
		Description: "Count the words of a text and list the most frequent ones.",
		Handler:     decl.Typed(countWords),
	}

	fj, err := funcgen.FunctionJSON(countwords)
	if err != nil {
		panic(err)
	}
	fmt.Print(string(fj))

	h, err := customhandler.New(decl.Functions{Tools: []*decl.Tool{countwords}}, customhandler.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		panic(err)
	}
	for _, args := range []string{`{"text":"the cat and the hat and the bat","top":2}`, `{"text":"  "}`, `{"text":42}`} {
		var a map[string]json.RawMessage
		_ = json.Unmarshal([]byte(args), &a)
		body, _ := invoke.NewToolRequest(&invoke.ToolInvocation{Invocation: invoke.Invocation{Function: "countwords", Transport: "http-streamable"}, Tool: "countwords", Arguments: a})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/countwords", bytes.NewReader(body)))

		// What the host and the MCP extension make of the answer.
		res, _ := invoke.DecodeResponse(rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes(), nil)
		result, _ := invoke.ToolResult(res.ReturnValue, true)
		out, _ := json.Marshal(result)
		fmt.Println(string(out))
	}
	// Output:
	// {
	//   "bindings": [
	//     {
	//       "type": "mcpToolTrigger",
	//       "direction": "in",
	//       "name": "context",
	//       "toolName": "countwords",
	//       "description": "Count the words of a text and list the most frequent ones.",
	//       "toolProperties": "[{\"propertyName\":\"text\",\"propertyType\":\"string\",\"description\":\"The text to count the words of.\",\"isRequired\":true},{\"propertyName\":\"top\",\"propertyType\":\"integer\",\"description\":\"How many of the most frequent words to list (3 if left out).\"}]",
	//       "outputSchema": "{\"type\":\"object\",\"properties\":{\"words\":{\"type\":\"integer\",\"description\":\"How many words the text has.\"},\"top\":{\"type\":[\"null\",\"array\"],\"items\":{\"type\":\"string\"},\"description\":\"The most frequent words, most frequent first.\"}},\"required\":[\"words\",\"top\"],\"additionalProperties\":false}",
	//       "useResultSchema": true
	//     }
	//   ]
	// }
	// {"content":[{"type":"text","text":"8 words; most frequent: the, and"}],"structuredContent":{"words":8,"top":["the","and"]}}
	// {"content":[{"type":"text","text":"There are no words in the text."}],"isError":true}
	// {"content":[{"type":"text","text":"Argument 'text' must be a string, not a number."}],"isError":true}
}
