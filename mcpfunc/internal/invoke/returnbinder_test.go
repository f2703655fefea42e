package invoke

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// LinkContent writes a link as the C# SDK writes a ResourceLinkBlock:
// type, uri, name, then description and mimeType only when set.
func TestLinkContent(t *testing.T) {
	c := LinkContent("item://a<b>", "a<b>", "", "text/plain")
	assert.Equal(t, "resource_link", c.Type)
	assert.Equal(t, `{"type":"resource_link","uri":"item://a<b>","name":"a<b>","mimeType":"text/plain"}`, string(c.Raw))
	c = LinkContent("item://x", "x", "An item.", "")
	assert.Equal(t, `{"type":"resource_link","uri":"item://x","name":"x","description":"An item."}`, string(c.Raw))
}

func TestToolResult(t *testing.T) {
	rich, err := RichReturn(CallToolResult{Content: []Content{TextContent("not found")}, IsError: true, StructuredContent: json.RawMessage(`{"n":1}`)})
	require.NoError(t, err)
	richRV, _ := json.Marshal(rich)
	envelope := func(fields string) string { b, _ := json.Marshal(fields); return string(b) }
	tests := []struct {
		name   string
		rv     string
		schema bool
		want   string
		fails  bool
	}{
		{name: "plain text", rv: `"Hello"`, want: `{"content":[{"type":"text","text":"Hello"}]}`},
		{name: "null is an empty result", rv: `null`, want: `{"content":[]}`},
		{name: "object becomes indented text", rv: `{"a":1}`, want: `{"content":[{"type":"text","text":"{\n  \"a\": 1\n}"}]}`},
		{name: "bool as .NET prints it", rv: `true`, want: `{"content":[{"type":"text","text":"True"}]}`},
		{name: "call_tool_result keeps isError and structured content", rv: string(richRV), schema: true, want: `{"content":[{"type":"text","text":"not found"}],"isError":true,"structuredContent":{"n":1}}`},
		{name: "type and names match case-insensitively", rv: envelope(`{"Type":"CALL_TOOL_RESULT","Content":"{\"content\":[]}"}`), schema: true, want: `{"content":[]}`},
		{name: "single block with structured content beside it", rv: envelope(`{"type":"text","content":"{\"type\":\"text\",\"text\":\"hi\"}","structuredContent":"{\"a\":[1]}"}`), schema: true, want: `{"content":[{"type":"text","text":"hi"}],"structuredContent":{"a":[1]}}`},
		{name: "multi content", rv: envelope(`{"type":"multi_content_result","content":"[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"image\",\"data\":\"AA==\",\"mimeType\":\"image/png\"}]"}`), schema: true, want: `{"content":[{"type":"text","text":"a"},{"type":"image","data":"AA==","mimeType":"image/png"}]}`},
		{name: "content must be a string, not an object", rv: envelope(`{"type":"text","content":{"type":"text","text":"hi"}}`), schema: true, fails: true},
		{name: "unknown block type", rv: envelope(`{"type":"x","content":"{\"type\":\"video\"}"}`), schema: true, fails: true},
		{name: "structured content null", rv: envelope(`{"type":"text","content":"{\"type\":\"text\",\"text\":\"hi\"}","structuredContent":"null"}`), schema: true, fails: true},
		{name: "null under useResultSchema is an empty result", rv: `null`, schema: true, want: `{"content":[]}`},
		{name: "text result type", rv: `"{\"type\":\"text\",\"content\":\"{\\\"type\\\":\\\"text\\\",\\\"text\\\":\\\"hi\\\"}\"}"`, schema: true, want: `{"content":[{"type":"text","text":"hi"}]}`},
		{name: "useResultSchema needs a string", rv: `{"type":"text"}`, schema: true, fails: true},
		{name: "useResultSchema needs a type", rv: `"{\"content\":\"{}\"}"`, schema: true, fails: true},
		{name: "plain text under useResultSchema fails", rv: `"Hello"`, schema: true, fails: true},
		// resource_link as the C# SDK reads it (ContentBlock.cs
		// @v0.4.0-preview.3): title and _meta have no place in its
		// ResourceLinkBlock; uri and name are required.
		{name: "resource link keeps what the C# SDK keeps", rv: envelope(`{"type":"call_tool_result","content":"{\"content\":[{\"type\":\"resource_link\",\"uri\":\"item://a\",\"name\":\"a\",\"title\":\"A\",\"description\":\"d\",\"mimeType\":\"text/plain\",\"size\":3,\"_meta\":{\"x\":1},\"annotations\":{\"priority\":0.5}}]}"}`), schema: true,
			want: `{"content":[{"type":"resource_link","uri":"item://a","name":"a","description":"d","mimeType":"text/plain","size":3,"annotations":{"priority":0.5}}]}`},
		{name: "resource link without a name fails", rv: envelope(`{"type":"multi_content_result","content":"[{\"type\":\"resource_link\",\"uri\":\"item://a\"}]"}`), schema: true, fails: true},
		{name: "resource link without a uri fails", rv: envelope(`{"type":"resource_link","content":"{\"type\":\"resource_link\",\"name\":\"a\"}"}`), schema: true, fails: true},
		{name: "empty multi content fails", rv: `"{\"type\":\"multi_content_result\",\"content\":\"[]\"}"`, schema: true, fails: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ToolResult(json.RawMessage(tt.rv), tt.schema)
			if tt.fails {
				require.ErrorIs(t, err, ErrInvocationFailed)
				return
			}
			require.NoError(t, err)
			b, err := json.Marshal(got)
			require.NoError(t, err)
			assert.JSONEq(t, tt.want, string(b))
		})
	}
}
