package funcapp

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"remote-mcp-functions-go/mcpfunc/internal/rawjson"
)

// MaxMetadataDepth is how deep a trigger's metadata may nest, the root
// object counting as one: the extension parses it with JsonDocumentOptions
// MaxDepth = 32 and throws past it, so the function never starts
// (Azure/azure-functions-mcp-extension
// src/Microsoft.Azure.Functions.Extensions.Mcp/MetadataParser.cs 23-56
// @cd0d1e8c, the same at tag 1.6.0 2f75676f).
const MaxMetadataDepth = 32

// ParseMetadata reads a trigger's metadata, the JSON text of its metadata
// member, as the extension does before it lists it as the tool's,
// resource's or prompt's _meta (MetadataParser.ParseMetadata, then
// SerializeMetadata in DefaultToolRegistry.cs 45 and
// DefaultResourceRegistry.cs 92 @cd0d1e8c): the root must be an object,
// nested at most MaxMetadataDepth deep; blank text, or an empty object,
// is no _meta at all (nil). The extension's dictionaries compare member
// names case-insensitively and keep one of two that differ only in case,
// so such names are refused here rather than one of them dropped.
func ParseMetadata(text string) (map[string]any, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	if err := rawjson.Valid([]byte(text), MaxMetadataDepth); err != nil {
		return nil, fmt.Errorf("not JSON nested at most %d deep: %v", MaxMetadataDepth, err)
	}
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("the root must be a JSON object")
	}
	if err := distinctNames(v, "metadata"); err != nil {
		return nil, err
	}
	if len(m) == 0 {
		return nil, nil
	}
	return m, nil
}

// distinctNames refuses an object, at any depth, with two member names
// that differ only in case.
func distinctNames(v any, at string) error {
	switch v := v.(type) {
	case map[string]any:
		names := make([]string, 0, len(v))
		for k := range v {
			names = append(names, k)
		}
		sort.Strings(names)
		seen := map[string]string{}
		for _, k := range names {
			if other, dup := seen[strings.ToLower(k)]; dup {
				return fmt.Errorf("%s: members %q and %q differ only in case: the extension keeps one of them", at, other, k)
			}
			seen[strings.ToLower(k)] = k
			if err := distinctNames(v[k], at+"."+k); err != nil {
				return err
			}
		}
	case []any:
		for i, e := range v {
			if err := distinctNames(e, fmt.Sprintf("%s[%d]", at, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// parseMetadata fills b.Meta from b.Metadata, a JSON string holding the
// metadata's JSON text, as every MCP trigger attribute declares it
// (McpToolTriggerAttribute, McpResourceTriggerAttribute,
// McpPromptTriggerAttribute: string? Metadata).
func (b *Binding) parseMetadata(path, at string, probs *problems) {
	if len(b.Metadata) == 0 {
		return
	}
	var text string
	if err := json.Unmarshal(b.Metadata, &text); err != nil {
		probs.add(path, at+".metadata", "must be a JSON string holding a JSON object")
		return
	}
	meta, err := ParseMetadata(text)
	if err != nil {
		probs.add(path, at+".metadata", "%v", err)
		return
	}
	b.Meta = meta
}
