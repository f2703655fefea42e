package customhandler_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/tools/txtar"

	"remote-mcp-functions-go/mcpfunc/internal/customhandler"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
)

// BenchmarkInvoke runs one invocation per tool through the real router:
// the host's payloads from testdata/contract, and a get and a put of
// 1 MiB of code encoded as the host encodes them.
func BenchmarkInvoke(b *testing.B) {
	h, err := customhandler.New(fixtureFunctions(b), customhandler.Options{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		b.Fatal(err)
	}
	type benchCase struct{ name, tool string }
	bodies := map[benchCase][]byte{}
	var order []benchCase
	for _, c := range []struct{ tool, file string }{
		{"hello", "hello"},
		{"get", "get_found"},
		{"put", "put"},
	} {
		ar, err := txtar.ParseFile("testdata/contract/" + c.file + ".txtar")
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range ar.Files {
			if f.Name == "request.json" {
				k := benchCase{c.tool, c.tool}
				bodies[k], order = f.Data, append(order, k)
			}
		}
	}
	code := codeOfSize(1 << 20)
	name, _ := json.Marshal("bench")
	content, _ := json.Marshal(code)
	for _, c := range []struct {
		tool   string
		args   map[string]json.RawMessage
		inputs map[string][]byte
	}{
		{"get", map[string]json.RawMessage{"key": name}, map[string][]byte{"file": []byte(code)}},
		{"put", map[string]json.RawMessage{"key": name, "value": content}, nil},
	} {
		body, err := invoke.NewToolRequest(&invoke.ToolInvocation{
			Invocation: invoke.Invocation{Function: c.tool, Inputs: c.inputs, SessionID: "S", Transport: "http-streamable",
				Headers: map[string]string{"Accept": "application/json, text/event-stream"}, Now: time.Now(), RandGUID: "g"},
			Tool: c.tool, Arguments: c.args,
		})
		if err != nil {
			b.Fatal(err)
		}
		k := benchCase{c.tool + "-1MiB", c.tool}
		bodies[k], order = body, append(order, k)
	}
	for _, c := range order {
		body := bodies[c]
		b.Run(c.name, func(b *testing.B) {
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

// codeOfSize is n bytes of source code: quotes, newlines, tabs and the
// characters JSON encoders escape, as an item of code holds them.
func codeOfSize(n int) string {
	const block = "func handle(w http.ResponseWriter, r *http.Request) {\n" +
		"\tif r.Header.Get(\"Accept\") != \"application/json\" && len(r.URL.Query()) > 0 {\n" +
		"\t\thttp.Error(w, \"<not acceptable>\", 406) // 'quoted' & more\n\t}\n}\n"
	return strings.Repeat(block, n/len(block)+1)[:n]
}

// sink is a ResponseWriter that keeps the status and drops the body.
type sink struct {
	header http.Header
	status int
}

func (s *sink) Header() http.Header         { return s.header }
func (s *sink) WriteHeader(code int)        { s.status = code }
func (s *sink) Write(p []byte) (int, error) { return len(p), nil }
