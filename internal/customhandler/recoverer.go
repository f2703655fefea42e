package customhandler

import (
	"log/slog"
	"net/http"
	"runtime/debug"
)

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
					log.Error("panic serving request", "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
					writeStatus(w, http.StatusInternalServerError, "internal error")
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}
