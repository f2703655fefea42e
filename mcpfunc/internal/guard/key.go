package guard

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
)

// Where a client puts the key, as on Azure: the header and query parameter
// the Functions host reads keys from (and the MCP extension's McpConstants
// FunctionsKeyHeader and FunctionsCodeQuery).
const (
	KeyHeader = "x-functions-key"
	KeyQuery  = "code"
)

// Why a request without a valid key is refused. They say where the key
// goes and never what was sent.
const (
	ReasonNoKey          = "no key: this MCP endpoint needs its key in the " + KeyHeader + " header or the ?" + KeyQuery + "= query parameter"
	ReasonWrongHeader    = "wrong key in the " + KeyHeader + " header"
	ReasonWrongCode      = "wrong key in the ?" + KeyQuery + "= query parameter"
	ReasonWrongHeaderAnd = "wrong key in the " + KeyHeader + " header and in the ?" + KeyQuery + "= query parameter"
)

// Key guards an endpoint with one key, as the host guards its endpoints
// with function or system keys. The zero value lets everything through,
// like func start.
type Key struct {
	on  bool
	sum [sha256.Size]byte
}

// NewKey returns the check for key; an empty key checks nothing.
func NewKey(key string) Key {
	if key == "" {
		return Key{}
	}
	return Key{on: true, sum: sha256.Sum256([]byte(key))}
}

// On reports whether a key is required.
func (k Key) On() bool { return k.on }

// Check reports whether r carries the key in the x-functions-key header or
// the code query parameter, and if not, why not.
func (k Key) Check(r *http.Request) (ok bool, reason string) {
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
		return false, ReasonWrongHeaderAnd
	case header != "":
		return false, ReasonWrongHeader
	case code != "":
		return false, ReasonWrongCode
	}
	return false, ReasonNoKey
}

// matches compares digests in constant time: comparing the keys directly
// would leak the key's length through timing.
func (k Key) matches(candidate string) bool {
	sum := sha256.Sum256([]byte(candidate))
	return subtle.ConstantTimeCompare(sum[:], k.sum[:]) == 1
}
