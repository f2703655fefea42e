package snippet

import (
	"context"
	"errors"

	"remote-mcp-functions-go/mcpfunc"
)

// DeleteInput is deletesnippet's argument.
type DeleteInput struct {
	Name string `json:"snippetname" jsonschema:"The name of the snippet to delete."`
}

// DeleteTool is deletesnippet.
func (s Service) Delete() *mcpfunc.Tool {
	return &mcpfunc.Tool{
		Name:        "deletesnippet",
		Title:       "Delete a snippet",
		Description: "Delete a snippet by name.",
		// Deleting twice leaves the same state (the second call says
		// "not found").
		Annotations: &mcpfunc.Annotations{Destructive: true, Idempotent: true},
		Handler:     mcpfunc.Typed(s.delete),
	}
}

func (s Service) delete(ctx context.Context, call *mcpfunc.Call, in DeleteInput) (string, error) {
	if err := checkName(in.Name); err != nil {
		return "", err
	}
	// Asked before anything changes: where the client can be asked, this
	// function runs again with the answer (mcpfunc.Call.Confirm).
	ok, err := call.Confirm("Delete snippet " + in.Name + "?")
	if err != nil {
		return "", err
	}
	if !ok {
		return "Snippet '" + in.Name + "' not deleted.", nil
	}
	store, err := storage(call)
	if err != nil {
		return "", err
	}
	found, err := store.Delete(ctx, Container, in.Name+".json")
	if errors.Is(err, mcpfunc.ErrUnconfirmed) {
		// The delete reached storage and no answer came: it may have
		// happened, and trying again would then say "not found".
		logStorage(call, "delete", err)
		return "", mcpfunc.Errorf(mcpfunc.Unavailable, "Snippet '%s' may or may not have been deleted: storage did not confirm the delete. List the snippets to check.", in.Name)
	}
	if err != nil {
		return "", storageError(call, "delete", err)
	}
	if !found {
		return "", mcpfunc.Errorf(mcpfunc.NotFound, "Snippet '%s' not found.", in.Name)
	}
	call.Logf("Deleted snippet '%s'", in.Name)
	return "Snippet '" + in.Name + "' deleted.", nil
}
