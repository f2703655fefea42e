// Package catalog lists the MCP tools of this function app. It is the single
// source of the handler's routes: each tool here answers POST /<Name>, and
// the function app checks require a functions/<Name>/function.json for each
// one and the reverse.
//
// Adding a tool takes three steps: a functions/<name>/function.json with an
// mcpToolTrigger, a Go function with the signature of mcptool.Tool.Run, and
// one line in Tools.
package catalog

import (
	"fmt"
	"strconv"

	"remote-mcp-functions-go/internal/invoke"
	"remote-mcp-functions-go/internal/mcptool"
	"remote-mcp-functions-go/internal/snippet"
)

// Config is the app settings the tools read.
type Config struct {
	// SnippetMaxBytes limits a saved snippet (app setting SNIPPET_MAX_BYTES).
	SnippetMaxBytes int
}

// SnippetMaxBytesSetting is the app setting that changes the snippet limit.
const SnippetMaxBytesSetting = "SNIPPET_MAX_BYTES"

// ConfigFromEnv reads Config from app settings, which the host passes to
// the handler as environment variables.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	var c Config
	if v := getenv(SnippetMaxBytesSetting); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return c, fmt.Errorf("%s=%q: want a positive number of bytes", SnippetMaxBytesSetting, v)
		}
		c.SnippetMaxBytes = n
	}
	return c, nil
}

// Tools returns the app's tools.
func Tools(c Config) []mcptool.Tool {
	snippets := snippet.New(c.SnippetMaxBytes)
	return []mcptool.Tool{
		{Name: "hello", Kind: mcptool.Plain, Run: snippet.Hello},
		{Name: "getsnippet", Kind: mcptool.Rich, Inputs: []string{snippet.BlobBinding}, TooLarge: snippets.GetTooLarge(), Run: snippets.Get},
		{Name: "savesnippet", Kind: mcptool.Rich, Outputs: []string{snippet.BlobBinding}, TooLarge: snippets.SaveTooLarge(), Run: snippets.Save},
	}
}

// MaxBodyBytes is the handler's body limit for these tools: a snippet at
// the content limit with the longest name, or a blob input of that size,
// in the host's worst-case encoding. Anything within the tools' limits is
// always read; a body over it is far beyond them.
func (c Config) MaxBodyBytes() int64 {
	n := int64(snippet.New(c.SnippetMaxBytes).MaxBytes)
	return invoke.MaxPayloadBytes(n+snippet.MaxName, n)
}
