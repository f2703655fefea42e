package guard

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
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
	ReasonWrongHeaderAnd = "wrong key in the " + KeyHeader + " header, which is read instead of the ?" + KeyQuery + "= query parameter when both are sent"
	ReasonEmptyHeader    = "empty " + KeyHeader + " header, which is read instead of the ?" + KeyQuery + "= query parameter when both are sent"
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

// Check reports whether r carries the key, and if not, why not. As the
// host reads it: from the x-functions-key header when the request has
// one, even empty, else from the first code query parameter, its name in
// any case (AuthenticationLevelHandler.GetAuthorizationKeyInfoAsync in
// src/WebJobs.Script.WebHost/Security/Authentication/Keys/AuthenticationLevelHandler.cs,
// Azure/azure-functions-host @826c0b52; ASP.NET Core's query collection
// matches names case-insensitively).
func (k Key) Check(r *http.Request) (ok bool, reason string) {
	if !k.on {
		return true, ""
	}
	code := queryKey(r.URL.RawQuery)
	if values, sent := r.Header[http.CanonicalHeaderKey(KeyHeader)]; sent && len(values) > 0 {
		switch header := values[0]; {
		case header != "" && k.matches(header):
			return true, ""
		case header == "" && code != "":
			return false, ReasonEmptyHeader
		case header == "":
			return false, ReasonNoKey
		case code != "":
			return false, ReasonWrongHeaderAnd
		}
		return false, ReasonWrongHeader
	}
	switch {
	case code != "" && k.matches(code):
		return true, ""
	case code != "":
		return false, ReasonWrongCode
	}
	return false, ReasonNoKey
}

// queryKey is the value of the first code parameter of a raw query, its
// name matched in any case; "" when there is none.
func queryKey(raw string) string {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		name, value, _ := strings.Cut(pair, "=")
		if n, err := url.QueryUnescape(name); err != nil || !strings.EqualFold(n, KeyQuery) {
			continue
		}
		v, err := url.QueryUnescape(value)
		if err != nil {
			return ""
		}
		return v
	}
	return ""
}

// matches compares digests in constant time: comparing the keys directly
// would leak the key's length through timing.
func (k Key) matches(candidate string) bool {
	sum := sha256.Sum256([]byte(candidate))
	return subtle.ConstantTimeCompare(sum[:], k.sum[:]) == 1
}
