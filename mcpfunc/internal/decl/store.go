package decl

import (
	"context"

	"remote-mcp-functions-go/mcpfunc/internal/blobstore"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
)

// Store is a storage account as a function reaches it through its Call,
// for what no binding does (listing, deleting): *blobstore.Account, or an
// in-memory store in tests.
type Store interface {
	Read(ctx context.Context, container, blob string) (data []byte, found bool, err error)
	Write(ctx context.Context, container, blob string, data []byte, cond *blobstore.Version) error
	List(ctx context.Context, container, prefix string, limit int32, marker string) (items []blobstore.BlobItem, next string, err error)
	Delete(ctx context.Context, container, blob string) (found bool, err error)
}

// Stores is a Call's Store from the accounts of the app settings: one
// account per connection setting, shared with the blob bindings.
func Stores(accounts *blobstore.Accounts) func(connection string) (Store, error) {
	return func(connection string) (Store, error) {
		if connection == "" {
			connection = funcapp.StorageSetting
		}
		acct, err := accounts.Open(connection)
		if err != nil {
			return nil, err
		}
		return acct, nil
	}
}
