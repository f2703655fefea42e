// Package bodylimit reads HTTP request bodies into memory within two
// bounds, so that what bodies cost stays bounded however many connections
// send them, and however slowly:
//
//   - a cap per body: a Content-Length over it is refused before a byte is
//     read, and a body without one (chunked) is refused when it passes it;
//   - a [Budget] over the bodies held at once, a semaphore over bytes:
//     taken whole from the Content-Length before reading, or as the bytes
//     arrive when there is none, and given back when the request is done
//     with its body. A request that cannot have its bytes within
//     [MaxWait] is refused as busy rather than kept waiting.
//
// Small bodies (most MCP requests) draw on a pool of their own, so that
// large ones in flight never hold them up. The buffer grows with the bytes
// that arrive, never ahead of them: a client that announces a large body
// and sends a little costs a little memory (and holds budget only until
// the server's read timeout ends its request).
//
// The Go runtime keeps freed heap for minutes before returning it to the
// operating system, and an idle server runs no collection that would
// return it sooner: once a burst of large bodies is over, the budget
// returns it (debug.FreeOSMemory, at most once per [ReturnDelay]).
//
// Each server that reads whole bodies uses it: the custom handler's
// invocations and the self hosting's MCP endpoint, and devhost's.
package bodylimit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"
)

const (
	// SmallBody is the largest announced body that draws on the small
	// pool.
	SmallBody = 64 << 10
	// SmallPool is the small pool's size: that many small bodies at most,
	// 256 of the largest, are held at once.
	SmallPool = 16 << 20
	// MaxWait is how long a request waits for budget before it is refused
	// as busy.
	MaxWait = 10 * time.Second
	// ReturnAfter is how many bytes of bodies held at once make a burst
	// after which memory is returned to the operating system.
	ReturnAfter = 8 << 20
	// ReturnDelay is how long after a burst memory is returned, and so the
	// most often it is.
	ReturnDelay = time.Second
)

// DefaultBudget is the budget for a server whose bodies are capped at
// limit: twice the cap, so that two bodies at the cap are read at once, or
// many smaller ones, and at least 32 MiB. What a server holds while it
// serves a request is some multiple of its body (decoded, copied, turned
// into arguments): measured under 40 connections each sending a body
// just under the cap, a few hundred MiB at most
// (docs/hostings.md#memory-under-load).
func DefaultBudget(limit int64) int64 { return max(2*limit, 32<<20) }

// TooLargeError is a body over its cap.
type TooLargeError struct {
	// Limit is the cap.
	Limit int64
	// Announced is the Content-Length refused before reading, or -1 when
	// the body was found too long while it was read.
	Announced int64
}

func (e *TooLargeError) Error() string {
	if e.Announced >= 0 {
		return fmt.Sprintf("request body of %d bytes announced; the limit is %d", e.Announced, e.Limit)
	}
	return fmt.Sprintf("request body over %d bytes", e.Limit)
}

// ErrBusy is a request that could not have budget for its body within
// MaxWait: as many bodies are in flight as the server holds at once.
var ErrBusy = errors.New("the server is reading as many request bodies as it holds at once; try again in a moment")

// ReadError is a body that could not be read to its end: the client went
// away or stopped sending (the server's read timeout).
type ReadError struct{ Err error }

func (e *ReadError) Error() string { return "reading the request body: " + e.Err.Error() }
func (e *ReadError) Unwrap() error { return e.Err }

// Status is the HTTP status that answers err, what [Budget.Read] failed
// with: 413 for a body over its cap, 503 when no budget came in time
// (with Retry-After: 1 set in h: a later request gets it), 400 for a body
// not received whole.
func Status(h http.Header, err error) int {
	var tooLarge *TooLargeError
	switch {
	case errors.As(err, &tooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, ErrBusy):
		h.Set("Retry-After", "1")
		return http.StatusServiceUnavailable
	}
	return http.StatusBadRequest
}

// Budget bounds the bytes of the request bodies held at once.
type Budget struct {
	size  int64
	large *semaphore.Weighted
	small *semaphore.Weighted
	held  atomic.Int64
	wait  time.Duration

	mu      sync.Mutex
	peak    int64 // the most held at once since memory was last returned
	pending bool  // a return is scheduled
	// returned counts the returns of memory, for tests.
	returned atomic.Int64
}

// NewBudget returns a budget of size bytes for large bodies, besides the
// small pool.
func NewBudget(size int64) *Budget {
	return &Budget{
		size:  size,
		large: semaphore.NewWeighted(size),
		small: semaphore.NewWeighted(SmallPool),
		wait:  MaxWait,
	}
}

// Size is the budget for large bodies.
func (b *Budget) Size() int64 { return b.size }

