package invoke

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// Response is the body a handler answers with. Outputs and Logs are always
// present (possibly empty) so the body is never an empty object the host
// could misread.
type Response struct {
	// Outputs maps output binding names to base64 of the bytes to write.
	Outputs map[string]string `json:"Outputs"`
	// Logs are recorded by the host on the function's logger.
	Logs []string `json:"Logs"`
	// ReturnValue becomes the MCP tool result: plain text, or for a
	// trigger with useResultSchema the JSON text [RichReturn] makes.
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

// CallToolResult is the MCP result of a tools/call: what a handler returns
// through call_tool_result, and what the extension makes of a ReturnValue
// ([ToolResult]).
type CallToolResult struct {
	Content           []Content       `json:"content"`
	StructuredContent json.RawMessage `json:"structuredContent,omitempty"`
	IsError           bool            `json:"isError,omitempty"`
	Meta              json.RawMessage `json:"_meta,omitempty"`
}

// Content is one MCP content block. Text blocks are read into Type and
// Text; any other block (an image, a resource, a text block with
// annotations) is kept whole in Raw, which then is what it encodes to.
type Content struct {
	Type string
	Text string
	Raw  json.RawMessage
}

// TextContent is a text block.
func TextContent(text string) Content { return Content{Type: "text", Text: text} }

// MarshalJSON writes Raw when set, else {"type":…,"text":…}.
func (c Content) MarshalJSON() ([]byte, error) {
	if c.Raw != nil {
		return c.Raw, nil
	}
	return marshalNoHTML(struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}{c.Type, c.Text})
}

// UnmarshalJSON reads a block: a plain text block into Type and Text,
// anything else into Raw (with Type set).
func (c *Content) UnmarshalJSON(b []byte) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return err
	}
	var typ string
	if err := json.Unmarshal(fields["type"], &typ); err != nil || typ == "" {
		return fmt.Errorf("content block without a type")
	}
	*c = Content{Type: typ}
	if typ == "text" && len(fields) == 2 {
		if err := json.Unmarshal(fields["text"], &c.Text); err == nil {
			return nil
		}
	}
	c.Raw = append(json.RawMessage(nil), bytes.TrimSpace(b)...)
	return nil
}

// Result types of the extension's McpToolResult envelope that are not a
// single content block (Azure/azure-functions-mcp-extension
// src/Microsoft.Azure.Functions.Extensions.Mcp/McpConstants.cs @cd0d1e8c).
const (
	ResultTypeCallToolResult = "call_tool_result"
	ResultTypeMultiContent   = "multi_content_result"
)

// RichReturn is the ReturnValue of a trigger with "useResultSchema": true:
// the JSON text of {"type":"call_tool_result","content":"<result JSON>"}.
// It is how a handler returns isError with its own message, and
// structured content: the extension deserializes the inner CallToolResult
// whole, structuredContent included (ToolReturnValueBinder.cs @cd0d1e8c).
func RichReturn(res CallToolResult) (string, error) {
	if res.Content == nil {
		res.Content = []Content{}
	}
	inner, err := marshalNoHTML(res)
	if err != nil {
		return "", fmt.Errorf("invoke: tool result: %w", err)
	}
	outer, err := marshalNoHTML(mcpToolResult{Type: ResultTypeCallToolResult, Content: string(inner)})
	if err != nil {
		return "", fmt.Errorf("invoke: tool result: %w", err)
	}
	return string(outer), nil
}

// mcpToolResult is the extension's McpToolResult: content and
// structuredContent are JSON carried as strings.
type mcpToolResult struct {
	Type              string  `json:"type"`
	Content           string  `json:"content"`
	StructuredContent *string `json:"structuredContent,omitempty"`
}

// marshalNoHTML encodes v as compact JSON without HTML escaping, as
// Newtonsoft does.
func marshalNoHTML(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
