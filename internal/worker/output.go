package worker

import (
	"io"
	"sync"

	"remote-mcp-functions-go/internal/lines"
)

// prefixedLines forwards a process's output line by line, each line
// prefixed, so the handler's lines stay whole and recognisable among
// devhost's own.
func prefixedLines(out *lockedWriter, prefix string) *lines.Writer {
	return lines.NewWriter(func(line []byte) { out.writeLine(prefix, line) })
}

// lockedWriter serialises whole lines from several sources (the handler's
// stdout and stderr) onto one writer.
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
