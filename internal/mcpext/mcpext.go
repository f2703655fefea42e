// Package mcpext holds what the Functions host's MCP extension does with a
// call before any function runs, so that both hostings do it alike:
// devhost, which plays the extension, and the self-hosted server, which
// answers for itself but keeps the extension's answers to bad input.
//
//   - Arguments: tools/call arguments must be a JSON object, or absent.
//   - Missing: a required argument absent or null is refused before
//     anything else, with JSON-RPC -32602 and the extension's message
//     (Azure/azure-functions-mcp-extension McpToolListener and, for
//     prompts, McpPromptListener @cd0d1e8c; prompts from extension 1.5.0).
//   - UnknownTool: a call to a tool the app does not declare is -32602
//     "Unknown tool: '<name>'", not go-sdk's own wording.
//   - Capabilities: what initialize advertises.
package mcpext

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Arguments reads tools/call or prompts/get arguments: nil when the client
// sent none, -32602 when they are not a JSON object.
func Arguments(raw json.RawMessage) (map[string]json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var args map[string]json.RawMessage
	if err := json.Unmarshal(raw, &args); err != nil {
		return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: "arguments must be a JSON object"}
	}
	return args, nil
}

// Missing lists the required arguments that are absent or null, in the
// order declared.
func Missing(required []string, args map[string]json.RawMessage) []string {
	var missing []string
	for _, name := range required {
		v, ok := args[name]
		if !ok || string(bytes.TrimSpace(v)) == "null" {
			missing = append(missing, name)
		}
	}
	return missing
}

// MissingToolArguments is the extension's error for a tools/call without
// them.
func MissingToolArguments(missing []string) error {
	return &jsonrpc.Error{
		Code:    jsonrpc.CodeInvalidParams,
		Message: "One or more required tool properties are missing values. Please provide: " + strings.Join(missing, ", "),
	}
}

// MissingPromptArguments is the extension's error for a prompts/get
// without them.
func MissingPromptArguments(missing []string) error {
	return &jsonrpc.Error{
		Code:    jsonrpc.CodeInvalidParams,
		Message: "One or more required prompt arguments are missing values. Please provide: " + strings.Join(missing, ", "),
	}
}

// UnknownTool answers a call to a tool not in known as the extension does
// (McpProtocolException, InvalidParams).
func UnknownTool(known map[string]bool) mcp.Middleware {
	return func(next mcp.MethodHandler) mcp.MethodHandler {
		return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
			if method == "tools/call" {
				if r, ok := req.(*mcp.CallToolRequest); ok && r.Params != nil && !known[r.Params.Name] {
					return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: fmt.Sprintf("Unknown tool: '%s'", r.Params.Name)}
				}
			}
			return next(ctx, method, req)
		}
	}
}

// Capabilities is what the extension's initialize advertises, and so what
// both hostings advertise:
// {"logging":{},"prompts":{},"resources":{},"tools":{}}, whatever the app
// declares (empty lists answer for what it does not).
//
//   - tools, resources, prompts: the extension's FunctionsMcpServerOptionsSetup
//     (Configuration/FunctionsMcpServerOptionsSetup.cs @cd0d1e8c) sets all
//     three to empty objects. No listChanged: the extension lists through
//     handlers, not the SDK's own collections, so the SDK leaves it unset.
//   - logging: the C# SDK sets it on every server and answers
//     logging/setLevel with {} (McpServerImpl.ConfigureLogging,
//     modelcontextprotocol/csharp-sdk@2da92991 = v0.4.0-preview.3).
//     go-sdk answers logging/setLevel with {} itself.
//   - no subscribe in resources: the SDK answers resources/subscribe but
//     sets Subscribe only when the options ask for it
//     (McpServerImpl.ConfigureResources @2da92991); devhost answers
//     resources/subscribe and unsubscribe with {} as it does.
//   - no completions: the extension registers no completion handler.
//
// The capabilities are set in full here, so go-sdk infers none of its own
// (it would add listChanged:true, and subscribe:true next to a
// SubscribeHandler). The stateless self hosting could send no list-change
// notifications anyway: it has no stream to send them on.
func Capabilities() *mcp.ServerCapabilities {
	return &mcp.ServerCapabilities{
		// go-sdk marks logging deprecated for protocol 2026-07-28 only;
		// the extension negotiates 2025-06-18 at the newest, and older
		// clients use it.
		//lint:ignore SA1019 the extension advertises logging
		Logging:   &mcp.LoggingCapabilities{},
		Prompts:   &mcp.PromptCapabilities{},
		Resources: &mcp.ResourceCapabilities{},
		Tools:     &mcp.ToolCapabilities{},
	}
}
