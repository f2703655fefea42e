package snippet

import (
	"context"

	"remote-mcp-functions-go/mcpfunc"
)

// GetInput is getsnippet's argument.
type GetInput struct {
	Name string `json:"snippetname" jsonschema:"The name of the snippet."`
}

// Snippet is getsnippet's structured result: clients that read structured
// content get the name with the content; the others read the content as
// the text.
type Snippet struct {
	Name    string `json:"name" jsonschema:"The snippet's name."`
	Content string `json:"content" jsonschema:"The snippet's content."`
}

// Text is the content, as the seed's getsnippet answers.
func (s Snippet) Text() string { return s.Content }

// GetTool is getsnippet: the content of the blob the host read for the
// snippet's name.
func (s Service) Get() *mcpfunc.Tool {
	return &mcpfunc.Tool{
		Name:        "getsnippet",
		Title:       "Get a snippet",
		Description: "Retrieve a snippet by name.",
		Annotations: &readOnly,
		Blobs:       []mcpfunc.Blob{mcpfunc.BlobIn(BlobBinding, BlobPath)},
		Handler:     mcpfunc.Typed(s.get),
	}
}

func (s Service) get(_ context.Context, call *mcpfunc.Call, in GetInput) (Snippet, error) {
	text, err := read(call, in.Name)
	if err != nil {
		return Snippet{}, err
	}
	call.Logf("Retrieved snippet '%s' (%d bytes)", in.Name, len(text))
	return Snippet{Name: in.Name, Content: text}, nil
}

// read is the content of the snippet the host read for name, after the
// name rule: a bad name gets its message even when the host found a blob
// at the path it built from it.
func read(call *mcpfunc.Call, name string) (string, error) {
	if err := checkName(name); err != nil {
		return "", err
	}
	text, found := call.Input(BlobBinding)
	if !found {
		return "", mcpfunc.Errorf(mcpfunc.NotFound, "Snippet '%s' not found.", name)
	}
	return text, nil
}
