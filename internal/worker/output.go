package worker

import (
	"bytes"
	"io"
	"sync"
)

// lineWriter forwards a process's output line by line, each line prefixed,
// so the handler's lines stay whole and recognisable among devhost's own.
// Two lineWriters (stdout, stderr) share one lockedWriter.
type lineWriter struct {
	out    *lockedWriter
	prefix string
	buf    []byte
}

// maxLine splits absurdly long lines rather than buffering without bound.
const maxLine = 64 << 10

func (l *lineWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			l.buf = append(l.buf, p...)
			if len(l.buf) >= maxLine {
				l.emit(l.buf)
				l.buf = l.buf[:0]
			}
			break
		}
		if len(l.buf) > 0 {
			l.buf = append(l.buf, p[:i]...)
			l.emit(l.buf)
			l.buf = l.buf[:0]
		} else {
			l.emit(p[:i])
		}
		p = p[i+1:]
	}
	return n, nil
}

// flush emits a last line that had no newline.
func (l *lineWriter) flush() {
	if len(l.buf) > 0 {
		l.emit(l.buf)
		l.buf = l.buf[:0]
	}
}

func (l *lineWriter) emit(line []byte) {
	line = bytes.TrimSuffix(line, []byte{'\r'})
	l.out.writeLine(l.prefix, line)
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (lw *lockedWriter) writeLine(prefix string, line []byte) {
	b := make([]byte, 0, len(prefix)+len(line)+1)
	b = append(b, prefix...)
	b = append(b, line...)
	b = append(b, '\n')
	lw.mu.Lock()
	defer lw.mu.Unlock()
	_, _ = lw.w.Write(b) // losing a log line must not stop the handler
}
