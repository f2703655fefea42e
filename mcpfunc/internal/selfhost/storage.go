package selfhost

import (
	"fmt"

	"remote-mcp-functions-go/mcpfunc/internal/binding"
	"remote-mcp-functions-go/mcpfunc/internal/blobstore"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
)

// OpenStores opens one blob store per connection setting the declarations'
// blob bindings name, as the host opens them: a connection string
// (UseDevelopmentStorage=true for Azurite), or the identity-based
// <name>__blobServiceUri, __credential and __clientId settings the app
// runs with on Azure (see blobstore.OpenSetting). Each is the account
// accounts has for the setting, shared with the app's own code that
// reaches it. Nothing is sent to storage yet.
func OpenStores(fns decl.Functions, accounts *blobstore.Accounts) (map[string]binding.Store, error) {
	names := fns.Connections()
	stores := make(map[string]binding.Store, len(names))
	for _, name := range names {
		acct, err := accounts.Open(name)
		if err != nil {
			return nil, fmt.Errorf("storage for the blob bindings: %w", err)
		}
		stores[name] = acct
	}
	return stores, nil
}
