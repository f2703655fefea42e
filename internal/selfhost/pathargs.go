package selfhost

import (
	"encoding/json"
	"strings"

	"remote-mcp-functions-go/internal/invoke"
)

// pathArgs is mcptoolargs, the binding data of a call's arguments, for
// the arguments the tool's blob paths use (members): each as the text the
// host makes of it (invoke.ElementString), under every key that names a
// member in any case, as the host looks members up (invoke.LookupFold).
// The other arguments are not converted: a snippet's content may be a
// megabyte no path uses. Nil when the call has no arguments, as
// invoke.ToolInvocation.ToolArgs is.
func pathArgs(args map[string]json.RawMessage, members []string) map[string]string {
	if args == nil {
		return nil
	}
	out := make(map[string]string, len(members))
	for k, v := range args {
		for _, m := range members {
			if strings.EqualFold(k, m) {
				out[k] = invoke.ElementString(v)
				break
			}
		}
	}
	return out
}
