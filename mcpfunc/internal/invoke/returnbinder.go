package invoke

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"remote-mcp-functions-go/mcpfunc/internal/rawjson"
)

// This file is the MCP extension's side of the answer: how it turns the
// handler's ReturnValue into the tools/call result
// (Azure/azure-functions-mcp-extension
// src/Microsoft.Azure.Functions.Extensions.Mcp/Trigger/SimpleToolReturnValueBinder.cs,
// ToolReturnValueBinder.cs, McpToolResult.cs and McpToolListener.cs
// @cd0d1e8c).

// ToolResult maps a ReturnValue to the MCP result, as the extension's
// return value binders do.
//
// Without useResultSchema a value becomes one text block: a string as it
// is, an object or array as indented JSON text (Newtonsoft's ToString),
// booleans as True/False; null becomes an empty result.
//
// With useResultSchema the value must be a JSON string holding an
// McpToolResult {"type":…,"content":"<json>","structuredContent":"<json>"}
// (content and structuredContent are JSON carried as strings; names match
// case-insensitively). A call_tool_result type carries a whole
// CallToolResult, structured content and isError included; a
// multi_content_result an array of blocks; any other type one block, with
// the envelope's structuredContent beside it.
func ToolResult(rv json.RawMessage, useResultSchema bool) (*CallToolResult, error) {
	rv = bytes.TrimSpace(rv)
	if len(rv) == 0 || string(rv) == "null" {
		// McpToolListener answers a null result with no content.
		return &CallToolResult{Content: []Content{}}, nil
	}
	if !useResultSchema {
		text, err := dotnetToString(rv)
		if err != nil {
			return nil, fmt.Errorf("%w: ReturnValue: %v", ErrInvocationFailed, err)
		}
		return &CallToolResult{Content: []Content{TextContent(text)}}, nil
	}
	var envelope string
	if json.Unmarshal(rv, &envelope) != nil {
		return nil, fmt.Errorf("%w: with useResultSchema the ReturnValue must be a JSON string (Expected JSON string.)", ErrInvocationFailed)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(envelope), &fields); err != nil {
		return nil, fmt.Errorf("%w: ReturnValue is not an McpToolResult: %v", ErrInvocationFailed, err)
	}
	typ, ok := optionalString(fields, "type")
	if !ok || typ == nil {
		return nil, fmt.Errorf("%w: McpToolResult needs a string \"type\"", ErrInvocationFailed)
	}
	content, ok := optionalString(fields, "content")
	if !ok {
		return nil, fmt.Errorf("%w: McpToolResult \"content\" must be a string holding JSON", ErrInvocationFailed)
	}
	structured, ok := optionalString(fields, "structuredContent")
	if !ok {
		return nil, fmt.Errorf("%w: McpToolResult \"structuredContent\" must be a string holding JSON", ErrInvocationFailed)
	}
	if content == nil {
		return nil, fmt.Errorf("%w: McpToolResult has no content", ErrInvocationFailed)
	}

	if strings.EqualFold(*typ, ResultTypeCallToolResult) {
		var res CallToolResult
		if err := json.Unmarshal([]byte(*content), &res); err != nil {
			return nil, fmt.Errorf("%w: call_tool_result content is not a CallToolResult: %v", ErrInvocationFailed, err)
		}
		if err := checkBlocks(res.Content); err != nil {
			return nil, err
		}
		if res.Content == nil {
			res.Content = []Content{}
		}
		if s := bytes.TrimSpace(res.StructuredContent); string(s) == "null" {
			res.StructuredContent = nil
		}
		return &res, nil
	}
	var blocks []Content
	if strings.EqualFold(*typ, ResultTypeMultiContent) {
		if err := json.Unmarshal([]byte(*content), &blocks); err != nil {
			return nil, fmt.Errorf("%w: multi_content_result content is not an array of content blocks: %v", ErrInvocationFailed, err)
		}
	} else {
		var block Content
		if err := json.Unmarshal([]byte(*content), &block); err != nil {
			return nil, fmt.Errorf("%w: %s content is not a content block: %v", ErrInvocationFailed, *typ, err)
		}
		blocks = []Content{block}
	}
	if len(blocks) == 0 {
		return nil, fmt.Errorf("%w: McpToolResult has no content", ErrInvocationFailed)
	}
	if err := checkBlocks(blocks); err != nil {
		return nil, err
	}
	res := &CallToolResult{Content: blocks}
	if structured != nil && *structured != "" {
		s := bytes.TrimSpace([]byte(*structured))
		if !json.Valid(s) || string(s) == "null" {
			return nil, fmt.Errorf("%w: structuredContent is not a JSON value", ErrInvocationFailed)
		}
		res.StructuredContent = s
	}
	return res, nil
}

