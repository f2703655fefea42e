package customhandler

import (
	"bytes"
	"log/slog"
	"net/http"
	"strings"

	"remote-mcp-functions-go/mcpfunc/internal/capture"
)

// record hands each invocation, the body holdBodies read and the answer
// the route wrote, to the capture recorder once the route has answered.
// The recorder redacts; nothing of the payload reaches the log.
func record(rec *capture.Recorder, log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost {
				next.ServeHTTP(w, r)
				return
			}
			body, err := readBody(r.Body)
			if err != nil {
				body = nil // refused before it was read: nothing to record
			}
			tw := &teeWriter{ResponseWriter: w, status: http.StatusOK}
			next.ServeHTTP(tw, r)
			if _, err := rec.Record(strings.TrimPrefix(r.URL.Path, "/"), body, tw.status, tw.body.Bytes()); err != nil {
				log.Warn("capture: could not write an invocation", "dir", rec.Dir(), "err", err)
			}
		})
	}
}

// teeWriter passes the answer on and keeps a copy of it, up to one byte
// past what the recorder writes.
type teeWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (t *teeWriter) WriteHeader(status int) {
	t.status = status
	t.ResponseWriter.WriteHeader(status)
}

func (t *teeWriter) Write(p []byte) (int, error) {
	if room := capture.MaxBodyBytes + 1 - t.body.Len(); room > 0 {
		t.body.Write(p[:min(len(p), room)])
	}
	return t.ResponseWriter.Write(p)
}
