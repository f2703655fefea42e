package mcpfunc

import (
	"context"

	"remote-mcp-functions-go/mcpfunc/internal/decl"
)

// Prompt is one MCP prompt: one function of the function app (extension
// 1.4.0).
type Prompt struct {
	// Name is the prompt's name, the function's folder and the route.
	Name string
	// Title and Description are what clients show.
	Title, Description string
	// Blobs are read before the call; a path names an argument as
	// {mcppromptargs.<name>}, which must be a required argument.
	Blobs []Blob
	// Handler is the prompt's function: see [TypedPrompt].
	Handler PromptHandler
	// Complete, if set, suggests values for the argument arg that start
	// with prefix, as [Resource.Complete] does for a parameter.
	Complete func(ctx context.Context, call *Call, arg, prefix string) ([]string, error)
	// Probe, when set, checks the prompt on a running server (see
	// [ProbeClient]). Without one a prompt with no required arguments is
	// got once.
	Probe func(ctx context.Context, c *ProbeClient) error
}

// PromptHandler is a prompt's function with its arguments' type. Make one
// with [TypedPrompt].
type PromptHandler struct{ h decl.PromptHandler }

// TypedPrompt makes a PromptHandler of fn. In is a struct of string fields,
// the prompt's arguments (MCP prompt arguments are strings): json tags
// name them, jsonschema tags describe them, and a field without omitempty
// is required (a call without it, or with it null, is refused before fn
// runs). The text fn returns is the prompt: one user message. With the MCP
// extension an error of any kind reaches the client as JSON-RPC error
// -32603 "An error occurred."; the self hosting answers an *Error with its
// message.
func TypedPrompt[In any](fn func(ctx context.Context, call *Call, in In) (string, error)) PromptHandler {
	return PromptHandler{h: decl.TypedPrompt(func(ctx context.Context, c *decl.Call, in In) (string, error) {
		text, err := fn(ctx, &Call{c: c}, in)
		return text, toDecl(err)
	})}
}

func (p *Prompt) decl() *decl.Prompt {
	return &decl.Prompt{Name: p.Name, Title: p.Title, Description: p.Description, Blobs: blobs(p.Blobs), Handler: p.Handler.h, Complete: completion(p.Complete)}
}
