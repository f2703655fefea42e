package selfhost

import (
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"

	"remote-mcp-functions-go/mcpfunc/internal/blobstore"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/reqstate"
)

// KeySetting is the local key variable: the one devhost's key mode reads.
// With it set, a server run directly (Options.Direct) requires it.
const KeySetting = "MCP_EXTENSION_KEY"

// StateKeySetting is the app setting of the key that seals confirmations'
// request states (Options.StateKey): base64 (standard, padded) of at
// least 32 random bytes, the same on every instance. The infrastructure
// sets it; unset, each process makes its own.
const StateKeySetting = "MCP_STATE_KEY"

// OptionsFromEnv reads what a server for fns needs from the app settings
// (lookup is os.LookupEnv): the stores of its blob bindings (OpenStores,
// from accounts, which the app's own code shares) and, when it faces
// clients directly, the local key. Behind the Functions host no key is
// read: the host checks keys there.
func OptionsFromEnv(fns decl.Functions, lookup func(string) (string, bool), accounts *blobstore.Accounts, direct bool) (Options, error) {
	stores, err := OpenStores(fns, accounts)
	if err != nil {
		return Options{}, err
	}
	opts := Options{Stores: stores, Store: decl.Stores(accounts), Direct: direct}
	if v, ok := lookup(StateKeySetting); ok && v != "" {
		// The value is a secret: no error says it.
		key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v))
		if err != nil {
			return Options{}, fmt.Errorf("app setting %s is not standard base64 (%d characters); make one with: openssl rand -base64 32", StateKeySetting, len(v))
		}
		if len(key) < reqstate.MinKeyBytes {
			return Options{}, fmt.Errorf("app setting %s holds %d bytes; it needs at least %d: make one with: openssl rand -base64 32", StateKeySetting, len(key), reqstate.MinKeyBytes)
		}
		opts.StateKey = key
	}
	if direct {
		opts.Key, _ = lookup(KeySetting)
	}
	return opts, nil
}

// FromEnv is New with the options OptionsFromEnv reads: what the handler
// runs in the self hosting.
func FromEnv(fns decl.Functions, server decl.ServerInfo, log *slog.Logger, lookup func(string) (string, bool), accounts *blobstore.Accounts, direct bool) (*Server, error) {
	opts, err := OptionsFromEnv(fns, lookup, accounts, direct)
	if err != nil {
		return nil, err
	}
	opts.Server, opts.Logger = server, log
	return New(fns, opts)
}
