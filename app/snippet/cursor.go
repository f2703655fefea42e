package snippet

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"strings"

	"remote-mcp-functions-go/mcpfunc"
)

// A cursor is the storage's continuation marker for the next page, wrapped
// so that listsnippets can tell a cursor it gave from any other text:
//
//	<marker, base64url>.<check, base64url>
//
// where the check is the first 12 bytes of SHA-256 over the prefix the
// page was listed with and the marker. Storage would take any text as a
// marker: Azurite's marker is a blob name and it lists the names after it
// (Azure/Azurite src/blob/persistence/LokiBlobMetadataStore.ts listBlobs,
// 3.35.0), so a changed or made-up cursor would read as the end of the
// list, and one with a control character, which Azurite answers with 500,
// as storage failing. Wrapped, a cursor that was changed, cut, belongs to
// another prefix or was never given is refused before storage is asked,
// with a message that says so; one storage refuses anyway (400, a marker
// of another account) gets the same message.
//
// The check is not a secret: it keeps mistakes out, and anyone who may
// list may list from any point anyway.

// errForeignCursor answers a cursor listsnippets did not give for this
// prefix.
var errForeignCursor = mcpfunc.Errorf(mcpfunc.Invalid,
	"That cursor is not one listsnippets gave for this prefix: pass the nextCursor of the previous page as it is, with the same prefix, or leave cursor out to list from the start.")

// cursorCheck is the check of a marker listed with prefix.
func cursorCheck(prefix, marker string) []byte {
	sum := sha256.Sum256([]byte("listsnippets\x00" + prefix + "\x00" + marker))
	return sum[:12]
}

// encodeCursor wraps the marker of the page after one listed with prefix.
func encodeCursor(prefix, marker string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(marker)) + "." + base64.RawURLEncoding.EncodeToString(cursorCheck(prefix, marker))
}

// decodeCursor unwraps a cursor given for prefix; ok is false for any text
// encodeCursor did not make for it.
func decodeCursor(prefix, cursor string) (marker string, ok bool) {
	m, c, found := strings.Cut(cursor, ".")
	if !found {
		return "", false
	}
	mb, err1 := base64.RawURLEncoding.DecodeString(m)
	cb, err2 := base64.RawURLEncoding.DecodeString(c)
	if err1 != nil || err2 != nil || len(mb) == 0 {
		return "", false
	}
	if subtle.ConstantTimeCompare(cb, cursorCheck(prefix, string(mb))) != 1 {
		return "", false
	}
	return string(mb), true
}
