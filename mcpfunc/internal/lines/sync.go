package lines

import (
	"io"
	"strings"
	"sync"
)

// Sync returns a writer that hands each Write to w whole, one at a time,
// so lines written by several goroutines (a process's stdout and stderr,
// a launcher's own messages) never interleave.
func Sync(w io.Writer) io.Writer { return &syncWriter{w: w} }

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// Buffer collects text written from several goroutines and can be read
// while it grows: a process's or a logger's output, watched by a test.
// The zero value is ready to use.
type Buffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// String is everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
