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

// Why a request without a valid key is refused. They say where the key
// goes and never what was sent.
const (
	reasonNoKey          = "no key: this MCP endpoint needs its key in the " + KeyHeader + " header or the ?" + KeyQuery + "= query parameter"
	reasonWrongHeader    = "wrong key in the " + KeyHeader + " header"
	reasonWrongCode      = "wrong key in the ?" + KeyQuery + "= query parameter"
	reasonWrongHeaderAnd = "wrong key in the " + KeyHeader + " header and in the ?" + KeyQuery + "= query parameter"
)

// check reports whether r carries the key in the x-functions-key header or
// the code query parameter, and if not, why not.
func (k keyCheck) check(r *http.Request) (ok bool, reason string) {
	if !k.on {
		return true, ""
	}
	header := r.Header.Get(KeyHeader)
	if header != "" && k.matches(header) {
		return true, ""
	}
	var code string
	if r.URL.RawQuery != "" {
		code = r.URL.Query().Get(KeyQuery)
	}
	if code != "" && k.matches(code) {
		return true, ""
	}
	switch {
	case header != "" && code != "":
		return false, reasonWrongHeaderAnd
	case header != "":
		return false, reasonWrongHeader
	case code != "":
		return false, reasonWrongCode
	}
	return false, reasonNoKey
}

// matches compares digests in constant time: comparing the keys directly
// would leak the key's length through timing.
func (k keyCheck) matches(candidate string) bool {
	sum := sha256.Sum256([]byte(candidate))
	return subtle.ConstantTimeCompare(sum[:], k.sum[:]) == 1
}
