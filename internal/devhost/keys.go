package devhost

import (
	"net/http"

	"remote-mcp-functions-go/internal/guard"
)

// Where a client puts the key, as on Azure (the MCP extension's
// McpConstants: FunctionsKeyHeader and FunctionsCodeQuery).
const (
	KeyHeader = guard.KeyHeader
	KeyQuery  = guard.KeyQuery
)

// Why a request without a valid key is refused (package guard words them).
const (
	reasonNoKey          = guard.ReasonNoKey
	reasonWrongHeader    = guard.ReasonWrongHeader
	reasonWrongCode      = guard.ReasonWrongCode
	reasonWrongHeaderAnd = guard.ReasonWrongHeaderAnd
)

// keyCheck guards the MCP endpoint with one key, as the host guards
// /runtime/webhooks/mcp with the system key mcp_extension. The zero value
// lets everything through, like func start.
type keyCheck struct{ key guard.Key }

func newKeyCheck(key string) keyCheck { return keyCheck{guard.NewKey(key)} }

// check reports whether r carries the key in the x-functions-key header or
// the code query parameter, and if not, why not.
func (k keyCheck) check(r *http.Request) (ok bool, reason string) { return k.key.Check(r) }
