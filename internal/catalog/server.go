package catalog

import "remote-mcp-functions-go/internal/mcpfunc"

// Server is how the app presents itself to MCP clients. With the MCP
// extension (trigger hosting) the host reads it from host.json's
// extensions.mcp; self-hosted, the handler's own MCP server presents it. A
// test keeps host.json equal to it.
var Server = mcpfunc.ServerInfo{
	Name:         "Go snippets MCP server",
	Version:      "1.0.0",
	Instructions: "Save code snippets by name with savesnippet and read them back with getsnippet. Snippet names are 1-128 characters of letters, digits, '.', '_' and '-', not starting with '.'.",
}
