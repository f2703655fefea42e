package devhost

// The MCP endpoint is guarded with one key, as the host guards
// /runtime/webhooks/mcp with the system key mcp_extension: package guard
// checks it (x-functions-key or ?code=, the extension's McpConstants), and
// an empty key lets everything through, like func start.
