package snippet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/jsonschema-go/jsonschema"

	"remote-mcp-functions-go/mcpfunc"
)

// Container is where snippets live.
const Container = "snippets"

// List limits.
const (
	DefaultListLimit = 100
	MaxListLimit     = 1000
	// maxCursor bounds a cursor: a continuation marker of a blob name at
	// storage's limit of 1024 characters, wrapped (cursor.go), fits.
	maxCursor = 4096
)

// ListInput is listsnippets' arguments.
type ListInput struct {
	Prefix string `json:"prefix,omitempty" jsonschema:"Only snippets whose names start with this."`
	Limit  int    `json:"limit,omitempty" jsonschema:"How many snippets to list at most (100 if left out, up to 1000)."`
	Cursor string `json:"cursor,omitempty" jsonschema:"The nextCursor of the previous page, to list the next one."`
}

// SnippetInfo is one listed snippet.
type SnippetInfo struct {
	Name         string `json:"name" jsonschema:"The snippet's name."`
	Size         int64  `json:"size" jsonschema:"Its content's size in bytes."`
	LastModified string `json:"lastModified" jsonschema:"When it was last saved (RFC 3339, UTC)."`
}

// SnippetList is listsnippets' structured result.
type SnippetList struct {
	Snippets   []SnippetInfo `json:"snippets" jsonschema:"The snippets of this page, by name."`
	NextCursor string        `json:"nextCursor,omitempty" jsonschema:"Pass it as cursor for the next page; absent on the last page."`
}

// Text lists the snippets one per line.
func (l SnippetList) Text() string {
	if len(l.Snippets) == 0 && l.NextCursor == "" {
		return "No snippets."
	}
	var b strings.Builder
	for _, s := range l.Snippets {
		fmt.Fprintf(&b, "%s (%d bytes, saved %s)\n", s.Name, s.Size, s.LastModified)
	}
	if l.NextCursor != "" {
		fmt.Fprintf(&b, "More snippets follow: call listsnippets again with cursor %q.\n", l.NextCursor)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// Links links each listed snippet to the snippet:// resource, so a client
// can read or attach one without another tool call.
func (l SnippetList) Links() []mcpfunc.Link {
	links := make([]mcpfunc.Link, len(l.Snippets))
	for i, s := range l.Snippets {
		links[i] = mcpfunc.Link{URI: "snippet://" + s.Name, Name: s.Name, MimeType: resourceMimeType}
	}
	return links
}

// readOnly are the hints of the tools that only read the app's own
// storage.
var readOnly = mcpfunc.Annotations{ReadOnly: true, Idempotent: true}

// ListTool is listsnippets: names, sizes and last-modified times, a page at
// a time.
func (s Service) List() *mcpfunc.Tool {
	return &mcpfunc.Tool{
		Name:        "listsnippets",
		Title:       "List snippets",
		Description: "List the saved snippets: names, sizes and when they were saved, a page at a time.",
		Annotations: &readOnly,
		// Clients that show MCP Apps render the result in the snippet
		// browser (browser.go).
		Meta: browserLink,
		// The bounds and the default are the schema's: clients see them,
		// and a call outside them is refused before list runs.
		Handler: mcpfunc.Typed(s.list).WithSchema(func(sc *jsonschema.Schema) {
			one, most := 1.0, float64(MaxListLimit)
			limit := sc.Properties["limit"]
			limit.Minimum, limit.Maximum = &one, &most
			limit.Default = json.RawMessage(strconv.Itoa(DefaultListLimit))
			sc.Properties["cursor"].MaxLength = ptr(maxCursor)
		}),
	}
}

func ptr[T any](v T) *T { return &v }

func (s Service) list(ctx context.Context, call *mcpfunc.Call, in ListInput) (SnippetList, error) {
	if in.Prefix != "" {
		if err := validatePrefix(in.Prefix); err != nil {
			return SnippetList{}, err
		}
	}
	var marker string
	if in.Cursor != "" {
		var ok bool
		if marker, ok = decodeCursor(in.Prefix, in.Cursor); !ok {
			return SnippetList{}, errForeignCursor
		}
	}
	store, err := storage(call)
	if err != nil {
		return SnippetList{}, err
	}
	items, next, err := store.List(ctx, Container, in.Prefix, in.Limit, marker)
	if errors.Is(err, mcpfunc.ErrBadCursor) {
		// Storage took no issue with the cursor's form but refused the
		// marker in it: one from another account, say.
		call.Logf("storage refused the cursor's marker: %v", err)
		return SnippetList{}, errForeignCursor
	}
	if err != nil {
		return SnippetList{}, storageError(call, "list", err)
	}
	out := SnippetList{Snippets: []SnippetInfo{}}
	if next != "" {
		out.NextCursor = encodeCursor(in.Prefix, next)
	}
	for _, it := range items {
		name, ok := strings.CutSuffix(it.Name, ".json")
		if !ok || ValidateName(name) != nil {
			continue // not a snippet this app could read back
		}
		out.Snippets = append(out.Snippets, SnippetInfo{Name: name, Size: it.Size, LastModified: it.LastModified.UTC().Format(time.RFC3339)})
	}
	call.Logf("Listed %d snippets (more: %v)", len(out.Snippets), next != "")
	return out, nil
}

// validatePrefix is the name rule for the start of a name.
func validatePrefix(prefix string) error {
	if err := ValidateName(prefix); err != nil {
		return mcpfunc.Errorf(mcpfunc.Invalid, "Invalid prefix %s: snippet names are 1-%d letters, digits, '.', '_' or '-', not starting with '.'.", quoteShort(prefix), MaxName)
	}
	return nil
}

// storage is the app's own storage account, the one the blob bindings
// use; a missing or malformed setting is the client's error to report.
func storage(call *mcpfunc.Call) (*mcpfunc.Storage, error) {
	store, err := call.Storage("")
	if err != nil {
		call.Logf("storage: %v", err)
		return nil, errNoStorage
	}
	return store, nil
}

// errNoStorage answers when the handler has no storage setting.
var errNoStorage = mcpfunc.Errorf(mcpfunc.Invalid, "Snippet storage is not configured: set AzureWebJobsStorage (or its identity-based form) for the function app.")

// storageError is the client's message for a storage failure that
// changed nothing; the cause goes to the log (logStorage).
func storageError(call *mcpfunc.Call, op string, err error) error {
	logStorage(call, op, err)
	return mcpfunc.Errorf(mcpfunc.Unavailable, "Snippet storage did not answer; try again in a moment.")
}

// logStorage logs why a storage operation failed (storage's errors carry
// no secrets).
func logStorage(call *mcpfunc.Call, op string, err error) {
	call.Logf("storage %s failed: %v", op, err)
}
