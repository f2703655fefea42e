package snippet

import (
	"context"

	"remote-mcp-functions-go/mcpfunc"
)

// resourceMimeType is what a snippet is read as, and what links to it say.
const resourceMimeType = "text/plain"

// Resource is the snippet:// resource template: a saved snippet, read as
// text/plain, for clients that attach context (VS Code's Add Context → MCP
// Resources). The host reads the blob for the {name} in the URI; the self
// hosting completes {name} from the saved names.
func (Service) Resource() *mcpfunc.Resource {
	return &mcpfunc.Resource{
		Name:         "snippetresource",
		URI:          "snippet://{name}",
		ResourceName: "snippet",
		Title:        "Snippet",
		Description:  "A saved code snippet, by name.",
		MimeType:     resourceMimeType,
		Blobs:        []mcpfunc.Blob{mcpfunc.BlobIn(BlobBinding, "snippets/{name}.json")},
		Read: func(_ context.Context, call *mcpfunc.Call, req mcpfunc.ResourceRead) (string, error) {
			// The extension carries no message for a failed read: the client
			// gets -32603 "An error occurred.", the reason is logged.
			text, err := read(call, req.Params["name"])
			if err != nil {
				return "", err
			}
			call.Logf("Read snippet '%s' as a resource (%d bytes)", req.Params["name"], len(text))
			return text, nil
		},
		Complete: completeNames("name"),
	}
}
