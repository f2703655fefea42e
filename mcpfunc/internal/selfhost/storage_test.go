package selfhost

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/blobstore"
	"remote-mcp-functions-go/mcpfunc/internal/catalog"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
)

// The app's own storage calls (the snippet tools' list and delete) and
// the blob bindings reach storage through one client: the account of the
// connection setting, opened once.
func TestOneAccountPerSetting(t *testing.T) {
	settings := map[string]string{funcapp.StorageSetting: "UseDevelopmentStorage=true", KeySetting: "k"}
	lookup := func(k string) (string, bool) { v, ok := settings[k]; return v, ok }
	accounts := blobstore.NewAccounts(lookup, nil)
	cfg, err := catalog.ConfigFromEnv(func(k string) string { return settings[k] }, accounts)
	require.NoError(t, err)
	opts, err := OptionsFromEnv(catalog.Functions(cfg), lookup, accounts, true)
	require.NoError(t, err)
	require.Len(t, opts.Stores, 1, "the app's bindings name one connection")
	assert.Same(t, cfg.Storage, opts.Stores[funcapp.StorageSetting], "one account for the setting")
	assert.Equal(t, "k", opts.Key, "facing clients directly, the local key is read")

	opts, err = OptionsFromEnv(catalog.Functions(cfg), lookup, accounts, false)
	require.NoError(t, err)
	assert.Empty(t, opts.Key, "behind the host, no key")
}
