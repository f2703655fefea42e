package invoke

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"remote-mcp-functions-go/internal/rawjson"
)

// Response is the body a handler answers with. Outputs and Logs are always
// written (possibly empty) so the body is never an empty object the host
// could misread.
type Response struct {
	// Outputs maps output binding names to the bytes to write, sent as
	// base64: the host base64-decodes any output string that is valid
	// base64.
	Outputs map[string][]byte `json:"Outputs"`
	// Logs are recorded by the host on the function's logger.
	Logs []string `json:"Logs"`
	// ReturnValue becomes the MCP result: plain text, or for a trigger
	// with useResultSchema the JSON text [RichReturn] makes. ReturnTool
	// and ReturnResource set it without making that text.
	ReturnValue string `json:"ReturnValue"`

	// tool or resource, when set, is written as the ReturnValue, in the
	// same pass as the rest of the body.
	tool     *CallToolResult
	resource *ResourceContents
}

// NewResponse returns an empty response with non-nil Outputs and Logs.
func NewResponse() *Response {
	return &Response{Outputs: map[string][]byte{}, Logs: []string{}}
}

// SetOutput sets the bytes an output binding writes.
func (r *Response) SetOutput(name string, data []byte) { r.Outputs[name] = data }

// ReturnTool makes res the return value, as [RichReturn] writes it.
func (r *Response) ReturnTool(res *CallToolResult) {
	r.ReturnValue, r.tool, r.resource = "", res, nil
}

// ReturnResource makes c the return value, as [ResourceReturn] writes it.
func (r *Response) ReturnResource(c *ResourceContents) {
	r.ReturnValue, r.tool, r.resource = "", nil, c
}

// ReturnText makes text the return value, as it is.
func (r *Response) ReturnText(text string) {
	r.ReturnValue, r.tool, r.resource = text, nil, nil
}

// MarshalJSON is AppendJSON.
func (r *Response) MarshalJSON() ([]byte, error) { return r.AppendJSON(nil), nil }

// AppendJSON appends the body to dst. Each byte of a result is written
// once, escaped for the levels it sits at: a tool's text is the content of
// a string (CallToolResult) in a string (McpToolResult's content) in a
// string (ReturnValue), and is written so directly, never first as
// the texts around it.
func (r *Response) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"Outputs":{`...)
	for i, name := range slices.Sorted(maps.Keys(r.Outputs)) {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, name, 0)
		dst = append(dst, `:"`...)
		dst = base64.StdEncoding.AppendEncode(dst, r.Outputs[name])
		dst = append(dst, '"')
	}
	dst = append(dst, `},"Logs":[`...)
	for i, l := range r.Logs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, l, 0)
	}
	dst = append(dst, `],"ReturnValue":"`...)
	switch {
	case r.tool != nil:
		dst = appendRich(dst, r.tool, 1)
	case r.resource != nil:
		dst = appendResource(dst, r.resource, 1)
	default:
		dst = rawjson.AppendEscaped(dst, r.ReturnValue, 1)
	}
	return append(dst, `"}`...)
}

// The writers of JSON texts nested in strings: level is how many strings
// around the text being written (0: none, the text is JSON itself).

// appendJSON appends JSON text, such as punctuation or a raw value, at
// level.
func appendJSON[T ~string | ~[]byte](dst []byte, text T, level int) []byte {
	if level == 0 {
		return append(dst, text...)
	}
	return rawjson.AppendEscaped(dst, text, level)
}

// appendString appends s as a JSON string at level.
func appendString(dst []byte, s string, level int) []byte {
	dst = appendJSON(dst, `"`, level)
	dst = rawjson.AppendEscaped(dst, s, level+1)
	return appendJSON(dst, `"`, level)
}

// appendRich appends the call_tool_result envelope of res at level (see
// RichReturn).
func appendRich(dst []byte, res *CallToolResult, level int) []byte {
	dst = appendJSON(dst, `{"type":"`+ResultTypeCallToolResult+`","content":`, level)
	dst = appendJSON(dst, `"`, level)
	dst = appendCallToolResult(dst, res, level+1)
	dst = appendJSON(dst, `"`, level)
	return appendJSON(dst, `}`, level)
}

// appendCallToolResult appends res's JSON at level, as encoding/json
// writes the struct without HTML escaping.
func appendCallToolResult(dst []byte, res *CallToolResult, level int) []byte {
	dst = appendJSON(dst, `{"content":[`, level)
	for i, c := range res.Content {
		if i > 0 {
			dst = appendJSON(dst, `,`, level)
		}
		if c.Raw != nil {
			dst = appendJSON(dst, c.Raw, level)
			continue
		}
		dst = appendJSON(dst, `{"type":`, level)
		dst = appendString(dst, c.Type, level)
		dst = appendJSON(dst, `,"text":`, level)
		dst = appendString(dst, c.Text, level)
		dst = appendJSON(dst, `}`, level)
	}
	dst = appendJSON(dst, `]`, level)
	if len(res.StructuredContent) > 0 {
		dst = appendJSON(dst, `,"structuredContent":`, level)
		dst = appendJSON(dst, res.StructuredContent, level)
	}
	if res.IsError {
		dst = appendJSON(dst, `,"isError":true`, level)
	}
	if len(res.Meta) > 0 {
		dst = appendJSON(dst, `,"_meta":`, level)
		dst = appendJSON(dst, res.Meta, level)
	}
	return appendJSON(dst, `}`, level)
}

// appendResource appends the McpResourceResult envelope of c at level
// (see ResourceReturn).
func appendResource(dst []byte, c *ResourceContents, level int) []byte {
	dst = appendJSON(dst, `{"content":"`, level)
	in := level + 1
	dst = appendJSON(dst, `{"uri":`, in)
	dst = appendString(dst, c.URI, in)
	dst = appendJSON(dst, `,"mimeType":`, in)
	if c.MimeType == nil {
		dst = appendJSON(dst, `null`, in)
	} else {
		dst = appendString(dst, *c.MimeType, in)
	}
	if c.Text != nil {
		dst = appendJSON(dst, `,"text":`, in)
		dst = appendString(dst, *c.Text, in)
	}
	if c.Blob != nil {
		dst = appendJSON(dst, `,"blob":`, in)
		dst = appendString(dst, *c.Blob, in)
	}
	if len(c.Meta) > 0 {
		dst = appendJSON(dst, `,"_meta":`, in)
		dst = appendJSON(dst, c.Meta, in)
	}
	dst = appendJSON(dst, `}`, in)
	return appendJSON(dst, `"}`, level)
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
// The result's raw parts (StructuredContent, Meta, raw content blocks)
// must be valid JSON; they are written as they are.
func RichReturn(res CallToolResult) (string, error) {
	return string(appendRich(nil, &res, 0)), nil
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
