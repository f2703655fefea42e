package customhandler

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"

	"remote-mcp-functions-go/mcpfunc/internal/bodylimit"
)

// A body that could not have budget in time is 503 (the host's generic
// error for the client; a later call succeeds), with a line saying why.
func TestBusyIs503(t *testing.T) {
	body, err := readBody(&heldBody{err: bodylimit.ErrBusy})
	assert.Nil(t, body)
	assert.ErrorIs(t, err, bodylimit.ErrBusy)
	rec := httptest.NewRecorder()
	log := newLog(slog.New(slog.NewTextHandler(io.Discard, nil)), httptest.NewRequest(http.MethodPost, "/t", nil), "t")
	fail(rec, log, &target{name: "t", kind: "tool", isError: true}, nil, err)
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	assert.Contains(t, rec.Body.String(), "try again in a moment")
}
