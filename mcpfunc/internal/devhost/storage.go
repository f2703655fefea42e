package devhost

import (
	"fmt"
	"slices"

	"remote-mcp-functions-go/mcpfunc/internal/blobstore"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
)

// StorageInfo describes one storage connection devhost opened, for the
// start-up banner: never the connection string, which holds the key.
type StorageInfo struct {
	Connection string // the setting name
	Endpoint   string // the blob endpoint, without query
	FromFile   bool   // whether the setting came from local.settings.json
}

// OpenStorage opens one blob store per connection the app's blob bindings
// name, reading each connection from settings as the host does (a
// connection string, or an identity-based one: see
// [blobstore.OpenSetting]). Nothing is sent to storage: devhost starts,
// and keeps running, while the emulator is down.
func OpenStorage(app *funcapp.App, settings *Settings, opts *blobstore.Options) (map[string]BlobStore, []StorageInfo, error) {
	var names []string
	for _, f := range app.Functions {
		for _, dir := range []string{funcapp.In, funcapp.Out} {
			for _, b := range f.Blobs(dir) {
				if !slices.Contains(names, b.Connection) {
					names = append(names, b.Connection)
				}
			}
		}
	}
	slices.Sort(names)
	stores := make(map[string]BlobStore, len(names))
	var infos []StorageInfo
	for _, name := range names {
		acct, err := blobstore.OpenSetting(name, settings.Lookup, opts)
		if err != nil {
			return nil, nil, fmt.Errorf("storage connection %s: %w", name, err)
		}
		stores[name] = acct
		infos = append(infos, StorageInfo{Connection: name, Endpoint: acct.BlobEndpoint(), FromFile: settings.FromFile(name)})
	}
	return stores, infos, nil
}
