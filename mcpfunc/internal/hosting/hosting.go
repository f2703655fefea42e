// Package hosting names the two ways this app runs on Azure Functions and
// what each needs from the host. One app setting, MCP_HOSTING, picks one
// for make start, make package, azd (infra and the packer) and the handler
// itself.
//
//   - Triggers (the default): the Functions host runs the MCP extension
//     from the extension bundle, reads each function's mcpToolTrigger (or
//     resource or prompt trigger), speaks MCP at /runtime/webhooks/mcp and
//     invokes the handler per call (package customhandler).
//   - Self: host.json's configurationProfile is "mcp-custom-handler"; the
//     host loads no MCP extension and forwards every HTTP request to the
//     handler, which is an MCP server itself at /mcp (package selfhost).
//     Azure Functions documents it as a public preview, on Flex
//     Consumption only, for stateless Streamable HTTP servers
//     (MicrosoftDocs azure-docs
//     articles/azure-functions/self-hosted-mcp-servers.md, ms.date
//     10/30/2025).
package hosting

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// Mode is one way of hosting the app.
type Mode string

// The two hostings.
const (
	Triggers Mode = "triggers"
	Self     Mode = "self"
)

// Setting is the app setting (and environment variable for make and azd)
// that picks the hosting; unset means Triggers.
const Setting = "MCP_HOSTING"

// Parse reads a Setting value: "triggers", "self", or empty for Triggers.
func Parse(v string) (Mode, error) {
	switch m := Mode(strings.ToLower(strings.TrimSpace(v))); m {
	case "":
		return Triggers, nil
	case Triggers, Self:
		return m, nil
	}
	return "", fmt.Errorf("%s=%q: want %q (the default) or %q", Setting, v, Triggers, Self)
}

// FromEnv reads the hosting from the environment (or app settings).
func FromEnv(getenv func(string) string) (Mode, error) { return Parse(getenv(Setting)) }

// What the self hosting needs of the host: host.json's profile, and the
// app setting that turns the preview on. The samples set both
// (Azure-Samples/mcp-sdk-functions-hosting-python host.json and
// local.settings.json @3d022aa); on Flex Consumption the host makes the
// worker runtime "custom" when it sees them, which a Go custom handler is
// anyway (Azure/azure-functions-host PR #11355).
const (
	Profile       = "mcp-custom-handler"
	FeatureFlags  = "AzureWebJobsFeatureFlags"
	FeatureFlag   = "EnableMcpCustomHandlerPreview"
	WorkerRuntime = "FUNCTIONS_WORKER_RUNTIME"
	CustomRuntime = "custom"
)

// Port is customHandler.port in the self-hosted host.json: the port the
// host forwards to, and passes to the handler as
// FUNCTIONS_CUSTOMHANDLER_PORT (Azure/azure-functions-host
// src/WebJobs.Script/Workers/Http/HttpWorkerProcess.cs). The profile's
// documented host.json gives one; it is a string there, as the samples
// write it.
const Port = 8071

// PortSetting is where the host passes the handler its port, in either
// hosting.
const PortSetting = "FUNCTIONS_CUSTOMHANDLER_PORT"

// ListenAddr is where the handler listens under the host: loopback, on the
// port the host chose (getenv reads PortSetting). The host calls
// 127.0.0.1 and nothing else should reach the handler.
func ListenAddr(getenv func(string) string) (string, error) {
	port := getenv(PortSetting)
	n, err := strconv.Atoi(port)
	if port == "" || err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("%s=%q: want a TCP port (1-65535); the Functions host sets it", PortSetting, port)
	}
	return net.JoinHostPort("127.0.0.1", port), nil
}
