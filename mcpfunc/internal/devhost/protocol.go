package devhost

import (
	"context"
	"fmt"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// The MCP extension serves MCP with the C# MCP SDK (ModelContextProtocol
// 0.4.0-preview.3, pinned in Extensions.Mcp.csproj at
// Azure/azure-functions-mcp-extension@cd0d1e8c); devhost serves it with
// go-sdk. This file holds where the two answer differently and devhost
// answers as the extension does.

// extensionMethods are the requests the extension's MCP server answers: the
// handlers McpServerImpl registers (@2da92991) for the capabilities above.
// ping and initialize are the SDK's own; tools, prompts and resources are
// answered by the extension's handlers.
var extensionMethods = map[string]bool{
	"initialize":               true,
	"ping":                     true,
	"logging/setLevel":         true,
	"tools/list":               true,
	"tools/call":               true,
	"prompts/list":             true,
	"prompts/get":              true,
	"resources/list":           true,
	"resources/templates/list": true,
	"resources/read":           true,
	"resources/subscribe":      true,
	"resources/unsubscribe":    true,
}

// extensionProtocol answers, before go-sdk does, the requests where the
// extension's answer differs from go-sdk's:
//
//   - resources/subscribe and resources/unsubscribe return {} and do
//     nothing, for any URI: the SDK's default handlers (McpServerImpl.
//     ConfigureResources @2da92991), which the extension keeps. No update
//     is ever sent. go-sdk without a SubscribeHandler answers -32601; with
//     one it keeps a subscription per session and URI and advertises
//     subscribe:true once the server has resources, which the extension
//     never does.
//   - a request the extension's server has no handler for (go-sdk serves
//     completion/complete and subscriptions/listen) gets the SDK's
//     -32601 "Method '<method>' is not available." (McpSessionHandler.
//     HandleRequest @2da92991) rather than go-sdk's wording.
//
// Notifications pass through: both SDKs ignore those they do not handle.
func extensionProtocol() mcp.Middleware {
	return func(next mcp.MethodHandler) mcp.MethodHandler {
		return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
			switch {
			case strings.HasPrefix(method, "notifications/"):
			case method == "resources/subscribe" || method == "resources/unsubscribe":
				// ResultBase with no _meta is the JSON object {}.
				return &mcp.ResultBase{}, nil
			case !extensionMethods[method]:
				return nil, methodNotAvailable(method)
			}
			return next(ctx, method, req)
		}
	}
}

// methodNotAvailable is the C# SDK's error for a method it has no handler
// for: -32601 "Method '<method>' is not available.".
//
// A *jsonrpc.Error with code -32601 would not do: go-sdk's JSON-RPC layer
// replaces the message of every error that matches its method-not-found
// error by code (errors.Is) with its own `method not found: "<method>"`. So
// this error is no *jsonrpc.Error and matches none (it has no Is or
// Unwrap), while errors.As still finds the code in it, which is all the
// layer reads when it writes the response: the code, then Error() as the
// message.
type methodNotAvailable string

func (m methodNotAvailable) Error() string {
	return fmt.Sprintf("Method '%s' is not available.", string(m))
}

// As gives the error's code to whoever looks for a *jsonrpc.Error.
func (m methodNotAvailable) As(target any) bool {
	if p, ok := target.(**jsonrpc.Error); ok {
		*p = &jsonrpc.Error{Code: jsonrpc.CodeMethodNotFound, Message: m.Error()}
		return true
	}
	return false
}
