package customhandler_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"remote-mcp-functions-go/mcpfunc/internal/bodylimit/bodylimittest"
	"remote-mcp-functions-go/mcpfunc/internal/customhandler"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
)

// A Content-Length over the cap is answered before the body is sent: 413
// for a plain tool, the tool's own message for a rich one.
func TestAnnouncedBodyOverTheCap(t *testing.T) {
	srv, logs := testServer(t, 1<<10)
	resp := bodylimittest.Post(t, srv.URL, "/ok", 48<<20, "")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, "%s", b)
	assert.Contains(t, string(b), "50331648 bytes announced")

	resp = bodylimittest.Post(t, srv.URL, "/refuses", 48<<20, `{"Data":`)
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(b), "Far too large.")
	assert.Contains(t, logs.String(), "invocation body over the limit")
}

// A body without a Content-Length that passes the cap is read to its end
// and discarded, so the host, still sending, gets the answer.
func TestChunkedBodyOverTheCapIsDrained(t *testing.T) {
	srv, _ := testServer(t, 1<<10)
	pr, pw := io.Pipe()
	go func() {
		_, _ = pw.Write([]byte(`{"Data":{"x":"` + strings.Repeat("a", 4<<20) + `"}}`))
		pw.Close()
	}()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/refuses", pr)
	require.NoError(t, err)
	req.ContentLength = -1
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(b), "Far too large.")
}

// A resource or a prompt that panics is a 500 (the extension answers the
// client -32603 "An error occurred."), logged once with the stack, like a
// tool; the handler keeps serving.
func TestPanicsInEveryFunctionKind(t *testing.T) {
	var logs bytes.Buffer
	h, err := customhandler.New(decl.Functions{
		Resources: []*decl.Resource{{
			Name: "itemresource", URI: "item://{key}", ResourceName: "item", Description: "Panics.",
			Read: func(context.Context, *decl.Call, decl.ResourceRead) (string, error) { panic("resource bug") },
		}},
		Prompts: []*decl.Prompt{{
			Name: "describe", Description: "Panics.",
			Handler: decl.TypedPrompt(func(context.Context, *decl.Call, struct {
				Key   string `json:"key" jsonschema:"The item."`
				Style string `json:"style,omitempty" jsonschema:"A style."`
			}) (string, error) {
				panic("prompt bug")
			}),
		}},
	}, customhandler.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	require.NoError(t, err)
	for _, c := range []struct{ function, archive, panic string }{
		{"itemresource", "itemresource_found", "resource bug"},
		{"describe", "describe", "prompt bug"},
	} {
		ar, err := txtar.ParseFile(filepath.Join("testdata", "contract", c.archive+".txtar"))
		require.NoError(t, err)
		var body []byte
		for _, f := range ar.Files {
			if f.Name == "request.json" {
				body = f.Data
			}
		}
		require.NotEmpty(t, body)
		before := logs.Len()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/"+c.function, bytes.NewReader(body)))
		assert.Equal(t, http.StatusInternalServerError, rec.Code, c.function)
		logged := logs.String()[before:]
		assert.Equal(t, 1, strings.Count(logged, "\n"), logged)
		assert.Contains(t, logged, "panic serving request")
		assert.Contains(t, logged, c.panic)
		assert.Contains(t, logged, "bodies_test.go", "the stack")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	assert.Equal(t, http.StatusOK, rec.Code, "still serving")
}
