// Package bindingtest has an in-memory blob store for the tests of what
// runs blob bindings (devhost and the self hosting) and of functions that
// use their app's storage (mcpfunctest): a [binding.Store] and a
// [decl.Store]. Blobs are kept by "container/blob" path with an ETag and
// a time of last write each; it has the conditional writes storage has (a
// write on condition of a version fails with blobstore.ErrChanged once
// the blob changed), listings in name order a page at a time, counts of
// reads and writes, writes a test holds until it lets them go, and
// failures a test switches on and off. CheckConditions and CheckListing
// hold it and storage itself to the same behaviour.
package bindingtest

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"remote-mcp-functions-go/mcpfunc/internal/binding"
	"remote-mcp-functions-go/mcpfunc/internal/blobstore"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
)

// Store is an in-memory blob store, safe for concurrent use.
type Store struct {
	mu                sync.Mutex
	blobs             map[string][]byte
	etags             map[string]string
	modified          map[string]time.Time
	version           int
	readErr, writeErr error
	reads, writes     int
	held              chan<- HeldWrite
}

var (
	_ binding.Store = (*Store)(nil)
	_ decl.Store    = (*Store)(nil)
)

// NewStore returns an empty store.
func NewStore() *Store {
	return &Store{blobs: map[string][]byte{}, etags: map[string]string{}, modified: map[string]time.Time{}}
}

// Read returns the blob at container/blob, or the error FailReads set.
func (s *Store) Read(_ context.Context, container, blob string) ([]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	if s.readErr != nil {
		return nil, false, s.readErr
	}
	b, ok := s.blobs[container+"/"+blob]
	return b, ok, nil
}

// Current returns the blob's version: its ETag, or the zero Version when
// it does not exist. FailReads fails it too.
func (s *Store) Current(_ context.Context, container, blob string) (blobstore.Version, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.readErr != nil {
		return blobstore.Version{}, s.readErr
	}
	return blobstore.Version{ETag: s.etags[container+"/"+blob]}, nil
}

// HeldWrite is a write the store holds (see HoldWrites).
type HeldWrite struct {
	Path    string // "container/blob"
	release chan struct{}
}

// Release lets the write go on.
func (h HeldWrite) Release() { close(h.release) }

// HoldWrites makes every write from now on wait, after it is delivered on
// the returned channel, until the test releases it; stop ends the holding
// (writes already held stay held until released).
func (s *Store) HoldWrites() (held <-chan HeldWrite, stop func()) {
	c := make(chan HeldWrite, 16)
	s.mu.Lock()
	s.held = c
	s.mu.Unlock()
	return c, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.held = nil
	}
}

// Write stores a copy of data under a new ETag, or fails: with the error
// FailWrites set, or, given cond, when the blob is no longer at that
// version (with an error matching blobstore.ErrChanged, as storage's 412
// or 409 does). A failed write counts as none.
func (s *Store) Write(_ context.Context, container, blob string, data []byte, cond *blobstore.Version) error {
	path := container + "/" + blob
	s.mu.Lock()
	held := s.held
	s.mu.Unlock()
	if held != nil {
		h := HeldWrite{Path: path, release: make(chan struct{})}
		held <- h
		<-h.release
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.writeErr != nil {
		return s.writeErr
	}
	if cond != nil && cond.ETag != s.etags[path] {
		status, code := http.StatusPreconditionFailed, "ConditionNotMet"
		if !cond.Exists() {
			status, code = http.StatusConflict, "BlobAlreadyExists"
		}
		return &blobstore.Error{Op: "write", Container: container, Blob: blob, Status: status, Code: code,
			Reason: fmt.Sprintf("storage answered HTTP %d %s: the blob changed since the call saw it", status, code), Changed: true}
	}
	s.writes++
	s.set(path, append([]byte(nil), data...))
	return nil
}

// set puts data at path with a new ETag, modified now (to the second, as
// storage keeps it); s.mu is held.
func (s *Store) set(path string, data []byte) {
	s.version++
	s.blobs[path] = data
	s.etags[path] = `"0x` + strconv.Itoa(s.version) + `"`
	s.modified[path] = time.Now().UTC().Truncate(time.Second)
}

// Get returns the blob at path ("container/blob").
func (s *Store) Get(path string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.blobs[path]
	return b, ok
}

// Set puts data at path ("container/blob") as it is (nil included), as
// another writer would: it gets a new ETag.
func (s *Store) Set(path string, data []byte) {
	if !strings.Contains(path, "/") {
		panic("bindingtest: Set wants container/blob, got " + path)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.set(path, data)
}

// Remove removes the blob at path ("container/blob"), as another writer
// would.
func (s *Store) Remove(path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.remove(path)
}

// remove deletes path's blob; s.mu is held.
func (s *Store) remove(path string) {
	delete(s.blobs, path)
	delete(s.etags, path)
	delete(s.modified, path)
}

// List lists up to limit blobs of container whose names start with prefix,
// in name order, after marker (the next of the previous page: the last
// name it listed); next is empty after the last page. A limit over 5000
// lists 5000; one of zero or less is refused with 400, as storage refuses
// it. FailReads fails it.
func (s *Store) List(_ context.Context, container, prefix string, limit int32, marker string) (items []blobstore.BlobItem, next string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.readErr != nil {
		return nil, "", s.readErr
	}
	if limit <= 0 {
		return nil, "", &blobstore.Error{Op: "list", Container: container, Blob: prefix + "*", Status: http.StatusBadRequest,
			Reason: "storage answered HTTP 400: maxresults must be at least 1"}
	}
	limit = min(limit, 5000)
	var names []string
	for path := range s.blobs {
		c, name, _ := strings.Cut(path, "/")
		if c == container && strings.HasPrefix(name, prefix) && name > marker {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for i, name := range names {
		if int32(i) == limit {
			return items, items[i-1].Name, nil
		}
		path := container + "/" + name
		items = append(items, blobstore.BlobItem{Name: name, Size: int64(len(s.blobs[path])), LastModified: s.modified[path]})
	}
	return items, "", nil
}

// Delete deletes the blob at container/blob; found is false when there was
// none. FailWrites fails it, deleting nothing.
func (s *Store) Delete(_ context.Context, container, blob string) (found bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.writeErr != nil {
		return false, s.writeErr
	}
	path := container + "/" + blob
	_, found = s.blobs[path]
	s.remove(path)
	return found, nil
}

// FailReads makes every Read, Current and List fail with err; nil heals
// it.
func (s *Store) FailReads(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.readErr = err
}

// FailWrites makes every Write and Delete fail with err; nil heals it.
func (s *Store) FailWrites(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writeErr = err
}

// Reads counts the reads asked for, failed ones included.
func (s *Store) Reads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reads
}

// Writes counts the writes that succeeded.
func (s *Store) Writes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes
}
