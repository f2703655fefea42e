package rpcmsg

// GoSDKMethods are the methods a go-sdk server serves: its
// serverMethodInfos (mcp/server.go @v1.8.0). go-sdk answers any other
// with a bare HTTP 400 before its method handlers, or middleware, see the
// request (mcp/streamable.go servePOST, checkRequest), so the servers in
// front of it answer those themselves.
var GoSDKMethods = map[string]bool{
	"completion/complete":              true,
	"server/discover":                  true,
	"initialize":                       true,
	"ping":                             true,
	"prompts/list":                     true,
	"prompts/get":                      true,
	"tools/list":                       true,
	"tools/call":                       true,
	"resources/list":                   true,
	"resources/templates/list":         true,
	"resources/read":                   true,
	"logging/setLevel":                 true,
	"resources/subscribe":              true,
	"resources/unsubscribe":            true,
	"subscriptions/listen":             true,
	"notifications/cancelled":          true,
	"notifications/initialized":        true,
	"notifications/roots/list_changed": true,
	"notifications/progress":           true,
}
