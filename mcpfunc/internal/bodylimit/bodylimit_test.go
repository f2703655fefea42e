package bodylimit

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// unread fails the test when the body is read at all.
type unread struct{ t *testing.T }

func (u unread) Read([]byte) (int, error) {
	u.t.Error("the body was read")
	return 0, io.EOF
}

func request(body io.Reader, length int64) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/", body)
	r.ContentLength = length
	return r
}

// A Content-Length over the cap is refused before a byte is read, and
// holds nothing.
func TestAnnouncedOverTheCap(t *testing.T) {
	b := NewBudget(64 << 20)
	_, release, err := b.Read(request(unread{t}, 48<<20), 16<<20)
	defer release()
	var tooLarge *TooLargeError
	require.ErrorAs(t, err, &tooLarge)
	assert.Equal(t, &TooLargeError{Limit: 16 << 20, Announced: 48 << 20}, tooLarge)
	assert.Zero(t, b.Held())
}

// A body whose length is known takes it from the budget before reading;
// while it is held, another large body waits, and is refused as busy
// when the budget does not come back in time; a small body is not held
// up. Released, the budget serves the next one.
func TestBudgetBoundsBodiesInFlight(t *testing.T) {
	b := NewBudget(1 << 20)
	b.wait = 50 * time.Millisecond
	first, releaseFirst, err := b.Read(request(bytes.NewReader(make([]byte, 1<<20)), 1<<20), 1<<20)
	require.NoError(t, err)
	assert.Len(t, first, 1<<20)
	assert.Equal(t, int64(1<<20), b.Held())

	_, release, err := b.Read(request(unread{t}, SmallBody+1), 1<<20)
	release()
	assert.ErrorIs(t, err, ErrBusy, "no budget left for a large body")

	small, release, err := b.Read(request(strings.NewReader(`{"jsonrpc":"2.0"}`), 17), 1<<20)
	require.NoError(t, err, "small bodies have a pool of their own")
	assert.Equal(t, `{"jsonrpc":"2.0"}`, string(small))
	assert.Equal(t, int64(1<<20+17), b.Held())
	release()

	releaseFirst()
	releaseFirst() // a second call gives nothing back twice
	assert.Zero(t, b.Held())
	second, release, err := b.Read(request(bytes.NewReader(make([]byte, SmallBody+1)), SmallBody+1), 1<<20)
	require.NoError(t, err)
	assert.Len(t, second, SmallBody+1)
	release()
	assert.Zero(t, b.Held())
}

// A body without a Content-Length takes budget as its buffer grows, never
// far ahead of the bytes that arrived, and is refused once it passes the
// cap, giving everything back.
func TestUnknownLengthTakesBudgetAsItArrives(t *testing.T) {
	b := NewBudget(4 << 20)
	pr, pw := io.Pipe()
	type result struct {
		body []byte
		err  error
	}
	done := make(chan result, 1)
	var release func()
	go func() {
		body, rel, err := b.Read(request(pr, -1), 1<<20)
		release = rel
		done <- result{body, err}
	}()
	chunk := bytes.Repeat([]byte("a"), 100<<10)
	_, err := pw.Write(chunk) // returns once the reader has the bytes
	require.NoError(t, err)
	held := b.Held()
	assert.GreaterOrEqual(t, held, int64(100<<10))
	assert.LessOrEqual(t, held, int64(128<<10), "held %d for 100 KiB", held)
	require.NoError(t, pw.Close())
	res := <-done
	require.NoError(t, res.err)
	assert.Equal(t, chunk, res.body)
	release()
	assert.Zero(t, b.Held())

	pr, pw = io.Pipe()
	go func() {
		_, _ = pw.Write(make([]byte, 1<<20+1))
		pw.Close()
	}()
	_, release, err = b.Read(request(pr, -1), 1<<20)
	release()
	var tooLarge *TooLargeError
	require.ErrorAs(t, err, &tooLarge)
	assert.Equal(t, &TooLargeError{Limit: 1 << 20, Announced: -1}, tooLarge)
	assert.Zero(t, b.Held())
}

// A body that stops short of its Content-Length is a read error, and its
// buffer follows the bytes that arrived, not the announced length.
func TestShortBody(t *testing.T) {
	b := NewBudget(64 << 20)
	_, release, err := b.Read(request(strings.NewReader(`{"Data":`), 32<<20), 48<<20)
	release()
	var readErr *ReadError
	require.ErrorAs(t, err, &readErr)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Zero(t, b.Held())
}

// After a burst of large bodies, the memory is returned once they are all
// released; small bodies alone never cause it.
func TestMemoryReturnedAfterABurst(t *testing.T) {
	b := NewBudget(64 << 20)
	for range 100 {
		_, release, err := b.Read(request(strings.NewReader("{}"), 2), 1<<20)
		require.NoError(t, err)
		release()
	}
	var releases []func()
	for range 2 {
		_, release, err := b.Read(request(bytes.NewReader(make([]byte, ReturnAfter/2)), ReturnAfter/2), 16<<20)
		require.NoError(t, err)
		releases = append(releases, release)
	}
	assert.Zero(t, b.returned.Load(), "nothing returned while bodies are held")
	for _, release := range releases {
		release()
	}
	require.Eventually(t, func() bool { return b.returned.Load() == 1 }, 10*time.Second, 10*time.Millisecond)
}

// Each refusal has its status; only the busy one asks to come back.
func TestStatus(t *testing.T) {
	for _, tt := range []struct {
		err    error
		status int
		retry  string
	}{
		{&TooLargeError{Limit: 10, Announced: 11}, http.StatusRequestEntityTooLarge, ""},
		{fmt.Errorf("read: %w", &TooLargeError{Limit: 10, Announced: -1}), http.StatusRequestEntityTooLarge, ""},
		{ErrBusy, http.StatusServiceUnavailable, "1"},
		{&ReadError{Err: io.ErrUnexpectedEOF}, http.StatusBadRequest, ""},
	} {
		h := http.Header{}
		assert.Equal(t, tt.status, Status(h, tt.err), tt.err.Error())
		assert.Equal(t, tt.retry, h.Get("Retry-After"), tt.err.Error())
	}
}
