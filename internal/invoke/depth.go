package invoke

import "fmt"

// MaxDepth is how deeply the JSON the handler reads may nest: objects and
// arrays, the outermost one counting as 1.
//
// The Functions host cannot send deeper values than this: the MCP
// extension reads the client's JSON-RPC message with System.Text.Json,
// whose default limit is 64 levels (JsonSerializerOptions.MaxDepth 0
// means 64; the C# MCP SDK's McpJsonUtilities.DefaultOptions keep it:
// modelcontextprotocol/csharp-sdk
// src/ModelContextProtocol.Core/McpJsonUtilities.cs @v0.4.0-preview.3), and
// a tool argument sits at the same depth in the message as in the
// invocation payload (params.arguments, Metadata.arguments). A deeper
// payload is therefore not from the host, and is refused before any
// decoding work is spent on it.
const MaxDepth = 64

// ErrTooDeep reports JSON that nests deeper than [MaxDepth].
var ErrTooDeep = fmt.Errorf("JSON nested deeper than %d levels", MaxDepth)

// CheckDepth reports [ErrTooDeep] when data nests deeper than [MaxDepth],
// the host's own limit: a local host uses it on the client's JSON-RPC
// message, as the host's JSON reader would.
func CheckDepth(data []byte) error { return checkDepth(data, MaxDepth) }

// checkDepth reports [ErrTooDeep] when data nests objects and arrays
// deeper than limit. It is one pass over the bytes that skips string
// contents, so its cost does not depend on the nesting; it does not
// validate: the decoder that runs after it does.
func checkDepth(data []byte, limit int) error {
	depth := 0
	inString, escaped := false, false
	for _, c := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			if depth > limit {
				return ErrTooDeep
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return nil
}
