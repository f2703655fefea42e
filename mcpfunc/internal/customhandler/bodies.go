package customhandler

import (
	"errors"
	"io"
	"net/http"

	"remote-mcp-functions-go/mcpfunc/internal/bodylimit"
)

// Bodies are read before routing, within the server's budget (package
// bodylimit): a Content-Length over Options.MaxBodyBytes is refused before
// a byte is read, and the bytes of the bodies held at once, however many
// invocations arrive together, stay within Options.MaxBodiesBytes. The
// route reads the body it was given with readBody.

// holdBodies reads each POST's body within budget and hands it to the
// route, holding the budget until the route has answered.
func holdBodies(budget *bodylimit.Budget, limit int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost {
				next.ServeHTTP(w, r)
				return
			}
			body, release, err := budget.Read(r, limit)
			defer release()
			var tooLarge *bodylimit.TooLargeError
			if errors.As(err, &tooLarge) && tooLarge.Announced < 0 {
				// A body without a Content-Length is read to its end and
				// discarded, so that the host, still sending, gets the
				// answer rather than a reset connection; the server's read
				// timeout bounds how long that can take.
				_, _ = io.Copy(io.Discard, r.Body)
			}
			r.Body = &heldBody{body: body, err: err}
			next.ServeHTTP(w, r)
		})
	}
}

// heldBody is a body holdBodies read, or the reason it could not.
type heldBody struct {
	body []byte
	err  error
	off  int
}

func (h *heldBody) Read(p []byte) (int, error) {
	if h.err != nil {
		return 0, h.err
	}
	if h.off >= len(h.body) {
		return 0, io.EOF
	}
	n := copy(p, h.body[h.off:])
	h.off += n
	return n, nil
}

func (h *heldBody) Close() error { return nil }

// readBody is the body holdBodies read, without copying it, or why there
// is none: what bodylimit.Budget.Read failed with.
func readBody(body io.Reader) ([]byte, error) {
	h, ok := body.(*heldBody)
	if !ok {
		return nil, &bodylimit.ReadError{Err: errors.New("the body was not read within the budget")}
	}
	return h.body, h.err
}
