package rpcmsg

import (
	"bytes"
	"crypto/rand"
	"net/http"
	"strconv"
)

// Rebuild returns the body made of the messages keep picks, in order (a
// batch stays a batch, however many remain), with the id of each message
// swap picks replaced by a token the SDK echoes as it came (a string), and
// the Restorer that puts the ids back into the answers: nil when no id was
// swapped.
func Rebuild(body []byte, ms Messages, keep, swap func(*Message) bool) ([]byte, *Restorer) {
	var (
		out []byte
		r   *Restorer
		n   int
	)
	if ms.Batch {
		out = append(out, '[')
	}
	for i := range ms.List {
		m := &ms.List[i]
		if !keep(m) {
			continue
		}
		if ms.Batch && n > 0 {
			out = append(out, ',')
		}
		n++
		if m.ID == nil || !swap(m) {
			out = append(out, body[m.start:m.end]...)
			continue
		}
		if r == nil {
			r = &Restorer{prefix: []byte(`"rpcmsg-` + rand.Text() + "-"), ids: map[string][]byte{}}
		}
		token := string(r.prefix) + strconv.Itoa(len(r.ids)) + `"`
		r.ids[token] = m.ID
		out = append(out, body[m.start:m.idAt]...)
		out = append(out, token...)
		out = append(out, body[m.idAt+len(m.ID):m.end]...)
	}
	if ms.Batch {
		out = append(out, ']')
	}
	return out, r
}

// Restorer puts swapped ids back into answers.
type Restorer struct {
	prefix []byte            // every token starts with it
	ids    map[string][]byte // token (quoted) → the id as the client wrote it
}

// In reports whether p holds one of r's tokens.
func (r *Restorer) In(p []byte) bool { return r != nil && bytes.Contains(p, r.prefix) }

// Restore returns p with every token replaced by its id.
func (r *Restorer) Restore(p []byte) []byte {
	if r == nil || !bytes.Contains(p, r.prefix) {
		return p
	}
	for token, id := range r.ids {
		p = bytes.ReplaceAll(p, []byte(token), id)
	}
	return p
}

// Writer restores the ids in what is written to w. The SDK writes each
// answer, and each server-sent event, in one Write, so a token is never
// cut in two.
func (r *Restorer) Writer(w http.ResponseWriter) http.ResponseWriter {
	if r == nil {
		return w
	}
	return &restoring{ResponseWriter: w, r: r}
}

type restoring struct {
	http.ResponseWriter
	r *Restorer
}

func (w *restoring) Write(p []byte) (int, error) {
	if _, err := w.ResponseWriter.Write(w.r.Restore(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (w *restoring) Flush() { _ = http.NewResponseController(w.ResponseWriter).Flush() }

func (w *restoring) Unwrap() http.ResponseWriter { return w.ResponseWriter }
