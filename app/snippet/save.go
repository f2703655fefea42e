package snippet

import (
	"context"

	"remote-mcp-functions-go/mcpfunc"
)

// SaveInput is savesnippet's arguments.
type SaveInput struct {
	Name    string `json:"snippetname" jsonschema:"The name of the snippet."`
	Content string `json:"snippet" jsonschema:"The content of the snippet."`
}

// SaveTool is savesnippet: the content goes to the blob output the host
// writes under the snippet's name.
func (s Service) Save() *mcpfunc.Tool {
	return &mcpfunc.Tool{
		Name:        "savesnippet",
		Title:       "Save a snippet",
		Description: "Save a snippet with a name.",
		// It overwrites a snippet of the same name; the same call twice
		// leaves the same snippet.
		Annotations: &mcpfunc.Annotations{Destructive: true, Idempotent: true},
		Blobs:       []mcpfunc.Blob{mcpfunc.BlobOut(BlobBinding, BlobPath)},
		Handler:     mcpfunc.Typed(s.save),
		Probe:       s.probe, // the whole sample's round trip (probe.go)
	}
}

func (s Service) save(_ context.Context, call *mcpfunc.Call, in SaveInput) (string, error) {
	if err := checkName(in.Name); err != nil {
		return "", err
	}
	if in.Content == "" {
		return "", mcpfunc.Errorf(mcpfunc.Invalid, "No snippet content provided")
	}
	if len(in.Content) > s.MaxBytes {
		return "", mcpfunc.Errorf(mcpfunc.TooLarge,
			"Snippet '%s' is too large: %d bytes, the limit is %d bytes.", in.Name, len(in.Content), s.MaxBytes)
	}
	call.Logf("Saved snippet '%s' (%d bytes)", in.Name, len(in.Content))
	call.Output(BlobBinding, []byte(in.Content))
	return "Snippet '" + in.Name + "' saved successfully", nil
}
