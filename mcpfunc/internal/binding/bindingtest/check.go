package bindingtest

import (
	"context"
	"errors"
	"testing"

	"remote-mcp-functions-go/mcpfunc/internal/binding"
	"remote-mcp-functions-go/mcpfunc/internal/blobstore"
)

// CheckConditions runs the conditional-write semantics a binding.Store
// must have, on container/blob (which must not exist yet), so that the
// in-memory store and storage itself are held to the same: a write on
// condition of a version lands while the blob is still that version and
// fails with blobstore.ErrChanged, writing nothing, once it was written or
// deleted since; a write without a condition lands over anything. remove
// deletes the blob as another caller would.
func CheckConditions(t *testing.T, s binding.Store, container, blob string, remove func(container, blob string)) {
	t.Helper()
	ctx := context.Background()
	content := func() (string, bool) {
		t.Helper()
		b, found, err := s.Read(ctx, container, blob)
		if err != nil {
			t.Fatalf("read %s/%s: %v", container, blob, err)
		}
		return string(b), found
	}
	current := func() blobstore.Version {
		t.Helper()
		v, err := s.Current(ctx, container, blob)
		if err != nil {
			t.Fatalf("current %s/%s: %v", container, blob, err)
		}
		return v
	}
	write := func(data string, cond *blobstore.Version) error {
		return s.Write(ctx, container, blob, []byte(data), cond)
	}
	want := func(what, data string) {
		t.Helper()
		if got, found := content(); !found || got != data {
			t.Errorf("%s: the blob holds %q (found %v), want %q", what, got, found, data)
		}
	}
	changed := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, blobstore.ErrChanged) {
			t.Errorf("%s: got %v, want an error matching blobstore.ErrChanged", what, err)
		}
	}

	absent := current()
	if absent.Exists() {
		t.Fatalf("%s/%s exists already", container, blob)
	}
	if err := write("first", &absent); err != nil {
		t.Fatalf("write on condition of its absence: %v", err)
	}
	changed("absent, then written", write("late", &absent))
	want("after a refused write", "first")

	v1 := current()
	if !v1.Exists() || v1 == absent {
		t.Fatalf("a written blob has the version %+v", v1)
	}
	if err := write("second", &v1); err != nil {
		t.Fatalf("write on condition of the current version: %v", err)
	}
	changed("written since", write("late", &v1))
	want("after a refused write", "second")

	v2 := current()
	remove(container, blob)
	changed("deleted since", write("late", &v2))
	if _, found := content(); found {
		t.Error("a refused write brought a deleted blob back")
	}

	if err := write("any", nil); err != nil {
		t.Fatalf("write without a condition: %v", err)
	}
	if err := write("over", nil); err != nil {
		t.Fatalf("write without a condition over a blob: %v", err)
	}
	want("unconditional writes", "over")
}
