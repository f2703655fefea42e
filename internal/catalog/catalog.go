// Package catalog lists the MCP tools of this function app. It is the single
// source of the handler's routes (each tool here answers POST /<Name>) and
// of the function.json files the host reads, which make generate writes
// from it: functions/<Name>/function.json for each tool, and a test fails
// when a committed file differs.
//
// Adding a tool takes one Go file (its declaration, see package mcpfunc)
// and one line in Tools, then make generate.
package catalog

//go:generate go run ../../cmd/gen -root ../..

import (
	"errors"
	"fmt"
	"strconv"

	"remote-mcp-functions-go/internal/blobstore"
	"remote-mcp-functions-go/internal/funcapp"
	"remote-mcp-functions-go/internal/invoke"
	"remote-mcp-functions-go/internal/mcpfunc"
	"remote-mcp-functions-go/internal/snippet"
)

// Config is the app settings the tools read.
type Config struct {
	// SnippetMaxBytes limits a saved snippet (app setting SNIPPET_MAX_BYTES).
	SnippetMaxBytes int
	// Storage is the app's storage (AzureWebJobsStorage, a connection
	// string or the identity-based settings), for what no binding does:
	// listing and deleting. Nil when the app has no such setting.
	Storage snippet.Store
}

// SnippetMaxBytesSetting is the app setting that changes the snippet limit.
const SnippetMaxBytesSetting = "SNIPPET_MAX_BYTES"

// ConfigFromEnv reads Config from app settings, which the host passes to
// the handler as environment variables. Storage is the account of
// funcapp.StorageSetting in accounts, shared with whatever else reaches
// it (the self hosting's blob bindings): opened, not contacted.
func ConfigFromEnv(getenv func(string) string, accounts *blobstore.Accounts) (Config, error) {
	var c Config
	switch acct, err := accounts.Open(funcapp.StorageSetting); {
	case errors.Is(err, blobstore.ErrNoConnection):
	case err != nil:
		return c, err
	default:
		c.Storage = acct
	}
	if v := getenv(SnippetMaxBytesSetting); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return c, fmt.Errorf("%s=%q: want a positive number of bytes", SnippetMaxBytesSetting, v)
		}
		c.SnippetMaxBytes = n
	}
	return c, nil
}

// Functions returns the app's tools, resources and prompts, one line each.
func Functions(c Config) mcpfunc.Functions {
	snippets := snippet.New(c.SnippetMaxBytes)
	snippets.Storage = c.Storage
	return mcpfunc.Functions{
		Tools: []*mcpfunc.Tool{
			snippet.Hello,
			snippets.GetTool(),
			snippets.SaveTool(),
			snippets.ListTool(),
			snippets.DeleteTool(),
		},
		Resources: []*mcpfunc.Resource{snippet.Resource},
		Prompts:   []*mcpfunc.Prompt{snippet.Review},
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
