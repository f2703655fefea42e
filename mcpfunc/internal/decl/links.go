package decl

import (
	"fmt"
	"regexp"
	"strings"
)

// Link is a resource link in a tool's result: a resource_link content
// block (MCP specification 2025-06-18 and later) that points a client at a
// resource it can read, without its contents. It has exactly the fields
// the MCP extension's C# SDK carries through a call_tool_result
// (ModelContextProtocol 0.4.0-preview.3, Protocol/ContentBlock.cs
// ResourceLinkBlock: uri, name, description, mimeType, size, annotations;
// a title or _meta is dropped), so both hostings send the same block.
type Link struct {
	URI         string
	Name        string
	Description string
	MimeType    string
}

// absoluteURI is an RFC 3986 scheme and a colon, then no spaces or
// control characters. It is no stricter: a resource's URI, like
// item://{name}, need not have a host net/url would accept.
var absoluteURI = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20\x7f]+$`)

// checkLinks refuses links a client could not use, before anything is
// answered: the C# SDK fails a whole result whose link has no uri or name
// (it throws reading the block), and a URI must be absolute to be read.
// Such a link is the function's bug, an internal error.
func checkLinks(tool string, links []Link) ([]Link, error) {
	for i, l := range links {
		switch {
		case !absoluteURI.MatchString(l.URI):
			return nil, fmt.Errorf("tool %q: link %d: URI %q is not an absolute URI", tool, i, l.URI)
		case strings.TrimSpace(l.Name) == "":
			return nil, fmt.Errorf("tool %q: link %d (%s) has no name", tool, i, l.URI)
		}
	}
	return links, nil
}
