package funcapp

import (
	"bytes"
	"encoding/json"

	"remote-mcp-functions-go/mcpfunc/internal/rawjson"
)

// ListedInputSchema is the tool's inputSchema as the MCP extension lists
// it in tools/list: with useWorkerInputSchema, the trigger's inputSchema as
// it is (JsonSchemaToolInputSchema); otherwise built from toolProperties
// (PropertyBasedToolInputSchema, Azure/azure-functions-mcp-extension
// src/Microsoft.Azure.Functions.Extensions.Mcp/ToolInputSchema @cd0d1e8c):
//
//	{"type":"object","properties":{"<name>":{"type":…,"description":…}},"required":[…]}
//
// Properties keep their declared order; "required" is always present, empty
// when nothing is required. An isArray property becomes
// {"type":"array","items":{"type":…},"description":…}, with any enumValues
// on the items; otherwise enumValues become "enum" beside "type".
//
// Both hostings list this: devhost as the extension, and the self-hosted
// server, so that a client sees the same tools either way.
func (b *Binding) ListedInputSchema() json.RawMessage {
	if b.UseWorkerInputSchema && b.InputSchemaJSON != nil {
		return b.InputSchemaJSON
	}
	var buf bytes.Buffer
	buf.WriteString(`{"type":"object","properties":{`)
	for i, p := range b.Properties {
		if i > 0 {
			buf.WriteByte(',')
		}
		writeJSON(&buf, p.Name)
		buf.WriteString(`:{`)
		if p.IsArray {
			buf.WriteString(`"type":"array","items":{`)
			writeTypeAndEnum(&buf, p)
			buf.WriteString(`}`)
		} else {
			writeTypeAndEnum(&buf, p)
		}
		buf.WriteString(`,"description":`)
		writeJSON(&buf, p.Description)
		buf.WriteByte('}')
	}
	buf.WriteString(`},"required":`)
	required := b.Required()
	if required == nil {
		required = []string{}
	}
	writeJSON(&buf, required)
	buf.WriteByte('}')
	return buf.Bytes()
}

func writeTypeAndEnum(b *bytes.Buffer, p ToolProperty) {
	b.WriteString(`"type":`)
	writeJSON(b, p.Type)
	if len(p.EnumValues) > 0 {
		b.WriteString(`,"enum":`)
		writeJSON(b, p.EnumValues)
	}
}

// writeJSON writes v, which always encodes (strings and string slices),
// without HTML escaping, as the extension's serializer does.
func writeJSON(b *bytes.Buffer, v any) {
	data, _ := rawjson.Marshal(v)
	b.Write(data)
}