// Held is how many bytes of bodies are held now.
func (b *Budget) Held() int64 { return b.held.Load() }

// Read reads r's body, at most limit bytes (at most the budget's size),
// holding budget for it. Call release once done with the body, whatever
// the error: the bytes stay counted until then. The errors are
// *TooLargeError, ErrBusy and *ReadError.
func (b *Budget) Read(r *http.Request, limit int64) (body []byte, release func(), err error) {
	limit = min(limit, b.size)
	n := r.ContentLength
	if n > limit {
		return nil, func() {}, &TooLargeError{Limit: limit, Announced: n}
	}
	if r.Body == nil || r.Body == http.NoBody {
		return nil, func() {}, nil
	}
	h := &hold{b: b}
	body, err = h.read(r.Context(), r.Body, n, limit)
	if err != nil {
		h.release()
		return nil, func() {}, err
	}
	return body, h.release, nil
}

// hold is what one body holds of the budget.
type hold struct {
	b            *Budget
	large, small int64
	once         sync.Once
}

// take waits for n more bytes of the pool.
func (h *hold) take(ctx context.Context, n int64, small bool) error {
	ctx, cancel := context.WithTimeoutCause(ctx, h.b.wait, ErrBusy)
	defer cancel()
	sem := h.b.large
	if small {
		sem = h.b.small
	}
	if err := sem.Acquire(ctx, n); err != nil {
		if errors.Is(context.Cause(ctx), ErrBusy) {
			return ErrBusy
		}
		return &ReadError{err}
	}
	if small {
		h.small += n
	} else {
		h.large += n
	}
	h.b.took(n)
	return nil
}

func (h *hold) release() {
	h.once.Do(func() {
		if h.small > 0 {
			h.b.small.Release(h.small)
		}
		if h.large > 0 {
			h.b.large.Release(h.large)
		}
		h.b.gave(h.small + h.large)
	})
}

// read reads body, of announced length n (-1: unknown), at most limit
// bytes. A known length is taken from the budget before reading; an
// unknown one as the buffer grows.
func (h *hold) read(ctx context.Context, body io.Reader, n, limit int64) ([]byte, error) {
	known := n >= 0
	if known {
		if err := h.take(ctx, n, n <= SmallBody); err != nil {
			return nil, err
		}
	}
	// most is what the buffer may grow to: the announced length, or one
	// byte over the cap, to see that a body without one passes it.
	most := limit + 1
	if known {
		most = n
	}
	var buf []byte
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) == most {
				if !known {
					return nil, &TooLargeError{Limit: limit, Announced: -1}
				}
				// All that was announced has arrived: the body must end
				// here (net/http's own reader says so on a server).
				var probe [1]byte
				if m, err := body.Read(probe[:]); m > 0 {
					return nil, &TooLargeError{Limit: limit, Announced: -1}
				} else if err == io.EOF {
					return buf, nil
				} else if err != nil {
					return nil, &ReadError{err}
				}
				continue
			}
			grown := min(max(2*int64(cap(buf)), 32<<10), most)
			if !known {
				if err := h.take(ctx, grown-int64(cap(buf)), false); err != nil {
					return nil, err
				}
			}
			next := make([]byte, len(buf), grown)
			copy(next, buf)
			buf = next
		}
		m, err := body.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		switch {
		case err == io.EOF:
			if known && int64(len(buf)) < n {
				return nil, &ReadError{io.ErrUnexpectedEOF}
			}
			return buf, nil
		case err != nil:
			return nil, &ReadError{err}
		}
	}
}

// took counts n more bytes held.
func (b *Budget) took(n int64) {
	held := b.held.Add(n)
	b.mu.Lock()
	b.peak = max(b.peak, held)
	b.mu.Unlock()
}

// gave counts n bytes given back, and schedules the return of memory to
// the operating system once ReturnAfter or more were held at once.
func (b *Budget) gave(n int64) {
	b.held.Add(-n)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.peak < ReturnAfter || b.pending {
		return
	}
	b.pending = true
	time.AfterFunc(ReturnDelay, b.returnMemory)
}

// returnMemory returns freed memory to the operating system once the burst
// is over (less than a quarter of ReturnAfter held), or looks again after
// ReturnDelay: while bodies are in flight, their memory is in use anyway.
func (b *Budget) returnMemory() {
	if b.held.Load() >= ReturnAfter/4 {
		time.AfterFunc(ReturnDelay, b.returnMemory)
		return
	}
	debug.FreeOSMemory()
	b.returned.Add(1)
	b.mu.Lock()
	b.pending = false
	b.peak = b.held.Load()
	b.mu.Unlock()
}
