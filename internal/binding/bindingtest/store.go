// Package bindingtest has an in-memory [binding.Store] for the tests of
// what runs blob bindings (devhost and the self hosting): blobs by
// "container/blob" path, counts of reads and writes, and failures a test
// switches on and off.
package bindingtest

import (
	"context"
	"sync"

	"remote-mcp-functions-go/internal/binding"
)

// Store is an in-memory blob store, safe for concurrent use.
type Store struct {
	mu                sync.Mutex
	blobs             map[string][]byte
	readErr, writeErr error
	reads, writes     int
}

var _ binding.Store = (*Store)(nil)

// NewStore returns an empty store.
func NewStore() *Store { return &Store{blobs: map[string][]byte{}} }

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

// Write stores a copy of data, or fails with the error FailWrites set (and
// then counts no write).
func (s *Store) Write(_ context.Context, container, blob string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.writeErr != nil {
		return s.writeErr
	}
	s.writes++
	s.blobs[container+"/"+blob] = append([]byte(nil), data...)
	return nil
}

// Get returns the blob at path ("container/blob").
func (s *Store) Get(path string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.blobs[path]
	return b, ok
}

// Set puts data at path ("container/blob") as it is (nil included).
func (s *Store) Set(path string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blobs[path] = data
}

// FailReads makes every Read fail with err; nil heals it.
func (s *Store) FailReads(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.readErr = err
}

// FailWrites makes every Write fail with err; nil heals it.
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
