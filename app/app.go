// Package app is this function app's MCP server: its name, the settings it
// reads and the tools, resources and prompts it serves. It is yours: add a
// tool in a file of its own and one line in New, then run make generate.
// The sample is app/snippet: to start clean, delete it and every line of this file that names snippet, then run make generate.
package app

import (
	"remote-mcp-functions-go/app/snippet"
	"remote-mcp-functions-go/mcpfunc"
)

//go:generate go run ../handler -generate -root ..

// New makes the app when the handler starts (mcpfunc.Start), with the app
// settings in its environment. An error stops the handler with its
// message.
func New() (app *mcpfunc.App, err error) {
	snippets, err := snippet.FromEnv() // the sample's settings: SNIPPET_MAX_BYTES
	app = &mcpfunc.App{
		Name:    "Go MCP server on Azure Functions",
		Version: "1.0.0",
		Tools: []*mcpfunc.Tool{
			Hello,
			snippets.Get(), snippets.Save(), snippets.List(), snippets.Delete(),
		},
		Resources:       []*mcpfunc.Resource{snippets.Resource(), snippets.Browser()},
		Prompts:         []*mcpfunc.Prompt{snippets.Review()},
		Instructions:    snippet.Instructions,
		MaxContentBytes: snippets.MaxBytes,
	}
	return app, err
}
