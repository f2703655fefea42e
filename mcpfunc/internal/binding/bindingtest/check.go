package bindingtest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"remote-mcp-functions-go/mcpfunc/internal/binding"
	"remote-mcp-functions-go/mcpfunc/internal/blobstore"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
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

// CheckListing runs the listing and deleting semantics a [decl.Store] must
// have, on container (which must not exist yet), so that the in-memory
// store and storage itself are held to the same: a missing container lists
// as empty; blobs list in name order with their sizes, filtered by prefix,
// a page of at most limit at a time, each page's next listing the rest and
// the last page's empty, and a page of none is refused; a delete finds a
// blob once.
func CheckListing(t *testing.T, s decl.Store, container string) {
	t.Helper()
	ctx := context.Background()
	items, next, err := s.List(ctx, container, "", 10, "")
	if err != nil || len(items) != 0 || next != "" {
		t.Fatalf("a missing container: listed %v, next %q, %v; want nothing", items, next, err)
	}
	// Written out of order: the listing sorts.
	for _, name := range []string{"b/2.txt", "a.txt", "b/1.txt", "c.txt", "ab.txt"} {
		if err := s.Write(ctx, container, name, []byte(name+" data"), nil); err != nil {
			t.Fatalf("write %s: %v", name, err)
		}
	}
	list := func(prefix string, limit int32) []string {
		t.Helper()
		var names []string
		marker := ""
		for page := 0; ; page++ {
			items, next, err := s.List(ctx, container, prefix, limit, marker)
			if err != nil {
				t.Fatalf("list %q after %q: %v", prefix, marker, err)
			}
			if int32(len(items)) > limit {
				t.Fatalf("list %q: %d items in a page of %d", prefix, len(items), limit)
			}
			for _, it := range items {
				if it.Size != int64(len(it.Name+" data")) {
					t.Errorf("%s: size %d, want %d", it.Name, it.Size, len(it.Name+" data"))
				}
				if it.LastModified.IsZero() {
					t.Errorf("%s: no last-modified time", it.Name)
				}
				names = append(names, it.Name)
			}
			if next == "" {
				return names
			}
			if page > 10 {
				t.Fatalf("list %q: more than 10 pages of %d", prefix, limit)
			}
			marker = next
		}
	}
	all := []string{"a.txt", "ab.txt", "b/1.txt", "b/2.txt", "c.txt"}
	for _, limit := range []int32{1, 2, 5, 100} {
		if got := list("", limit); !slices.Equal(got, all) {
			t.Errorf("pages of %d: %v, want %v", limit, got, all)
		}
	}
	if got := list("b/", 1); !slices.Equal(got, []string{"b/1.txt", "b/2.txt"}) {
		t.Errorf("prefix b/: %v", got)
	}
	if got := list("a", 10); !slices.Equal(got, []string{"a.txt", "ab.txt"}) {
		t.Errorf("prefix a: %v", got)
	}
	if got := list("zz", 10); len(got) != 0 {
		t.Errorf("prefix zz: %v", got)
	}
	items, next, err = s.List(ctx, container, "", 2, "")
	if err != nil || len(items) != 2 || next == "" {
		t.Fatalf("the first page of 2: %v, next %q, %v; want 2 and a next", items, next, err)
	}
	if _, _, err := s.List(ctx, container, "", 0, ""); err == nil {
		t.Error("a page of 0 blobs: listed, want an error")
	}

	found, err := s.Delete(ctx, container, "ab.txt")
	if err != nil || !found {
		t.Fatalf("delete ab.txt: found %v, %v", found, err)
	}
	found, err = s.Delete(ctx, container, "ab.txt")
	if err != nil || found {
		t.Fatalf("delete ab.txt again: found %v, %v; want not found", found, err)
	}
	found, err = s.Delete(ctx, container+"-none", "x.txt")
	if err != nil || found {
		t.Fatalf("delete in a missing container: found %v, %v; want not found", found, err)
	}
	if got := list("a", 10); !slices.Equal(got, []string{"a.txt"}) {
		t.Errorf("after the delete, prefix a: %v", got)
	}
	if _, ok, _ := s.Read(ctx, container, "ab.txt"); ok {
		t.Error("a deleted blob reads")
	}
}
