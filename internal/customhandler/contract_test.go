package customhandler_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"remote-mcp-functions-go/internal/catalog"
	"remote-mcp-functions-go/internal/customhandler"
	"remote-mcp-functions-go/internal/funcapp"
	"remote-mcp-functions-go/internal/invoke"
)

var update = flag.Bool("update", false, "rewrite the expected sections of testdata/contract/*.txtar")

// TestContract replays the host's payloads in testdata/contract through the
// real router. Each archive has a comment saying what it pins, the function,
// and request.json shaped as the host sends it (contract.md §5, made by an
// encoder independent of package invoke). The expected sections are:
//
//   - response.json: the handler's answer to the host;
//   - result.json: the MCP result the client sees, after the extension's
//     return value binder (plain or useResultSchema, from function.json);
//   - blob:<binding>: the bytes the host writes to each output binding,
//     followed by one newline (txtar ends every file with one).
//
// Run with -update to rewrite them, then read the diff.
func TestContract(t *testing.T) {
	app, err := funcapp.LoadDirs("../..", "../../functions")
	require.NoError(t, err)
	var logs bytes.Buffer
	h := customhandler.New(catalog.Tools(catalog.Config{}), customhandler.Options{
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})

	files, _ := filepath.Glob("testdata/contract/*.txtar")
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			require.NoError(t, err)
			sections := map[string][]byte{}
			for _, f := range ar.Files {
				sections[f.Name] = f.Data
			}
			function := strings.TrimSpace(string(sections["function"]))
			fn := app.Function(function)
			require.NotNil(t, fn, "function %q", function)
			logs.Reset()

			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/"+function, bytes.NewReader(sections["request.json"])))
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())

			var outputs []string
			for _, b := range fn.Blobs(funcapp.Out) {
				outputs = append(outputs, b.Name)
			}
			host, err := invoke.DecodeResponse(rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes(), outputs)
			require.NoError(t, err, "the host accepts the answer")
			result, err := invoke.ToolResult(host.ReturnValue, fn.ToolTrigger().UseResultSchema)
			require.NoError(t, err, "the extension accepts the ReturnValue")

			got := map[string][]byte{
				"response.json": indent(t, rec.Body.Bytes()),
				"result.json":   indent(t, result),
			}
			for name, data := range host.Outputs {
				got["blob:"+name] = append(data, '\n')
			}
			if *update {
				ar.Files = ar.Files[:0]
				ar.Files = append(ar.Files, txtar.File{Name: "function", Data: sections["function"]}, txtar.File{Name: "request.json", Data: sections["request.json"]})
				for _, name := range []string{"response.json", "result.json", "blob:file"} {
					if data, ok := got[name]; ok {
						ar.Files = append(ar.Files, txtar.File{Name: name, Data: data})
					}
				}
				require.NoError(t, os.WriteFile(file, txtar.Format(ar), 0o644))
				return
			}
			for name, want := range sections {
				if name == "function" || name == "request.json" {
					continue
				}
				assert.Equal(t, string(want), string(got[name]), "section %s", name)
			}
			for name := range got {
				assert.Contains(t, sections, name, "unexpected section %s (run with -update)", name)
			}

			// What the handler logged, to stderr and to the host, never
			// carries the client's key or a snippet's content.
			assert.NotContains(t, logs.String(), "REDACTED-KEY")
			assert.NotContains(t, rec.Body.String(), "REDACTED-KEY")
			req, err := invoke.ParseRequest(sections["request.json"])
			require.NoError(t, err)
			args, err := req.Arguments()
			require.NoError(t, err)
			if content, ok := args["snippet"].(string); ok && len(content) > 3 {
				assert.NotContains(t, logs.String(), content)
				assert.NotContains(t, strings.Join(host.Logs, "\n"), content)
			}
			if text, present, _ := req.Input("file"); present && len(text) > 3 {
				assert.NotContains(t, logs.String(), text)
			}
		})
	}
}

func indent(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, json.Indent(&buf, bytes.TrimSpace(b), "", "  "))
	buf.WriteByte('\n')
	return buf.Bytes()
}
