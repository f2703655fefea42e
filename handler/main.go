// Command handler is the function app's custom handler: the app (package
// app) served by the library (package mcpfunc), in the hosting the app
// setting MCP_HOSTING names. See mcpfunc.Start for its flags.
package main

import (
	"remote-mcp-functions-go/app"
	"remote-mcp-functions-go/mcpfunc"
)

func main() { mcpfunc.Start(app.New) }
