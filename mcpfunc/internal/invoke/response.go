package invoke

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"sync"
	"unicode/utf8"

	"remote-mcp-functions-go/mcpfunc/internal/rawjson"
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
	// and ReturnResource set it without making that text: WriteTo writes
	// it as part of the body.
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

// MarshalJSON is the body, as WriteTo writes it.
func (r *Response) MarshalJSON() ([]byte, error) {
	var out bytes.Buffer
	_, err := r.WriteTo(&out)
	return out.Bytes(), err
}

// WriteTo writes the body to w in one pass, a chunk at a time: its memory
// does not grow with the answer. Each byte of a result is written once,
// escaped for the levels it sits at: a tool's text is the content of a
// string (CallToolResult) in a string (McpToolResult's content) in a
// string (ReturnValue), and is written so directly, never first as the
// texts around it.
func (r *Response) WriteTo(w io.Writer) (int64, error) {
	b := newBodyWriter(w)
	defer b.release()
	b.raw(`{"Outputs":{`)
	for i, name := range slices.Sorted(maps.Keys(r.Outputs)) {
		if i > 0 {
			b.raw(",")
		}
		b.str(name, 0)
		b.raw(`:"`)
		b.base64(r.Outputs[name])
		b.raw(`"`)
	}
	b.raw(`},"Logs":[`)
	for i, l := range r.Logs {
		if i > 0 {
			b.raw(",")
		}
		b.str(l, 0)
	}
	b.raw(`],"ReturnValue":"`)
	switch {
	case r.tool != nil:
		b.rich(r.tool, 1)
	case r.resource != nil:
		b.resource(r.resource, 1)
	default:
		b.escaped(r.ReturnValue, 1)
	}
	b.raw(`"}`)
	return b.flush()
}

// bodyWriter writes JSON texts nested in strings: level is how many
// strings are around the text being written (0: none, the text is JSON
// itself). With a destination it sends what it has every chunk bytes, so
// it holds one chunk at most; without, it keeps everything (RichReturn).
type bodyWriter struct {
	buf   []byte
	dst   io.Writer
	n     int64
	err   error
	chunk *[]byte
}

// chunk is how much a bodyWriter holds before it writes, and how much of a
// long text it escapes at a time.
const chunk = 32 << 10

var chunks = sync.Pool{New: func() any { b := make([]byte, 0, 2*chunk); return &b }}

func newBodyWriter(dst io.Writer) *bodyWriter {
	b := &bodyWriter{dst: dst}
	if dst != nil {
		b.chunk = chunks.Get().(*[]byte)
		b.buf = (*b.chunk)[:0]
	}
	return b
}

// release returns the chunk buffer, unless it grew (a text escaped
// several times over can outgrow it).
func (b *bodyWriter) release() {
	if b.chunk != nil && cap(b.buf) <= 2*chunk {
		*b.chunk = b.buf[:0]
		chunks.Put(b.chunk)
	}
	b.chunk = nil
}

// maybeFlush writes what is held once a chunk is full.
func (b *bodyWriter) maybeFlush() {
	if b.dst != nil && len(b.buf) >= chunk {
		_, _ = b.flush()
	}
}

func (b *bodyWriter) flush() (int64, error) {
	if b.dst == nil || b.err != nil || len(b.buf) == 0 {
		return b.n, b.err
	}
	n, err := b.dst.Write(b.buf)
	b.n += int64(n)
	b.err = err
	b.buf = b.buf[:0]
	return b.n, b.err
}

// raw writes JSON text as it is (level 0).
func (b *bodyWriter) raw(text string) { b.buf = append(b.buf, text...) }

// json writes JSON text, such as punctuation or a raw value, at level.
func (b *bodyWriter) json(text []byte, level int) {
	if level == 0 {
		for len(text) > 0 {
			n := min(len(text), chunk)
			b.buf = append(b.buf, text[:n]...)
			b.maybeFlush()
			text = text[n:]
		}
		return
	}
	escapeInto(b, text, level)
}

// punct writes short JSON text at level.
func (b *bodyWriter) punct(text string, level int) {
	if level == 0 {
		b.buf = append(b.buf, text...)
		return
	}
	b.buf = rawjson.AppendEscaped(b.buf, text, level)
}

// escaped writes s as the content of a string, levels deep.
func (b *bodyWriter) escaped(s string, levels int) { escapeInto(b, s, levels) }

