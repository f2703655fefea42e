package snippet

import (
	"context"
	_ "embed"

	"remote-mcp-functions-go/mcpfunc"
)

// BrowserURI is the snippet browser's URI: the view listsnippets links.
const BrowserURI = "ui://snippets/browser"

// browserHTML is the view: one hand-written page, script and style inline,
// as a client's sandbox allows nothing from the network (MCP Apps'
// default CSP, connect-src 'none'). It lists the snippets with
// listsnippets and shows one with getsnippet, both called through the
// client (tools/call over the MCP Apps bridge), and renders the
// listsnippets result the client hands it.
//
//go:embed browser.html
var browserHTML string

// browserLink is listsnippets' _meta: MCP Apps' current key,
// _meta.ui.resourceUri, alone. The flat "ui/resourceUri" is deprecated
// and "will be removed before GA" (modelcontextprotocol/ext-apps
// specification/2026-01-26/apps.mdx @1f84764, "Resource Discovery"), and
// the Azure Functions MCP App samples write only ui.resourceUri
// (Azure-Samples/remote-mcp-functions-python @dcf6233
// src/McpWeatherApp/function_app.py).
var browserLink = map[string]any{"ui": map[string]any{"resourceUri": BrowserURI}}

// Browser is the snippet browser, an MCP App view: a resource with a fixed
// ui:// URI and the MCP Apps mime type, which clients read when they show
// a listsnippets result.
func (s Service) Browser() *mcpfunc.Resource {
	return &mcpfunc.Resource{
		Name:         "snippetbrowser",
		URI:          BrowserURI,
		ResourceName: "snippet_browser",
		Title:        "Snippet browser",
		Description:  "Browse the saved snippets: click one to read it.",
		MimeType:     mcpfunc.AppMimeType,
		// A border and background from the client: the spec recommends
		// saying so, as clients' defaults differ.
		Meta: map[string]any{"ui": map[string]any{"prefersBorder": true}},
		Read: func(context.Context, *mcpfunc.Call, mcpfunc.ResourceRead) (string, error) {
			return browserHTML, nil
		},
	}
}
