package blobstore_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/binding/bindingtest"
	"remote-mcp-functions-go/mcpfunc/internal/blobstore"
	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// TestAzuriteConditions checks the conditional writes against a real
// Azurite: what storage answers to each condition, and that a refused
// write leaves the blob as it was.
func TestAzuriteConditions(t *testing.T) {
	az := testenv.SharedAzurite(t)
	acct, err := blobstore.Open(az.ConnectionString(), nil)
	require.NoError(t, err)
	ctx := context.Background()
	const c = "conditions" // a container of its own: it does not exist yet
	content := func(name string) string {
		b, ok := az.Blob(t, c, name)
		require.True(t, ok)
		return string(b)
	}

	absent, err := acct.Current(ctx, c, "n.json")
	require.NoError(t, err, "a missing container")
	assert.False(t, absent.Exists())
	require.NoError(t, acct.Write(ctx, c, "n.json", []byte("first"), &absent))
	again, err := acct.Current(ctx, c, "other.json")
	require.NoError(t, err, "a missing blob")
	assert.False(t, again.Exists())

	err = acct.Write(ctx, c, "n.json", []byte("late"), &absent)
	require.ErrorIs(t, err, blobstore.ErrChanged)
	assert.Contains(t, err.Error(), "HTTP 409 BlobAlreadyExists")
	assert.Equal(t, "first", content("n.json"))

	v1, err := acct.Current(ctx, c, "n.json")
	require.NoError(t, err)
	require.True(t, v1.Exists())
	require.NoError(t, acct.Write(ctx, c, "n.json", []byte("second"), &v1))
	err = acct.Write(ctx, c, "n.json", []byte("late"), &v1)
	require.ErrorIs(t, err, blobstore.ErrChanged)
	assert.Contains(t, err.Error(), "HTTP 412 ConditionNotMet")
	assert.Equal(t, "second", content("n.json"))

	v2, err := acct.Current(ctx, c, "n.json")
	require.NoError(t, err)
	found, err := acct.Delete(ctx, c, "n.json")
	require.NoError(t, err)
	require.True(t, found)
	err = acct.Write(ctx, c, "n.json", []byte("late"), &v2)
	require.ErrorIs(t, err, blobstore.ErrChanged, "deleted since v2")
	_, ok := az.Blob(t, c, "n.json")
	assert.False(t, ok, "still deleted")
}

// TestAzuriteSameAsInMemory holds Azurite to the conditional-write
// semantics the in-memory store of the unit tests has.
func TestAzuriteSameAsInMemory(t *testing.T) {
	az := testenv.SharedAzurite(t)
	acct, err := blobstore.Open(az.ConnectionString(), nil)
	require.NoError(t, err)
	bindingtest.CheckConditions(t, acct, "conformance", "n.json", func(container, blob string) {
		_, err := acct.Delete(context.Background(), container, blob)
		require.NoError(t, err)
	})
}

// TestAzuriteListingSameAsInMemory holds Azurite to the listing and
// deleting semantics the in-memory store of the unit tests (and of
// mcpfunctest) has.
func TestAzuriteListingSameAsInMemory(t *testing.T) {
	az := testenv.SharedAzurite(t)
	acct, err := blobstore.Open(az.ConnectionString(), nil)
	require.NoError(t, err)
	bindingtest.CheckListing(t, acct, "listing")
}

// TestAzuriteHostWrite: a write without a condition, in the host's steps
// (an empty blob, then blocks committed on it), stores the content exactly,
// over several blocks when it is larger than one, replacing what was there.
func TestAzuriteHostWrite(t *testing.T) {
	az := testenv.SharedAzurite(t)
	acct, err := blobstore.Open(az.ConnectionString(), nil)
	require.NoError(t, err)
	ctx := context.Background()
	az.PutBlob(t, "items", "hostwrite.json", []byte("old content"))
	for _, data := range [][]byte{
		[]byte("print(1)"),
		{},
		bytes.Repeat([]byte("0123456789abcdef"), (4<<20)/16+1), // 4 MiB + 16: two blocks
	} {
		require.NoError(t, acct.Write(ctx, "items", "hostwrite.json", data, nil))
		got, ok := az.Blob(t, "items", "hostwrite.json")
		require.True(t, ok)
		assert.True(t, bytes.Equal(data, got), "%d bytes written, %d read", len(data), len(got))
	}
}