// escapeInto writes s as the content of a string, levels deep, a chunk at
// a time, cut between characters.
func escapeInto[T ~string | ~[]byte](b *bodyWriter, s T, levels int) {
	for len(s) > 0 {
		n := min(len(s), chunk)
		for n < len(s) && !utf8.RuneStart(s[n]) {
			n++
		}
		b.buf = rawjson.AppendEscaped(b.buf, s[:n], levels)
		b.maybeFlush()
		s = s[n:]
	}
}

// str writes s as a JSON string at level.
func (b *bodyWriter) str(s string, level int) {
	b.punct(`"`, level)
	b.escaped(s, level+1)
	b.punct(`"`, level)
}

// base64 writes data as base64, at level 0.
func (b *bodyWriter) base64(data []byte) {
	const in = chunk / 4 * 3 // whole groups of three bytes
	for len(data) > 0 {
		n := min(len(data), in)
		b.buf = base64.StdEncoding.AppendEncode(b.buf, data[:n])
		b.maybeFlush()
		data = data[n:]
	}
}

// rich writes the call_tool_result envelope of res at level (see
// RichReturn).
func (b *bodyWriter) rich(res *CallToolResult, level int) {
	b.punct(`{"type":"`+ResultTypeCallToolResult+`","content":"`, level)
	b.callToolResult(res, level+1)
	b.punct(`"}`, level)
}

// callToolResult writes res's JSON at level, as encoding/json writes the
// struct without HTML escaping.
func (b *bodyWriter) callToolResult(res *CallToolResult, level int) {
	b.punct(`{"content":[`, level)
	for i, c := range res.Content {
		if i > 0 {
			b.punct(`,`, level)
		}
		if c.Raw != nil {
			b.json(c.Raw, level)
			continue
		}
		b.punct(`{"type":`, level)
		b.str(c.Type, level)
		b.punct(`,"text":`, level)
		b.str(c.Text, level)
		b.punct(`}`, level)
	}
	b.punct(`]`, level)
	if len(res.StructuredContent) > 0 {
		b.punct(`,"structuredContent":`, level)
		b.json(res.StructuredContent, level)
	}
	if res.IsError {
		b.punct(`,"isError":true`, level)
	}
	if len(res.Meta) > 0 {
		b.punct(`,"_meta":`, level)
		b.json(res.Meta, level)
	}
	b.punct(`}`, level)
}

// resource writes the McpResourceResult envelope of c at level (see
// ResourceReturn).
func (b *bodyWriter) resource(c *ResourceContents, level int) {
	b.punct(`{"content":"`, level)
	in := level + 1
	b.punct(`{"uri":`, in)
	b.str(c.URI, in)
	b.punct(`,"mimeType":`, in)
	if c.MimeType == nil {
		b.punct(`null`, in)
	} else {
		b.str(*c.MimeType, in)
	}
	if c.Text != nil {
		b.punct(`,"text":`, in)
		b.str(*c.Text, in)
	}
	if c.Blob != nil {
		b.punct(`,"blob":`, in)
		b.str(*c.Blob, in)
	}
	if len(c.Meta) > 0 {
		b.punct(`,"_meta":`, in)
		b.json(c.Meta, in)
	}
	b.punct(`}`, in)
	b.punct(`"}`, level)
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

// LinkContent is a resource_link block, its members in the order the
// extension's C# SDK writes them (type, uri, name, then description and
// mimeType when set: ContentBlock.cs @v0.4.0-preview.3), so what the
// handler sends is what the client gets.
func LinkContent(uri, name, description, mimeType string) Content {
	raw, _ := rawjson.Marshal(struct {
		Type        string `json:"type"`
		URI         string `json:"uri"`
		Name        string `json:"name"`
		Description string `json:"description,omitempty"`
		MimeType    string `json:"mimeType,omitempty"`
	}{"resource_link", uri, name, description, mimeType})
	return Content{Type: "resource_link", Raw: raw}
}

// MarshalJSON writes Raw when set, else {"type":…,"text":…}.
func (c Content) MarshalJSON() ([]byte, error) {
	if c.Raw != nil {
		return c.Raw, nil
	}
	return rawjson.Marshal(struct {
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
	b := newBodyWriter(nil)
	b.rich(&res, 0)
	return string(b.buf), nil
}
