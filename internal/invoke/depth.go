package invoke

import (
	"bytes"
	"fmt"
)

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
// deeper than limit. It is one pass over the bytes that jumps over string
// contents (most of a payload: the trigger value is one long string), so
// its cost does not depend on the nesting; it does not validate: the
// decoder that runs after it does.
func checkDepth(data []byte, limit int) error {
	depth := 0
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '"':
			// The string ends at the next quote not escaped by an odd
			// run of backslashes.
			for {
				j := bytes.IndexByte(data[i+1:], '"')
				if j < 0 {
					return nil // unterminated: the decoder will say so
				}
				i += 1 + j
				backslashes := 0
				for k := i - 1; k >= 0 && data[k] == '\\'; k-- {
					backslashes++
				}
				if backslashes%2 == 0 {
					break
				}
			}
		case '{', '[':
			depth++
			if depth > limit {
				return ErrTooDeep
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}
