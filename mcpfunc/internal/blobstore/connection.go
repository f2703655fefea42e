package blobstore

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"

	"remote-mcp-functions-go/mcpfunc/internal/devstore"
)

// DevelopmentStorage is the connection string that UseDevelopmentStorage=true
// stands for: Azurite's well-known devstore account on its default ports.
var DevelopmentStorage = devstore.Default

// ErrNoConnection reports a connection setting that is not set anywhere.
var ErrNoConnection = errors.New("connection setting not found")

// ConnectionString finds the connection string a binding's "connection"
// names, the way the Functions host does: the setting itself, else the
// setting with the AzureWebJobs prefix. lookup reads app settings.
//
// Identity-based connections (name__blobServiceUri and friends) are no
// connection string: they get an error that says so rather than a
// confusing "not found", and [OpenSetting] opens them.
func ConnectionString(name string, lookup func(string) (string, bool)) (string, error) {
	for _, key := range []string{name, "AzureWebJobs" + name} {
		if v, ok := lookup(key); ok && strings.TrimSpace(v) != "" {
			return v, nil
		}
	}
	for _, suffix := range []string{"__blobServiceUri", "__serviceUri", "__accountName"} {
		if _, ok := lookup(name + suffix); ok {
			return "", fmt.Errorf("%s%s: an identity-based connection, not a connection string (OpenSetting opens it)", name, suffix)
		}
	}
	return "", fmt.Errorf("%w: %s (set it in local.settings.json Values or the environment)", ErrNoConnection, name)
}

// Translate returns the connection string azblob can parse: the shortcut
// UseDevelopmentStorage=true becomes [DevelopmentStorage] (azblob does not
// know the shortcut), and key names are given their canonical case (Azure
// reads them case-insensitively, azblob does not). Other strings are
// returned with only that change.
func Translate(conn string) string {
	parts := splitConnection(conn)
	for _, p := range parts {
		if strings.EqualFold(p.key, "UseDevelopmentStorage") && strings.EqualFold(p.value, "true") {
			return DevelopmentStorage
		}
	}
	var b strings.Builder
	for _, p := range parts {
		if b.Len() > 0 {
			b.WriteByte(';')
		}
		b.WriteString(canonicalKey(p.key))
		b.WriteByte('=')
		b.WriteString(p.value)
	}
	return b.String()
}

type connPart struct{ key, value string }

func splitConnection(conn string) []connPart {
	var out []connPart
	for _, field := range strings.Split(conn, ";") {
		field = strings.TrimSpace(field)
		if field == "" {
			continue
		}
		k, v, _ := strings.Cut(field, "=")
		out = append(out, connPart{strings.TrimSpace(k), strings.TrimSpace(v)})
	}
	return out
}

var connectionKeys = []string{
	"DefaultEndpointsProtocol", "AccountName", "AccountKey", "SharedAccessSignature",
	"EndpointSuffix", "BlobEndpoint", "QueueEndpoint", "TableEndpoint", "FileEndpoint",
}

func canonicalKey(k string) string {
	for _, c := range connectionKeys {
		if strings.EqualFold(k, c) {
			return c
		}
	}
	return k
}

// SplitPath splits a resolved blob binding path into its container (the
// first segment) and the blob name (the rest), as the blob extension does.
func SplitPath(path string) (container, blob string, err error) {
	container, blob, ok := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if !ok || container == "" || blob == "" {
		return "", "", fmt.Errorf("blob path %q: want <container>/<blob name>", path)
	}
	return container, blob, nil
}

// containerName is Azure Storage's rule for container names, as the
// host's blob extension checks it.
var containerName = regexp.MustCompile(`^[a-z0-9](([a-z0-9\-[^\-])){1,61}[a-z0-9]$`)

// CheckName checks a resolved blob path as the host's blob binding does
// before it calls storage (Azure/azure-webjobs-sdk
// src/Microsoft.Azure.WebJobs.Extensions.Storage/Blobs/BlobNameValidationAttribute.cs
// @af6cbe94): a container name of 3-63 lower-case letters, digits and
// single dashes (or $root), and a blob name of 1-1024 characters that
// does not end in '.' or '/' and holds no '\'. The host fails an
// invocation whose path breaks these, without reading or writing; so does
// a local host using this. The message quotes at most the start of a
// name.
func CheckName(container, blob string) error {
	if container != "$root" && !containerName.MatchString(container) {
		return fmt.Errorf("invalid container name %s", quoteStart(container))
	}
	// .NET counts UTF-16 code units.
	n := len(utf16.Encode([]rune(blob)))
	switch {
	case n == 0:
		return fmt.Errorf("empty blob name")
	case n > 1024:
		return fmt.Errorf("blob name %s is %d characters long; storage allows 1024", quoteStart(blob), n)
	case strings.HasSuffix(blob, ".") || strings.HasSuffix(blob, "/"):
		return fmt.Errorf("blob name %s ends in '.' or '/'", quoteStart(blob))
	case strings.Contains(blob, `\`):
		return fmt.Errorf("blob name %s holds a '\\'", quoteStart(blob))
	}
	return nil
}

// quoteStart quotes the first 64 characters of s.
func quoteStart(s string) string {
	if r := []rune(s); len(r) > 64 {
		return strconv.Quote(string(r[:64])) + "…"
	}
	return strconv.Quote(s)
}
