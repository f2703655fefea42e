package mcpfunc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"remote-mcp-functions-go/mcpfunc/internal/blobstore"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
)

// Storage is a storage account's blobs, for what no binding does: listing,
// deleting, or blobs whose names no path can build. It is the account the
// app's blob bindings use for the same connection setting, with the same
// client: on Azure the app's managed identity, locally Azurite.
//
// Each operation is bounded in time, retries included; an error says
// what failed, never with secrets, and matches [ErrUnconfirmed] when the
// request reached storage but no answer came back.
type Storage struct{ s decl.Store }

// Storage returns the storage account of a connection setting, as a blob
// binding's Connection names it: "" means AzureWebJobsStorage, the app's
// own storage. It fails when the setting is missing or malformed.
func (c *Call) Storage(connection string) (*Storage, error) {
	if c.c.Store == nil {
		return nil, errors.New("no storage in this hosting")
	}
	s, err := c.c.Store(connection)
	if err != nil {
		return nil, err
	}
	return &Storage{s: s}, nil
}

// ErrUnconfirmed is the error of a storage operation that was sent and got
// no answer within its time: it may or may not have taken effect.
var ErrUnconfirmed = errors.New("storage did not confirm the operation")

// ErrBadCursor is the error of a listing whose cursor storage refused: not
// one it gave.
var ErrBadCursor = errors.New("storage refused the cursor")

// BlobInfo is one blob of a listing.
type BlobInfo struct {
	Name         string
	Size         int64
	LastModified time.Time
}

// Read returns a blob's bytes; found is false when it (or its container)
// does not exist.
func (s *Storage) Read(ctx context.Context, container, name string) (data []byte, found bool, err error) {
	data, found, err = s.s.Read(ctx, container, name)
	return data, found, storageError(err)
}

// Write stores a blob, replacing any blob of that name and creating the
// container when needed.
func (s *Storage) Write(ctx context.Context, container, name string, data []byte) error {
	return storageError(s.s.Write(ctx, container, name, data, nil))
}

// List lists up to max blobs of a container whose names start with prefix,
// in name order, from cursor (empty for the first page); next is the
// cursor of the following page, empty after the last. A max of zero or
// less, or over 5000, is storage's own page of 5000. A missing container
// lists as empty. A cursor storage refuses (not one it gave) gives an
// error that matches [ErrBadCursor].
func (s *Storage) List(ctx context.Context, container, prefix string, max int, cursor string) (blobs []BlobInfo, next string, err error) {
	if max <= 0 || max > maxPage {
		max = maxPage
	}
	items, next, err := s.s.List(ctx, container, prefix, int32(max), cursor)
	var refused *blobstore.Error
	if cursor != "" && errors.As(err, &refused) && refused.Status == http.StatusBadRequest {
		return nil, "", fmt.Errorf("%w: %v", ErrBadCursor, err)
	}
	if err != nil {
		return nil, "", storageError(err)
	}
	blobs = make([]BlobInfo, len(items))
	for i, it := range items {
		blobs[i] = BlobInfo{Name: it.Name, Size: it.Size, LastModified: it.LastModified}
	}
	return blobs, next, nil
}

// maxPage is the most blobs storage lists in one page.
const maxPage = 5000

// Delete deletes a blob; found is false when there was none.
func (s *Storage) Delete(ctx context.Context, container, name string) (found bool, err error) {
	found, err = s.s.Delete(ctx, container, name)
	return found, storageError(err)
}

// storageError marks an unconfirmed operation with ErrUnconfirmed.
func storageError(err error) error {
	if errors.Is(err, blobstore.ErrUnconfirmed) {
		return fmt.Errorf("%w: %v", ErrUnconfirmed, err)
	}
	return err
}
