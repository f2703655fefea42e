package invoke

import (
	"encoding/base64"
	"encoding/json"
)

// Response is the body a handler answers with. Outputs and Logs are always
// present (possibly empty) so the body is never an empty object the host
// could misread.
type Response struct {
	// Outputs maps output binding names to base64 of the bytes to write.
	Outputs map[string]string `json:"Outputs"`
	// Logs are recorded by the host on the function's logger.
	Logs []string `json:"Logs"`
	// ReturnValue becomes the MCP tool result: see PlainReturn and RichReturn.
	ReturnValue string `json:"ReturnValue"`
}

// NewResponse returns an empty response with non-nil Outputs and Logs.
func NewResponse() *Response {
	return &Response{Outputs: map[string]string{}, Logs: []string{}}
}

// SetOutput sets an output binding's bytes, base64-encoded as the host
// expects (it base64-decodes any output string that is valid base64).
func (r *Response) SetOutput(name string, data []byte) {
	r.Outputs[name] = base64.StdEncoding.EncodeToString(data)
}

// CallToolResult is the MCP result of a tools/call, as the extension reads
// it from a call_tool_result return value.
type CallToolResult struct {
	Content           []Content       `json:"content"`
	StructuredContent json.RawMessage `json:"structuredContent,omitempty"`
	IsError           bool            `json:"isError,omitempty"`
}

// Content is one MCP content block. Handlers only produce text; the host
// side keeps whatever else a handler sends in Raw.
type Content struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// ResultTypeCallToolResult is the McpToolResult type whose content is a
// whole CallToolResult.
const ResultTypeCallToolResult = "call_tool_result"

// PlainReturn is the ReturnValue of a trigger without useResultSchema: the
// extension wraps the text in one text block.
func PlainReturn(text string) string { return text }

// RichReturn is the ReturnValue of a trigger with "useResultSchema": true:
// the JSON text of {"type":"call_tool_result","content":"<result JSON>"}.
// It is how a handler returns isError with its own message.
func RichReturn(res CallToolResult) string {
	if res.Content == nil {
		res.Content = []Content{}
	}
	inner := marshal(res)
	return string(marshal(mcpToolResult{ResultTypeCallToolResult, string(inner)}))
}

// mcpToolResult is the extension's McpToolResult with string content.
type mcpToolResult struct {
	Type    string `json:"type"`
	Content string `json:"content"`
}

// marshal is json.Marshal for values that cannot fail to encode.
func marshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("invoke: " + err.Error()) // only called on types that always encode
	}
	return b
}
