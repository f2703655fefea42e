package devhost

import (
	"net/http"
	"strings"
)

// refuse answers a request devhost will not serve (403 for a cross-site or
// DNS-rebinding request, 401 without a valid key, 413, 503 and 500 from
// front.go) and logs one line with
// the status, the reason, the method and the path, so that a client which
// shows only its own error (the MCP Inspector reports a 401 as an OAuth
// failure) can be understood from devhost's output. The line never holds
// the query string or any header, where keys travel.
//
// A 401 carries WWW-Authenticate: Bearer, as the host's does: the policy
// guarding /runtime/webhooks/* challenges every scheme it names, and the
// JWT bearer handler among them adds that header (Azure/azure-functions-host
// src/WebJobs.Script.WebHost/Security/Authorization/Policies/AuthorizationOptionsExtensions.cs
// SystemKeyAuthLevel and AddScriptAuthenticationSchemes @89dc438d;
// dotnet/aspnetcore JwtBearerHandler.HandleChallengeAsync). A different
// scheme would not help: Inspector 2.12.0 starts OAuth discovery on any
// 401, with or without the header, whatever its scheme. Unlike the host,
// whose 401 body is empty, devhost's body says why.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, status int, reason string) {
	s.log.Warn("request refused", "status", status, "reason", reason, "method", r.Method, "path", loggedPath(r.URL.Path))
	msg := reason
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", "Bearer")
		msg = "Unauthorized: " + reason
	}
	http.Error(w, msg, status)
}

// loggedPath is the path as logged: the endpoint a request was for, never
// what follows it. A key pasted with & instead of ? (…/sse&code=K) ends up
// in the path, not the query.
func loggedPath(path string) string {
	trimmed := strings.TrimSuffix(path, "/")
	for _, p := range []string{MCPPath, SSEPath, MessagePath} {
		if strings.EqualFold(trimmed, p) {
			return path
		}
	}
	switch {
	case path == "/":
		return path
	case strings.HasPrefix(path, MCPPath+"/"):
		return MCPPath + "/…"
	}
	return "/…"
}
