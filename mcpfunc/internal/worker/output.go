package worker

import (
	"io"

	"remote-mcp-functions-go/mcpfunc/internal/lines"
)

// prefixedLines forwards a process's output line by line, each line
// prefixed, so the handler's lines stay whole and recognisable among
// devhost's own. out must keep writes whole ([lines.Sync]).
func prefixedLines(out io.Writer, prefix string) *lines.Writer {
	return lines.NewWriter(func(line []byte) {
		b := make([]byte, 0, len(prefix)+len(line)+1)
		b = append(b, prefix...)
		b = append(b, line...)
		b = append(b, '\n')
		_, _ = out.Write(b) // losing a log line must not stop the handler
	})
}
