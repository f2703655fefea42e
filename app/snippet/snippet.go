// Package snippet is the sample: code snippets saved by name in blob
// storage, with the tools getsnippet, savesnippet, listsnippets and
// deletesnippet, the snippet://{name} resource template and the
// reviewsnippet prompt, each declared with package mcpfunc. For reading
// and saving, the Functions host moves the bytes through the blob
// bindings they declare (snippets/{mcptoolargs.snippetname}.json), so
// those functions only check names and sizes and say what happened; no
// binding lists or deletes, so listsnippets and deletesnippet use the
// app's storage themselves (mcpfunc.Call.Storage).
//
// To start your own server without the sample, delete this folder and
// the lines of app/app.go that name it, then run make generate.
// Snippets are stored as raw text, as the original Python sample stores
// them despite the .json extension, so data written by either reads back in
// the other.
package snippet

import (
	"fmt"
	"os"
	"strconv"
	"unicode/utf8"

	"remote-mcp-functions-go/mcpfunc"
)

// Names shared by the declarations.
const (
	// BlobBinding is the blob binding's name in every snippet tool.
	BlobBinding = "file"
	// BlobPath is where a snippet lives, by its name.
	BlobPath = "snippets/{mcptoolargs.snippetname}.json"
)

// DefaultMaxBytes is the default size limit of a snippet's content.
const DefaultMaxBytes = 1 << 20

// MaxName is the longest snippet name accepted.
const MaxName = 128

// Service is the sample's functions with their settings.
type Service struct {
	// MaxBytes limits a saved snippet's content in bytes (UTF-8). Blob
	// writes through the host happen in one request, and one invocation's
	// payload carries the content several times, so the limit protects the
	// host and the handler as much as storage.
	MaxBytes int
}

// MaxBytesSetting is the app setting that changes the content limit.
const MaxBytesSetting = "SNIPPET_MAX_BYTES"

// New returns the service with maxBytes as the content limit; zero or less
// means DefaultMaxBytes.
func New(maxBytes int) Service {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	return Service{MaxBytes: maxBytes}
}

// FromEnv returns the service with the settings the app has (the
// Functions host passes app settings to the handler as environment
// variables): SNIPPET_MAX_BYTES, the content limit in bytes, 1 MiB if
// unset. A bad value is an error that names the setting, with the default
// service, so that the handler refuses to start.
func FromEnv() (Service, error) {
	v := os.Getenv(MaxBytesSetting)
	if v == "" {
		return New(0), nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return New(0), fmt.Errorf("%s=%q: want a positive number of bytes", MaxBytesSetting, v)
	}
	return New(n), nil
}

// Instructions tell the model how to use the sample's tools: the app's
// instructions for clients.
const Instructions = "Save code snippets by name with savesnippet and read them back with getsnippet; listsnippets lists them and deletesnippet deletes one. Snippet names are 1-128 characters of letters, digits, '.', '_' and '-', not starting with '.'."

// checkName refuses an empty or bad name with the seed's message or the
// name rule.
func checkName(name string) error {
	if name == "" {
		return mcpfunc.Errorf(mcpfunc.Invalid, "No snippet name provided")
	}
	return ValidateName(name)
}

// ValidateName checks a snippet name: 1 to 128 characters of A-Z a-z 0-9
// '.' '_' '-', not starting with '.'. The host builds the blob path from the
// raw argument, so anything else (a '/', "..", a space) could reach another
// blob; the tools refuse to return or write anything for such a name.
func ValidateName(name string) error {
	bad := func() error {
		return mcpfunc.Errorf(mcpfunc.Invalid,
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
