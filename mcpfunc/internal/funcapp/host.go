package funcapp

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Host is the part of host.json the app depends on.
type Host struct {
	Version string `json:"version"`
	// ConfigurationProfile is "mcp-custom-handler" in the self hosting
	// (see selfhosted.go), empty otherwise.
	ConfigurationProfile string `json:"configurationProfile"`
	// FunctionTimeoutText is functionTimeout as written, a .NET TimeSpan
	// such as "00:05:00"; see FunctionTimeout.
	FunctionTimeoutText string           `json:"functionTimeout"`
	ExtensionBundle     *ExtensionBundle `json:"extensionBundle"`
	CustomHandler       *CustomHandler   `json:"customHandler"`
	Extensions          struct {
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
	// Port and HTTP: the self hosting's (see selfhosted.go).
	Port json.RawMessage    `json:"port,omitempty"`
	HTTP *CustomHandlerHTTP `json:"http,omitempty"`
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

// DefaultFunctionTimeout is the host's limit on one invocation when
// host.json sets none, on Flex Consumption and when run locally
// (Azure/azure-functions-host src/WebJobs.Script/Config/ScriptJobHostOptionsSetup.cs
// @89dc438d: DefaultFunctionTimeout).
const DefaultFunctionTimeout = 30 * time.Minute

// FunctionTimeout is how long one invocation may run: functionTimeout, or
// DefaultFunctionTimeout when unset; 0 for "-1", which means no limit on
// the plans that allow it (Flex Consumption among them, and func start).
func (h *Host) FunctionTimeout() (time.Duration, error) {
	if h.FunctionTimeoutText == "" {
		return DefaultFunctionTimeout, nil
	}
	d, err := parseTimeSpan(h.FunctionTimeoutText)
	switch {
	case err != nil:
		return 0, err
	case d == -24*time.Hour:
		return 0, nil
	case d < time.Second:
		return 0, fmt.Errorf("%q: the host wants at least 00:00:01, or -1 for no limit", h.FunctionTimeoutText)
	}
	return d, nil
}

// parseTimeSpan reads the .NET TimeSpan forms host.json uses:
// [-][d.]hh:mm[:ss[.fffffff]], or a whole number of days.
func parseTimeSpan(s string) (time.Duration, error) {
	bad := fmt.Errorf("%q is not a TimeSpan such as 00:05:00", s)
	text, neg := strings.CutPrefix(strings.TrimSpace(s), "-")
	if n, err := strconv.Atoi(text); err == nil {
		d := time.Duration(n) * 24 * time.Hour
		if neg {
			d = -d
		}
		return d, nil
	}
	var days int
	if dot, colon := strings.IndexByte(text, '.'), strings.IndexByte(text, ':'); dot >= 0 && dot < colon {
		n, err := strconv.Atoi(text[:dot])
		if err != nil {
			return 0, bad
		}
		days, text = n, text[dot+1:]
	}
	parts := strings.Split(text, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, bad
	}
	h, err1 := strconv.Atoi(parts[0])
	m, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || h > 23 || m > 59 {
		return 0, bad
	}
	var sec float64
	if len(parts) == 3 {
		v, err := strconv.ParseFloat(parts[2], 64)
		if err != nil || v >= 60 {
			return 0, bad
		}
		sec = v
	}
	d := time.Duration(days)*24*time.Hour + time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec*float64(time.Second))
	if neg {
		d = -d
	}
	return d, nil
}

func (h *Host) check(path string, probs *problems) {
	if h.Version != "2.0" {
		probs.add(path, "version", "must be \"2.0\", got %q", h.Version)
	}
	if _, err := h.FunctionTimeout(); err != nil {
		probs.add(path, "functionTimeout", "%v", err)
	}
	if h.ConfigurationProfile != "" || h.CustomHandler != nil && (h.CustomHandler.Port != nil || h.CustomHandler.HTTP != nil) {
		h.checkSelfHosted(path, probs)
		return
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
	if !h.checkExecutable(path, probs) {
		return
	}
	if h.CustomHandler.EnableForwardingHttpRequest {
		probs.add(path, "customHandler.enableForwardingHttpRequest", "must be false: MCP tool calls arrive as invocation payloads")
	}
}

// checkExecutable checks customHandler.description's executable, in
// either hosting; false when there is no customHandler at all.
func (h *Host) checkExecutable(path string, probs *problems) bool {
	if h.CustomHandler == nil {
		probs.add(path, "customHandler", "missing: the app is a custom handler")
		return false
	}
	exe := h.Executable()
	switch {
	case exe == "":
		probs.add(path, "customHandler.description.defaultExecutablePath", "missing")
	case strings.ContainsAny(exe, `/\`):
		probs.add(path, "customHandler.description.defaultExecutablePath", "%q: keep the binary at the app root", exe)
	}
	return true
}
