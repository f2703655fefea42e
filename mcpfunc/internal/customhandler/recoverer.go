package customhandler

import (
	"errors"
	"log/slog"
	"net/http"

	"remote-mcp-functions-go/mcpfunc/internal/logval"
)

// errPanic is a handler that panicked; respond.go answers it with a 500.
var errPanic = errors.New(logval.PanicMsg)

// Recoverer turns a panic in a handler into a 500 with a JSON body and one
// log line with the stack, so a bug fails one invocation, not the process
// (the host would restart it and fail every call in flight).
func Recoverer(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					if v == http.ErrAbortHandler {
						panic(v)
					}
					l := newLog(log, r, "")
					l.attrs(slog.LevelError, logval.PanicMsg, append([]any{"path", r.URL.Path}, logval.Panic(v)...)...)
					fail(w, l, nil, nil, errPanic)
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}
