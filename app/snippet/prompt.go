package snippet

import (
	"context"
	"strings"

	"remote-mcp-functions-go/mcpfunc"
)

// ReviewInput is reviewsnippet's arguments.
type ReviewInput struct {
	Name  string `json:"snippetname" jsonschema:"The name of the snippet to review."`
	Focus string `json:"focus,omitempty" jsonschema:"What to look at most, such as performance or error handling."`
}

// Review is the reviewsnippet prompt: it asks the model to review a saved
// snippet, whose content the host reads through the blob binding; the
// self hosting completes snippetname from the saved names.
func (Service) Review() *mcpfunc.Prompt {
	return &mcpfunc.Prompt{
		Name:        "reviewsnippet",
		Title:       "Review a snippet",
		Description: "Ask for a code review of a saved snippet.",
		Blobs:       []mcpfunc.Blob{mcpfunc.BlobIn(BlobBinding, "snippets/{mcppromptargs.snippetname}.json")},
		Handler:     mcpfunc.TypedPrompt(review),
		Complete:    completeNames("snippetname"),
	}
}

func review(_ context.Context, call *mcpfunc.Call, in ReviewInput) (string, error) {
	text, err := read(call, in.Name)
	if err != nil {
		return "", err
	}
	// Prose first: a prompt's text that parses as JSON would be read as a
	// whole prompt result by extension 1.4-1.5.
	var b strings.Builder
	b.WriteString("Please review the code snippet '" + in.Name + "'")
	if focus := strings.TrimSpace(in.Focus); focus != "" {
		b.WriteString(", paying most attention to " + focus)
	}
	b.WriteString(". Point out bugs, unclear parts and risky constructs, and suggest concrete improvements.\n\n")
	fence := "```"
	for strings.Contains(text, fence) {
		fence += "`"
	}
	b.WriteString(fence + "\n" + text + "\n" + fence + "\n")
	call.Logf("Prompted a review of snippet '%s' (%d bytes)", in.Name, len(text))
	return b.String(), nil
}
