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
// payload is therefore not from the host, and is refused as it is read,
// before any value is decoded. The MCP servers' fronts refuse a deeper
// message with it too (rpcmsg.Peek).
const MaxDepth = 64

// ErrTooDeep reports JSON that nests deeper than [MaxDepth].
var ErrTooDeep = fmt.Errorf("JSON nested deeper than %d levels", MaxDepth)
