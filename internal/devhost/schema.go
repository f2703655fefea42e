package devhost

import (
	"bytes"
	"encoding/json"

	"remote-mcp-functions-go/internal/funcapp"
)

// InputSchema is the tool's inputSchema as the MCP extension lists it: with
// useWorkerInputSchema, the trigger's inputSchema as it is
// (JsonSchemaToolInputSchema); otherwise built from toolProperties
// (PropertyBasedToolInputSchema, Azure/azure-functions-mcp-extension
// src/Microsoft.Azure.Functions.Extensions.Mcp/ToolInputSchema @cd0d1e8c):
//
//	{"type":"object","properties":{"<name>":{"type":…,"description":…}},"required":[…]}
//
// Properties keep their declared order; "required" is always present, empty
// when nothing is required. An isArray property becomes
// {"type":"array","items":{"type":…},"description":…}, with any enumValues
// on the items; otherwise enumValues become "enum" beside "type".
func InputSchema(t *funcapp.Binding) json.RawMessage {
	if t.UseWorkerInputSchema && t.InputSchemaJSON != nil {
		return t.InputSchemaJSON
	}
	var b bytes.Buffer
	b.WriteString(`{"type":"object","properties":{`)
	for i, p := range t.Properties {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSON(&b, p.Name)
		b.WriteString(`:{`)
		if p.IsArray {
			b.WriteString(`"type":"array","items":{`)
			writeTypeAndEnum(&b, p)
			b.WriteString(`}`)
		} else {
			writeTypeAndEnum(&b, p)
		}
		b.WriteString(`,"description":`)
		writeJSON(&b, p.Description)
		b.WriteByte('}')
	}
	b.WriteString(`},"required":`)
	required := t.Required()
	if required == nil {
		required = []string{}
	}
	writeJSON(&b, required)
	b.WriteByte('}')
	return b.Bytes()
}

func writeTypeAndEnum(b *bytes.Buffer, p funcapp.ToolProperty) {
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
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	b.Truncate(b.Len() - 1) // Encode's newline
}
