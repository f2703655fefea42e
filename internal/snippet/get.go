package snippet

import (
	"context"

	"remote-mcp-functions-go/internal/mcpfunc"
)

// GetInput is getsnippet's argument.
type GetInput struct {
	Name string `json:"snippetname" jsonschema:"The name of the snippet."`
}

// GetTool is getsnippet: the content of the blob the host read for the
// snippet's name.
func (s *Service) GetTool() *mcpfunc.Tool {
	return &mcpfunc.Tool{
		Name:        "getsnippet",
		Description: "Retrieve a snippet by name.",
		Blobs:       []mcpfunc.Blob{mcpfunc.BlobIn(BlobBinding, BlobPath)},
		TooLarge:    "The snippet is too large to return: this app returns snippets of up to " + itoa(s.MaxBytes) + " bytes.",
		Handler:     mcpfunc.Typed(s.get),
	}
}

func (s *Service) get(_ context.Context, call *mcpfunc.Call, in GetInput) (string, error) {
	if err := checkName(in.Name); err != nil {
		return "", err
	}
	text, found := call.Input(BlobBinding)
	if !found {
		return "", mcpfunc.Errorf(mcpfunc.NotFound, "Snippet '%s' not found.", in.Name)
	}
	call.Logf("Retrieved snippet '%s' (%d bytes)", in.Name, len(text))
	return text, nil
}
