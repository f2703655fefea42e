// Package mcpext holds what the Functions host's MCP extension does with a
// call before any function runs, so that both hostings do it alike:
// devhost, which plays the extension, and the self-hosted server, which
// answers for itself but keeps the extension's answers to bad input.
//
//   - Arguments: tools/call arguments must be a JSON object, or absent.
//   - Missing, Prepare: a required argument absent or null is refused
//     before anything else, with JSON-RPC -32602 and the extension's message
//     (Azure/azure-functions-mcp-extension ToolInputSchema/ToolInputSchema.cs
//     and, for prompts, Trigger/McpPromptListener.cs @cd0d1e8c, where
//     JsonElement.IsNullOrUndefined counts null as missing; prompts from
//     extension 1.5.0).
//   - NullPromptArguments: go-sdk reads prompts/get arguments as strings,
//     so null would arrive as ""; a front reads the message before go-sdk
//     decodes it (rpcmsg.Peek), and a null argument is left out, as the
//     extension counts it.
//   - UnknownTool: a call to a tool the app does not declare is -32602
//     "Unknown tool: '<name>'", not go-sdk's own wording; Unknown is that
//     error for a tool, a prompt or a resource.
//   - ToolFailed, ErrFailed: what a client is told of a function that
//     failed, a tool's and a resource's or prompt's.
//   - Capabilities: what initialize advertises.
package mcpext

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/mcpfunc/internal/invoke"
	"remote-mcp-functions-go/mcpfunc/internal/rawjson"
	"remote-mcp-functions-go/mcpfunc/internal/rpcmsg"
)

// Arguments checks tools/call arguments: nil when the client sent none,
// -32602 when they are not a JSON object; else the object as sent. raw is
// JSON: go-sdk decoded the message it came in, or a front read it
// (rpcmsg.Peek).
func Arguments(raw json.RawMessage) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if rawjson.Kind(raw, 0) != '{' {
		return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: "arguments must be a JSON object"}
	}
	return raw, nil
}

// Prepare reads a call's arguments (a JSON object, or nil) once, for what
// is done with them before its function runs: missing lists the required
// ones that are absent or null, in the order declared; paths is the text
// the host substitutes for {mcptoolargs.<name>} (or mcppromptargs) of
// each argument pathArgs names and the call has (invoke.ElementString), so
// that only those are decoded; nil when args is. A name sent twice counts
// as its last value, as the extension's dictionary keeps it.
func Prepare(args json.RawMessage, required, pathArgs []string) (missing []string, paths map[string]string) {
	present := make(map[string]bool, len(required))
	if rawjson.Kind(args, 0) == '{' {
		paths = make(map[string]string, len(pathArgs))
		_, _ = rawjson.Object(args, 0, func(name []byte, at int) (int, error) {
			end, err := rawjson.Skip(args, at, invoke.MaxDepth)
			if slices.Contains(required, string(name)) {
				present[string(name)] = rawjson.Kind(args, at) != 'n'
			}
			if err == nil && slices.Contains(pathArgs, string(name)) {
				paths[string(name)] = invoke.ElementString(args[at:end])
			}
			return end, err
		})
	}
	for _, name := range required {
		if !present[name] {
			missing = append(missing, name)
		}
	}
	return missing, paths
}

// Missing lists the required arguments that are absent or null in args (a
// JSON object, or nil), in the order declared; see Prepare.
func Missing(required []string, args json.RawMessage) []string {
	missing, _ := Prepare(args, required, nil)
	return missing
}

// PromptArguments is a prompts/get's arguments, which go-sdk hands over as
// strings, as the JSON object the client sent: nil when it sent none.
func PromptArguments(given map[string]string) json.RawMessage {
	if given == nil {
		return nil
	}
	b, _ := json.Marshal(given) // strings always encode
	return b
}

// NullPromptArguments returns body, the JSON-RPC message or batch ms was
// read from, with every null argument of a prompts/get left out, so that
// go-sdk, which reads them as strings, does not make them "": the
// extension counts null as missing. changed says whether anything was.
func NullPromptArguments(body []byte, ms rpcmsg.Messages) (_ []byte, changed bool) {
	out := ms.SetArguments(body, func(m *rpcmsg.Message) ([]byte, bool) {
		if m.Method != "prompts/get" {
			return nil, false
		}
		args, ok := withoutNulls(m.Arguments)
		changed = changed || ok
		return args, ok
	})
	return out, changed
}

// withoutNulls returns args, when it is a JSON object with a null member,
// without the names whose value is null: a name's last value, as go-sdk
// and the extension keep it. ok is false when there is nothing to leave
// out.
func withoutNulls(args []byte) (_ []byte, ok bool) {
	if rawjson.Kind(args, 0) != '{' {
		return nil, false
	}
	type member struct {
		name  string
		value []byte
	}
	var members []member
	_, err := rawjson.Object(args, 0, func(name []byte, at int) (int, error) {
		end, err := rawjson.Skip(args, at, invoke.MaxDepth)
		if i := slices.IndexFunc(members, func(m member) bool { return m.name == string(name) }); i >= 0 {
			members[i].value = args[at:end]
		} else {
			members = append(members, member{string(name), args[at:end]})
		}
		return end, err
	})
	null := func(m member) bool { return rawjson.Kind(m.value, 0) == 'n' }
	if err != nil || !slices.ContainsFunc(members, null) {
		return nil, false
	}
	out := []byte{'{'}
	for _, m := range slices.DeleteFunc(members, null) {
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(rawjson.AppendEscaped(append(out, '"'), m.name, 1), '"', ':')
		out = append(out, m.value...)
	}
	return append(out, '}'), true
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

// ToolFailed is the text of the isError result a client gets for a tool
// call that failed for any reason the extension does not pass on: the
// function failed (the handler's non-2xx, a body that is not JSON, a
// binding error), and the C# SDK's call-tool pipeline answers every
// exception that is not an McpProtocolException so
// (Azure/azure-functions-mcp-extension Trigger/McpToolListener.cs
// @cd0d1e8c; modelcontextprotocol/csharp-sdk
// src/ModelContextProtocol.Core/Server/McpServerImpl.cs ConfigureTools
// @2da92991).
func ToolFailed(tool string) string { return fmt.Sprintf("An error occurred invoking '%s'.", tool) }

// ErrFailed is the extension's answer to any failure of a resources/read
// or prompts/get: the C# SDK's session handler turns an exception that is
// not an McpProtocolException into -32603 "An error occurred."
// (modelcontextprotocol/csharp-sdk
// src/ModelContextProtocol.Core/McpSessionHandler.cs @v0.4.0-preview.3).
var ErrFailed = &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: "An error occurred."}

// Unknown is the extension's error for a tools/call, prompts/get or
// resources/read of a name or URI the app does not have: kind is "tool",
// "prompt" or "resource" (McpProtocolException, InvalidParams:
// "Unknown tool: '<name>'", and so on).
func Unknown(kind, name string) error {
	return &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: fmt.Sprintf("Unknown %s: '%s'", kind, name)}
}

// UnknownTool answers a call to a tool not in known as the extension does
// (McpProtocolException, InvalidParams).
func UnknownTool(known map[string]bool) mcp.Middleware {
	return func(next mcp.MethodHandler) mcp.MethodHandler {
		return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
			if method == "tools/call" {
				if r, ok := req.(*mcp.CallToolRequest); ok && r.Params != nil && !known[r.Params.Name] {
					return nil, Unknown("tool", r.Params.Name)
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
