// Package snippet holds the seed tools: hello, and saving and reading code
// snippets by name. The Functions host moves the bytes through its blob
// bindings (snippets/{mcptoolargs.snippetname}.json); these functions only
// check names and sizes and say what happened.
//
// Snippets are stored as raw text, as the original Python sample stores
// them despite the .json extension, so data written by either reads back in
// the other.
package snippet

import (
	"context"
	"fmt"
	"strconv"
	"unicode/utf8"

	"remote-mcp-functions-go/internal/mcptool"
)

// Argument and binding names shared with the function.json files.
const (
	NameArg     = "snippetname"
	ContentArg  = "snippet"
	BlobBinding = "file"
)

// DefaultMaxBytes is the default size limit of a snippet's content.
const DefaultMaxBytes = 1 << 20

// MaxName is the longest snippet name accepted.
const MaxName = 128

// Service holds the snippet tools' settings.
type Service struct {
	// MaxBytes limits a saved snippet's content in bytes (UTF-8). Blob
	// writes through the host happen in one request, and one invocation's
	// payload carries the content several times, so the limit protects the
	// host and the handler as much as storage.
	MaxBytes int
}

// New returns the service with maxBytes as the content limit; zero or less
// means DefaultMaxBytes.
func New(maxBytes int) *Service {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	return &Service{MaxBytes: maxBytes}
}

// Hello answers the hello tool.
func Hello(context.Context, *mcptool.Call) (*mcptool.Result, error) {
	return mcptool.Text("Hello I am MCPTool!"), nil
}

// Get answers getsnippet: the content of the blob the host read for the
// snippet's name.
func (s *Service) Get(_ context.Context, call *mcptool.Call) (*mcptool.Result, error) {
	name, err := nameArg(call)
	if err != nil {
		return nil, err
	}
	blob := call.Inputs[BlobBinding]
	if !blob.Present {
		return nil, mcptool.Errorf(mcptool.NotFound, "Snippet '%s' not found.", name)
	}
	call.Logf("Retrieved snippet '%s' (%d bytes)", name, len(blob.Text))
	return mcptool.Text(blob.Text), nil
}

// Save answers savesnippet: the content goes to the blob output the host
// writes under the snippet's name.
func (s *Service) Save(_ context.Context, call *mcptool.Call) (*mcptool.Result, error) {
	name, err := nameArg(call)
	if err != nil {
		return nil, err
	}
	content, _, err := call.String(ContentArg)
	if err != nil {
		return nil, err
	}
	if content == "" {
		return nil, mcptool.Errorf(mcptool.Invalid, "No snippet content provided")
	}
	if len(content) > s.MaxBytes {
		return nil, mcptool.Errorf(mcptool.TooLarge,
			"Snippet '%s' is too large: %d bytes, the limit is %d bytes.", name, len(content), s.MaxBytes)
	}
	call.Logf("Saved snippet '%s' (%d bytes)", name, len(content))
	return &mcptool.Result{
		Text:    "Snippet '" + name + "' saved successfully",
		Outputs: map[string][]byte{BlobBinding: []byte(content)},
	}, nil
}

// nameArg reads the snippet name: a JSON string, the very text the host
// put in the blob path (a number or true would reach the path as the host
// prints it, 1.0 or True, not as the client wrote it).
// SaveTooLarge is savesnippet's answer to a call too large for the handler
// to read: far over the content limit, or with an absurd name.
func (s *Service) SaveTooLarge() string {
	return fmt.Sprintf("The snippet is too large: content is limited to %d bytes and names to %d characters.", s.MaxBytes, MaxName)
}

// GetTooLarge is getsnippet's answer to a call too large for the handler
// to read: a stored blob far over the content limit, written by something
// other than savesnippet.
func (s *Service) GetTooLarge() string {
	return fmt.Sprintf("The snippet is too large to return: this app returns snippets of up to %d bytes.", s.MaxBytes)
}

func nameArg(call *mcptool.Call) (string, error) {
	name, _, err := call.PathString(NameArg)
	if err != nil {
		return "", err
	}
	if name == "" {
		return "", mcptool.Errorf(mcptool.Invalid, "No snippet name provided")
	}
	if err := ValidateName(name); err != nil {
		return "", err
	}
	return name, nil
}

// ValidateName checks a snippet name: 1 to 128 characters of A-Z a-z 0-9
// '.' '_' '-', not starting with '.'. The host builds the blob path from the
// raw argument, so anything else (a '/', "..", a space) could reach another
// blob; the handler refuses to read or write for such a name.
func ValidateName(name string) error {
	bad := func() error {
		return mcptool.Errorf(mcptool.Invalid,
			"Invalid snippet name %s: use 1-%d letters, digits, '.', '_' or '-', not starting with '.'.",
			quoteShort(name), MaxName)
	}
	if name == "" || len(name) > MaxName || name[0] == '.' {
		return bad()
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return bad()
		}
	}
	return nil
}

// quoteShort quotes a name for a message, cut to a readable length, with
// control characters escaped.
func quoteShort(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		return strconv.Quote(string(r[:max])) + "…"
	}
	return strconv.Quote(s)
}
