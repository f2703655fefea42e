package devhost

import (
	"net/http"

	"remote-mcp-functions-go/mcpfunc/internal/guard"
)

// crossSite reports why r must be refused as a cross-site or DNS-rebinding
// request, or "" when it may pass (see [guard.Site]). It runs before CORS
// and the key check, so a browser page on another site gets 403 whether or
// not keys are on; pages on the origins Host.CORS lists pass.
//
// func start makes neither check; devhost makes both because it is a
// development server on the developer's own machine, reachable from every
// page the developer's browser opens.
func crossSite(r *http.Request, cors *CORS) string {
	return guard.Site{Allow: cors.allows, Hint: "; allow it with Host.CORS in local.settings.json"}.Refusal(r)
}