// optionalString reads a string-or-null member, matched case-insensitively
// as the extension's serializer options do. ok is false when it is present
// but neither.
func optionalString(fields map[string]json.RawMessage, name string) (value *string, ok bool) {
	raw, found := LookupFold(fields, name)
	if !found || string(bytes.TrimSpace(raw)) == "null" {
		return nil, true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return nil, false
	}
	return &s, true
}

// contentTypes are the content blocks the C# MCP SDK the extension uses
// can read (ContentBlock's converter, csharp-sdk @v0.4.0-preview.3).
var contentTypes = map[string]bool{"text": true, "image": true, "audio": true, "resource": true, "resource_link": true}

func checkBlocks(blocks []Content) error {
	for i, b := range blocks {
		if !contentTypes[b.Type] {
			return fmt.Errorf("%w: unknown content block type %q", ErrInvocationFailed, b.Type)
		}
		if b.Type == "resource_link" {
			link, err := resourceLink(b.Raw)
			if err != nil {
				return err
			}
			blocks[i] = link
		}
		if b.Type == "text" && b.Raw != nil {
			var t struct {
				Text *string `json:"text"`
			}
			if json.Unmarshal(b.Raw, &t) != nil || t.Text == nil {
				return fmt.Errorf("%w: a text block needs a string \"text\"", ErrInvocationFailed)
			}
		}
	}
	return nil
}

// resourceLink reads a resource_link block as the C# SDK does
// (ContentBlock.Converter.Read and ResourceLinkBlock, ContentBlock.cs
// @v0.4.0-preview.3): uri and name are required (it throws without
// them, failing the call), description, mimeType, size and annotations
// are kept, and everything else (title, _meta) is dropped, since its
// ResourceLinkBlock has no place for them. The block is written back as
// its writer writes it.
func resourceLink(raw json.RawMessage) (Content, error) {
	var l struct {
		URI         *string         `json:"uri"`
		Name        *string         `json:"name"`
		Description *string         `json:"description"`
		MimeType    *string         `json:"mimeType"`
		Size        *int64          `json:"size"`
		Annotations json.RawMessage `json:"annotations"`
	}
	if err := json.Unmarshal(raw, &l); err != nil {
		return Content{}, fmt.Errorf("%w: a resource_link block: %v", ErrInvocationFailed, err)
	}
	if l.URI == nil || l.Name == nil {
		return Content{}, fmt.Errorf("%w: a resource_link block needs a uri and a name", ErrInvocationFailed)
	}
	out := []byte(`{"type":"resource_link","uri":`)
	out = appendString(out, *l.URI)
	out = append(out, `,"name":`...)
	out = appendString(out, *l.Name)
	if l.Description != nil {
		out = append(out, `,"description":`...)
		out = appendString(out, *l.Description)
	}
	if l.MimeType != nil {
		out = append(out, `,"mimeType":`...)
		out = appendString(out, *l.MimeType)
	}
	if l.Size != nil {
		out = append(out, `,"size":`...)
		out = strconv.AppendInt(out, *l.Size, 10)
	}
	if a := bytes.TrimSpace(l.Annotations); len(a) > 0 && string(a) != "null" {
		out = append(out, `,"annotations":`...)
		out = append(out, a...)
	}
	return Content{Type: "resource_link", Raw: append(out, '}')}, nil
}

// appendString appends s as a JSON string, as the C# SDK leaves it
// readable (no HTML escaping).
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	return append(rawjson.AppendEscaped(dst, s, 1), '"')
}

// dotnetToString is value.ToString() of a ReturnValue as Newtonsoft reads
// it: strings as they are, objects and arrays as indented JSON, booleans
// as .NET prints them, numbers as their text.
func dotnetToString(rv json.RawMessage) (string, error) {
	switch rv[0] {
	case '"':
		var s string
		err := json.Unmarshal(rv, &s)
		return s, err
	case '{', '[':
		var buf bytes.Buffer
		if err := json.Indent(&buf, rv, "", "  "); err != nil {
			return "", err
		}
		return buf.String(), nil
	case 't':
		return "True", nil
	case 'f':
		return "False", nil
	}
	if !json.Valid(rv) {
		return "", fmt.Errorf("not JSON")
	}
	return string(rv), nil
}

