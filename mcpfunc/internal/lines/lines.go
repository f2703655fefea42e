// Package lines turns a child process's output stream into whole lines, so
// that a line is forwarded, logged or matched in one piece however the
// process's writes happen to be cut.
package lines

import (
	"bytes"
	"sync"
)

// MaxLine is the longest line a [Writer] buffers: a longer one is handed
// on in pieces of this size rather than held without bound.
const MaxLine = 64 << 10

// Writer is an io.Writer that calls a function with every line written to
// it, without its "\n" (or "\r\n"). It is safe for concurrent use, so a
// process's stdout and stderr may share one.
type Writer struct {
	mu   sync.Mutex
	buf  []byte
	line func(line []byte)
}

// NewWriter returns a Writer calling line for each line. line must not
// keep the slice it is given: it is reused.
func NewWriter(line func(line []byte)) *Writer { return &Writer{line: line} }

// Write always consumes all of p.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			w.buf = append(w.buf, p...)
			for len(w.buf) >= MaxLine {
				w.emit(w.buf[:MaxLine])
				w.buf = append(w.buf[:0], w.buf[MaxLine:]...)
			}
			break
		}
		if len(w.buf) > 0 {
			w.buf = append(w.buf, p[:i]...)
			w.emit(w.buf)
			w.buf = w.buf[:0]
		} else {
			w.emit(p[:i])
		}
		p = p[i+1:]
	}
	return n, nil
}

// Flush hands on a last line that had no "\n". Call it once the stream
// has ended.
func (w *Writer) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		w.emit(w.buf)
		w.buf = w.buf[:0]
	}
}

func (w *Writer) emit(line []byte) {
	w.line(bytes.TrimSuffix(line, []byte{'\r'}))
}
