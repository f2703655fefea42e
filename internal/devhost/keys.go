package devhost

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
)

// Where a client puts the key, as on Azure (the MCP extension's
// McpConstants: FunctionsKeyHeader and FunctionsCodeQuery).
const (
	KeyHeader = "x-functions-key"
	KeyQuery  = "code"
)

// keyCheck guards the MCP endpoint with one key, as the host guards
// /runtime/webhooks/mcp with the system key mcp_extension. The zero value
// lets everything through, like func start.
type keyCheck struct {
	on  bool
	sum [sha256.Size]byte
}

func newKeyCheck(key string) keyCheck {
	if key == "" {
		return keyCheck{}
	}
	return keyCheck{on: true, sum: sha256.Sum256([]byte(key))}
}

// valid reports whether r carries the key in the x-functions-key header or
// the code query parameter.
func (k keyCheck) valid(r *http.Request) bool {
	if !k.on {
		return true
	}
	if v := r.Header.Get(KeyHeader); v != "" && k.matches(v) {
		return true
	}
	if r.URL.RawQuery != "" {
		if v := r.URL.Query().Get(KeyQuery); v != "" && k.matches(v) {
			return true
		}
	}
	return false
}

// matches compares digests in constant time: comparing the keys directly
// would leak the key's length through timing.
func (k keyCheck) matches(candidate string) bool {
	sum := sha256.Sum256([]byte(candidate))
	return subtle.ConstantTimeCompare(sum[:], k.sum[:]) == 1
}

// unauthorized answers a request without a valid key. The body says where
// the key goes and never echoes what was sent.
func unauthorized(w http.ResponseWriter) {
	http.Error(w, "Unauthorized: this MCP endpoint needs its key, in the "+KeyHeader+" header or the ?"+KeyQuery+"= query parameter", http.StatusUnauthorized)
}
