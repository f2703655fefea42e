package selfhost_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/apphook"
	"remote-mcp-functions-go/mcpfunc/internal/blobstore"
	"remote-mcp-functions-go/mcpfunc/internal/fixture"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/selfhost"
)

// The app's own storage calls (Call.Storage: the fixture's keys and
// remove) and the blob bindings reach storage through one client: the
// account of the connection setting, opened once.
func TestOneAccountPerSetting(t *testing.T) {
	settings := map[string]string{funcapp.StorageSetting: "UseDevelopmentStorage=true", selfhost.KeySetting: "k"}
	lookup := func(k string) (string, bool) { v, ok := settings[k]; return v, ok }
	accounts := blobstore.NewAccounts(lookup, nil)
	app, err := fixture.New()
	require.NoError(t, err)
	a, err := apphook.Of(app)
	require.NoError(t, err)
	opts, err := selfhost.OptionsFromEnv(a.Functions, lookup, accounts, true)
	require.NoError(t, err)
	require.Len(t, opts.Stores, 1, "the app's bindings name one connection")
	own, err := opts.Store("")
	require.NoError(t, err)
	assert.Same(t, opts.Stores[funcapp.StorageSetting], own, "one account for the setting")
	named, err := opts.Store(funcapp.StorageSetting)
	require.NoError(t, err)
	assert.Same(t, own, named, `"" names AzureWebJobsStorage`)
	assert.Equal(t, "k", opts.Key, "facing clients directly, the local key is read")

	opts, err = selfhost.OptionsFromEnv(a.Functions, lookup, accounts, false)
	require.NoError(t, err)
	assert.Empty(t, opts.Key, "behind the host, no key")
}
