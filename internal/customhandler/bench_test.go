package customhandler_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"golang.org/x/tools/txtar"

	"remote-mcp-functions-go/internal/catalog"
	"remote-mcp-functions-go/internal/customhandler"
)

// BenchmarkInvoke runs one invocation per tool through the real router,
// with the host's payloads from testdata/contract.
func BenchmarkInvoke(b *testing.B) {
	h, err := customhandler.New(catalog.Functions(catalog.Config{}), customhandler.Options{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ tool, file string }{
		{"hello", "hello"},
		{"getsnippet", "getsnippet_found"},
		{"savesnippet", "savesnippet"},
	} {
		ar, err := txtar.ParseFile("testdata/contract/" + c.file + ".txtar")
		if err != nil {
			b.Fatal(err)
		}
		var body []byte
		for _, f := range ar.Files {
			if f.Name == "request.json" {
				body = f.Data
			}
		}
		b.Run(c.tool, func(b *testing.B) {
			// One request and one writer, reset each time, so the figures
			// are the router's and the handler's, not the harness's.
			req := httptest.NewRequest(http.MethodPost, "/"+c.tool, nil)
			req.ContentLength = int64(len(body))
			rd := bytes.NewReader(body)
			req.Body = io.NopCloser(rd)
			w := &sink{header: http.Header{}}
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				rd.Reset(body)
				clear(w.header)
				h.ServeHTTP(w, req)
				if w.status != http.StatusOK {
					b.Fatalf("status %d", w.status)
				}
			}
		})
	}
}

// sink is a ResponseWriter that keeps the status and drops the body.
type sink struct {
	header http.Header
	status int
}

func (s *sink) Header() http.Header         { return s.header }
func (s *sink) WriteHeader(code int)        { s.status = code }
func (s *sink) Write(p []byte) (int, error) { return len(p), nil }
