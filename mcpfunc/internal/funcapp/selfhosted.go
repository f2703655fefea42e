package funcapp

import (
	"encoding/json"
	"strconv"
	"strings"

	"remote-mcp-functions-go/mcpfunc/internal/hosting"
)

// The self hosting's host.json: configurationProfile "mcp-custom-handler"
// makes the host forward every request to the handler, which serves MCP
// itself. What the profile sets, and what it needs, is the host's code
// (Azure/azure-functions-host src/WebJobs.Script/Config/HostConfigurationProfile.cs
// @de4eacc: customHandler:enableProxyingHttpRequest, an {*route} route, no
// route prefix) and the samples' host.json
// (Azure-Samples/mcp-sdk-functions-hosting-python @3d022aa):
//
//   - no extensionBundle: the MCP extension, which would serve
//     /runtime/webhooks/mcp as well, comes only from the bundle;
//   - no function folders: with the profile's route the host refuses to
//     start beside any function.json (HttpWorkerFunctionProvider, PR
//     #11345);
//   - customHandler.port, optional: a string holding the port the handler
//     listens on (HttpWorkerOptionsSetup reads it with int.TryParse; the
//     host picks one when it is unset, and passes it to the handler either
//     way);
//   - customHandler.http.DefaultAuthorizationLevel, optional: "function"
//     (keys, the default) or "anonymous" (behind built-in authentication).

// CustomHandlerHTTP is customHandler.http.
type CustomHandlerHTTP struct {
	DefaultAuthorizationLevel string `json:"DefaultAuthorizationLevel,omitempty"`
}

// SelfHosted reports whether host.json asks for the self hosting.
func (h *Host) SelfHosted() bool { return h.ConfigurationProfile == hosting.Profile }

// PortNumber is customHandler.port as the host reads it, and whether it is
// a TCP port; 0 and true when unset (the host then picks one).
func (c *CustomHandler) PortNumber() (int, bool) {
	if c == nil || c.Port == nil {
		return 0, true
	}
	var text string
	if json.Unmarshal(c.Port, &text) != nil {
		text = string(c.Port) // a JSON number reads the same through configuration
	}
	n, err := strconv.Atoi(strings.TrimSpace(text))
	return n, err == nil && n >= 1 && n <= 65535
}

func (h *Host) checkSelfHosted(path string, probs *problems) {
	switch {
	case h.ConfigurationProfile == "":
		probs.add(path, "configurationProfile", "customHandler.port and customHandler.http belong to the %q profile: set it, or remove them", hosting.Profile)
	case h.ConfigurationProfile != hosting.Profile:
		// The host compares ordinally (WorkerRuntimeResolver).
		probs.add(path, "configurationProfile", "%q: this app supports %q only, written exactly so", h.ConfigurationProfile, hosting.Profile)
	}
	if h.ExtensionBundle != nil {
		probs.add(path, "extensionBundle", "must be absent with the %s profile: the bundle would load the MCP extension beside the handler's own MCP server", hosting.Profile)
	}
	if !h.checkExecutable(path, probs) {
		return
	}
	if _, ok := h.CustomHandler.PortNumber(); !ok {
		probs.add(path, "customHandler.port", "want the handler's port as a string, such as \"%d\", got %s", hosting.Port, h.CustomHandler.Port)
	}
	if h.CustomHandler.EnableForwardingHttpRequest {
		probs.add(path, "customHandler.enableForwardingHttpRequest", "must be false: the profile proxies requests as they are")
	}
	if hh := h.CustomHandler.HTTP; hh != nil && hh.DefaultAuthorizationLevel != "" {
		switch strings.ToLower(hh.DefaultAuthorizationLevel) {
		case "function", "anonymous", "admin":
		default:
			probs.add(path, "customHandler.http.DefaultAuthorizationLevel", "%q: want function, anonymous or admin", hh.DefaultAuthorizationLevel)
		}
	}
}
