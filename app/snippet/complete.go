package snippet

import (
	"context"
	"strings"

	"remote-mcp-functions-go/mcpfunc"
)

// completeNames is the Complete function of the snippet template (its
// {name}) and of reviewsnippet (its snippetname): the saved names that
// start with what the user typed, in order, from one page of storage's
// listing (MaxListLimit names, one request); the client gets the first
// 100. A prefix no name can start with lists nothing and gets no names.
func completeNames(arg string) func(ctx context.Context, call *mcpfunc.Call, arg, prefix string) ([]string, error) {
	return func(ctx context.Context, call *mcpfunc.Call, asked, prefix string) ([]string, error) {
		if asked != arg || prefix != "" && ValidateName(prefix) != nil {
			return nil, nil
		}
		store, err := storage(call)
		if err != nil {
			return nil, err
		}
		items, _, err := store.List(ctx, Container, prefix, MaxListLimit, "")
		if err != nil {
			return nil, storageError(call, "list", err)
		}
		var names []string
		for _, it := range items {
			if name, ok := strings.CutSuffix(it.Name, ".json"); ok && ValidateName(name) == nil {
				names = append(names, name)
			}
		}
		return names, nil
	}
}