// ReadResourceResult is the MCP result of a resources/read.
type ReadResourceResult struct {
	Contents []ResourceContents `json:"contents"`
}

// ResourceContents is one text or blob contents of a resource. The C#
// SDK always writes mimeType, as null when unset
// (Protocol/ResourceContents.cs @v0.4.0-preview.3).
type ResourceContents struct {
	URI      string          `json:"uri"`
	MimeType *string         `json:"mimeType"`
	Text     *string         `json:"text,omitempty"`
	Blob     *string         `json:"blob,omitempty"`
	Meta     json.RawMessage `json:"_meta,omitempty"`
}

// ResourceReturn is a resource function's ReturnValue for contents: the
// extension's McpResourceResult {"content":"<ResourceContents JSON>"},
// which it reads before anything else. Returning the envelope always keeps
// a text that happens to be such JSON from being read as one.
func ResourceReturn(c ResourceContents) (string, error) {
	b := newBodyWriter(nil)
	b.resource(&c, 0)
	return string(b.buf), nil
}

// ResourceResult maps a resource function's ReturnValue to the MCP
// result, as the extension's ResourceReturnValueBinder does
// (Trigger/ResourceReturnValueBinder.cs @cd0d1e8c): null is no contents;
// a string holding {"content":"<ResourceContents JSON>"} is those
// contents, their uri and mimeType filled in from the requested URI and
// the trigger's mimeType when empty; any other string is text contents
// with them. Anything but a string or null fails the read.
func ResourceResult(rv json.RawMessage, uri, mimeType string) (*ReadResourceResult, error) {
	rv = bytes.TrimSpace(rv)
	if len(rv) == 0 || string(rv) == "null" {
		return &ReadResourceResult{Contents: []ResourceContents{}}, nil
	}
	var text string
	if json.Unmarshal(rv, &text) != nil {
		return nil, fmt.Errorf("%w: a resource's ReturnValue must be a string (Unsupported return type for resource read)", ErrInvocationFailed)
	}
	mime := func() *string {
		if mimeType == "" {
			return nil
		}
		return &mimeType
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal([]byte(text), &fields) == nil {
		if content, ok := optionalString(fields, "content"); ok && content != nil {
			var c ResourceContents
			if json.Unmarshal([]byte(*content), &c) == nil {
				if c.Text == nil && c.Blob == nil {
					return nil, fmt.Errorf("%w: resource contents have neither text nor blob", ErrInvocationFailed)
				}
				if c.URI == "" {
					c.URI = uri
				}
				if c.MimeType == nil || *c.MimeType == "" {
					c.MimeType = mime()
				}
				return &ReadResourceResult{Contents: []ResourceContents{c}}, nil
			}
		}
	}
	return &ReadResourceResult{Contents: []ResourceContents{{URI: uri, MimeType: mime(), Text: &text}}}, nil
}

// GetPromptResult is the MCP result of a prompts/get.
type GetPromptResult struct {
	Description *string         `json:"description,omitempty"`
	Messages    []PromptMessage `json:"messages"`
}

// PromptMessage is one message of a prompt.
type PromptMessage struct {
	Role    string  `json:"role"`
	Content Content `json:"content"`
}

// PromptResult maps a prompt function's ReturnValue to the MCP result as
// extension 1.4.0-1.5.0 does, the version the bundles this app asks for
// carry (Trigger/PromptReturnValueBinder.cs @eacb23d): null is no
// messages; a string that is GetPromptResult JSON with messages or a
// description is that result; any other string is one user message of
// text. Anything but a string or null fails. Plain text that is not a JSON
// object reads the same on 1.6.0, which takes every value as text when
// useResultSchema is off.
func PromptResult(rv json.RawMessage) (*GetPromptResult, error) {
	rv = bytes.TrimSpace(rv)
	if len(rv) == 0 || string(rv) == "null" {
		return &GetPromptResult{Messages: []PromptMessage{}}, nil
	}
	var text string
	if json.Unmarshal(rv, &text) != nil {
		return nil, fmt.Errorf("%w: a prompt's ReturnValue must be a string", ErrInvocationFailed)
	}
	var r GetPromptResult
	if json.Unmarshal([]byte(text), &r) == nil && (len(r.Messages) > 0 || r.Description != nil) {
		if r.Messages == nil {
			r.Messages = []PromptMessage{}
		}
		return &r, nil
	}
	return &GetPromptResult{Messages: []PromptMessage{{Role: "user", Content: TextContent(text)}}}, nil
}
