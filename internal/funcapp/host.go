package funcapp

import "strings"

// Host is the part of host.json the app depends on.
type Host struct {
	Version         string           `json:"version"`
	ExtensionBundle *ExtensionBundle `json:"extensionBundle"`
	CustomHandler   *CustomHandler   `json:"customHandler"`
	Extensions      struct {
		MCP MCPOptions `json:"mcp"`
	} `json:"extensions"`
}

// ExtensionBundle selects the bundle that brings the MCP extension.
type ExtensionBundle struct {
	ID      string `json:"id"`
	Version string `json:"version"`
}

// CustomHandler tells the host how to start the handler.
type CustomHandler struct {
	Description struct {
		// DefaultExecutablePath is the handler binary, relative to the app
		// root.
		DefaultExecutablePath string   `json:"defaultExecutablePath"`
		WorkingDirectory      string   `json:"workingDirectory"`
		Arguments             []string `json:"arguments"`
	} `json:"description"`
	EnableForwardingHttpRequest bool `json:"enableForwardingHttpRequest"`
}

// MCPOptions is extensions.mcp: how the MCP extension presents the server.
type MCPOptions struct {
	ServerName    string `json:"serverName"`
	ServerVersion string `json:"serverVersion"`
	Instructions  string `json:"instructions"`
	System        struct {
		WebhookAuthorizationLevel string `json:"webhookAuthorizationLevel"`
	} `json:"system"`
}

// Default server identity of the MCP extension when host.json says nothing.
const (
	DefaultServerName    = "Azure Functions MCP server"
	DefaultServerVersion = "1.0.0"
)

// Executable returns the handler binary's path relative to the app root.
func (h *Host) Executable() string {
	if h.CustomHandler == nil {
		return ""
	}
	return h.CustomHandler.Description.DefaultExecutablePath
}

// BundleID is the extension bundle that carries the MCP extension.
const BundleID = "Microsoft.Azure.Functions.ExtensionBundle"

func (h *Host) check(path string, probs *problems) {
	if h.Version != "2.0" {
		probs.add(path, "version", "must be \"2.0\", got %q", h.Version)
	}
	if h.ExtensionBundle == nil {
		probs.add(path, "extensionBundle", "missing: the MCP extension comes from the extension bundle")
	} else {
		if h.ExtensionBundle.ID != BundleID {
			probs.add(path, "extensionBundle.id", "must be %q, got %q", BundleID, h.ExtensionBundle.ID)
		}
		if h.ExtensionBundle.Version == "" {
			probs.add(path, "extensionBundle.version", "missing (MCP tools need 4.29.0 or later)")
		}
	}
	if h.CustomHandler == nil {
		probs.add(path, "customHandler", "missing: the app is a custom handler")
		return
	}
	exe := h.Executable()
	switch {
	case exe == "":
		probs.add(path, "customHandler.description.defaultExecutablePath", "missing")
	case strings.ContainsAny(exe, `/\`):
		probs.add(path, "customHandler.description.defaultExecutablePath", "%q: keep the binary at the app root", exe)
	}
	if h.CustomHandler.EnableForwardingHttpRequest {
		probs.add(path, "customHandler.enableForwardingHttpRequest", "must be false: MCP tool calls arrive as invocation payloads")
	}
}
