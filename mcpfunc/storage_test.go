package mcpfunc

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/binding/bindingtest"
	"remote-mcp-functions-go/mcpfunc/internal/blobstore"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
)

// failing is a store whose every operation fails with err, recording the
// page size it was asked for.
type failing struct {
	decl.Store
	err   error
	limit int32
}

func (f *failing) List(_ context.Context, _, _ string, limit int32, _ string) ([]blobstore.BlobItem, string, error) {
	f.limit = limit
	return nil, "", f.err
}

func (f *failing) Delete(context.Context, string, string) (bool, error) { return false, f.err }

// Storage's errors say what storage did, in the library's own sentinels.
func TestStorageErrors(t *testing.T) {
	ctx := context.Background()
	refused := &blobstore.Error{Op: "list", Container: "c", Status: 400, Code: "OutOfRangeInput", Reason: "storage answered HTTP 400 OutOfRangeInput"}
	s := &Storage{s: &failing{err: refused}}
	_, _, err := s.List(ctx, "c", "", 10, "not-a-marker")
	assert.ErrorIs(t, err, ErrBadCursor, "a cursor storage refused")
	assert.ErrorContains(t, err, "OutOfRangeInput", "with storage's reason")
	_, _, err = s.List(ctx, "c", "", 10, "")
	assert.NotErrorIs(t, err, ErrBadCursor, "no cursor, no bad cursor")

	unanswered := &blobstore.Error{Op: "delete", Container: "c", Blob: "b", Reason: "storage budget spent", Unconfirmed: true}
	s = &Storage{s: &failing{err: unanswered}}
	_, err = s.Delete(ctx, "c", "b")
	assert.ErrorIs(t, err, ErrUnconfirmed)
	assert.ErrorContains(t, err, "storage budget spent")

	other := errors.New("dial tcp: connection refused")
	s = &Storage{s: &failing{err: other}}
	_, err = s.Delete(ctx, "c", "b")
	assert.Same(t, other, err, "any other error as it is")
}

// List asks storage for a page it serves: at most 5000, which is also what
// zero or less means.
func TestStorageListPage(t *testing.T) {
	f := &failing{}
	s := &Storage{s: f}
	for max, want := range map[int]int32{10: 10, 5000: 5000, 5001: 5000, 0: 5000, -1: 5000, 1 << 30: 5000} {
		_, _, err := s.List(context.Background(), "c", "", max, "")
		require.NoError(t, err)
		assert.Equal(t, want, f.limit, "max %d", max)
	}
}

// Storage reads, writes, lists and deletes through the store it was given.
func TestStorageOperations(t *testing.T) {
	ctx := context.Background()
	mem := bindingtest.NewStore()
	call := &Call{c: &decl.Call{Store: func(connection string) (decl.Store, error) {
		if connection != "" {
			return nil, errors.New("no such setting: " + connection)
		}
		return mem, nil
	}}}
	_, err := call.Storage("Other")
	assert.EqualError(t, err, "no such setting: Other")
	s, err := call.Storage("")
	require.NoError(t, err)

	require.NoError(t, s.Write(ctx, "c", "b.txt", []byte("hello")))
	data, found, err := s.Read(ctx, "c", "b.txt")
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, "hello", string(data))
	_, found, err = s.Read(ctx, "c", "none.txt")
	require.NoError(t, err)
	assert.False(t, found)

	blobs, next, err := s.List(ctx, "c", "", 10, "")
	require.NoError(t, err)
	assert.Empty(t, next)
	require.Len(t, blobs, 1)
	assert.Equal(t, "b.txt", blobs[0].Name)
	assert.Equal(t, int64(5), blobs[0].Size)
	assert.WithinDuration(t, time.Now(), blobs[0].LastModified, time.Hour, "a time of this run, not zero")

	found, err = s.Delete(ctx, "c", "b.txt")
	require.NoError(t, err)
	assert.True(t, found)
	found, err = s.Delete(ctx, "c", "b.txt")
	require.NoError(t, err)
	assert.False(t, found)
}
