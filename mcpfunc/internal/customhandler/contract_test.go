package customhandler_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"remote-mcp-functions-go/mcpfunc/internal/binding/bindingtest"
	"remote-mcp-functions-go/mcpfunc/internal/customhandler"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
)

var update = flag.Bool("update", false, "rewrite request.json (from the goldens' own encoder) and response.json (the handler's answer) in testdata/contract/*.txtar")

// TestContract replays the host's payloads in testdata/contract through the
// real router. Each archive has a comment saying what it pins, and:
//
//   - function: the function folder;
//   - call.json: the tool call (arguments, blob inputs, and whether the host
//     encodes once, as the docs' example shows);
//   - request.json: the payload the host sends for it, made by this
//     package's own encoder (hostpayload_test.go), not by package invoke;
//   - response.json: the handler's answer, pinned;
//   - result.json: what the MCP client sees, and blob:<binding>, the bytes
//     the host writes (followed by one newline, as txtar ends every file):
//     written by hand, and checked against the answer with this file's own
//     reading of the host and the extension (hostView, clientResult);
//   - store:<container>/<blob> (optional): what the app's storage holds
//     for a function that lists or deletes (Call.Store), one newline
//     trimmed.
//
// invoke's encoder and readers, which devhost uses, must agree with all of
// it. -update rewrites request.json and response.json only; read the diff.
func TestContract(t *testing.T) {
	app, err := funcapp.LoadDirs(fixtureDir, fixtureDir+"/functions")
	require.NoError(t, err)
	var logs bytes.Buffer
	var store *bindingtest.Store // each archive's own
	h, err := customhandler.New(fixtureFunctions(t), customhandler.Options{
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		Store:  func(string) (decl.Store, error) { return store, nil },
	})
	require.NoError(t, err)

	files, _ := filepath.Glob("testdata/contract/*.txtar")
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			require.NoError(t, err)
			sections := map[string][]byte{}
			store = bindingtest.NewStore()
			for _, f := range ar.Files {
				sections[f.Name] = f.Data
				if path, ok := strings.CutPrefix(f.Name, "store:"); ok {
					store.Set(path, bytes.TrimSuffix(f.Data, []byte("\n")))
				}
			}
			function := strings.TrimSpace(string(sections["function"]))
			fn := app.Function(function)
			require.NotNil(t, fn, "function %q", function)
			var c hostCall
			require.NoError(t, json.Unmarshal(sections["call.json"], &c), "call.json")
			logs.Reset()

			// The request: the goldens' encoder, and devhost's.
			want, err := hostPayload(function, c)
			require.NoError(t, err)
			if *update {
				sections["request.json"] = indent(t, []byte(want))
			}
			assert.Equal(t, want, compactJSON(t, sections["request.json"]), "request.json is what the goldens' encoder makes of call.json (run with -update)")
			if !c.Single {
				got, err := invokeEncoding(function, c)
				require.NoError(t, err)
				assert.Equal(t, want, string(got), "invoke encodes as the goldens do")
			}

			// The answer.
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/"+function, bytes.NewReader(sections["request.json"])))
			if *update {
				sections["response.json"] = indent(t, rec.Body.Bytes())
				rewrite(t, file, ar, sections)
			}
			assert.Equal(t, string(sections["response.json"]), string(indent(t, rec.Body.Bytes())), "response.json")

			// A resource or prompt that fails answers non-2xx, which the
			// extension turns into its own JSON-RPC error.
			if rec.Code != http.StatusOK {
				require.NotEqual(t, "", c.Kind, "a tool answers 200")
				assert.Equal(t, http.StatusInternalServerError, rec.Code)
				assert.JSONEq(t, string(sections["result.json"]), `{"error":{"code":-32603,"message":"An error occurred."}}`, "result.json")
				return
			}

			// What the host and the client make of it, by hand and by invoke.
			var outputs []string
			for _, b := range fn.Blobs(funcapp.Out) {
				outputs = append(outputs, b.Name)
			}
			blobs, rv := hostView(t, rec.Body.Bytes(), outputs)
			var result string
			switch c.Kind {
			case "resource":
				result = clientResource(t, rv, c.URI, fn.ResourceTrigger().MimeType)
			case "prompt":
				result = clientPrompt(t, rv)
			default:
				result = clientResult(t, rv, fn.ToolTrigger().UseResultSchema)
			}
			assert.JSONEq(t, string(sections["result.json"]), result, "result.json")
			for name := range sections {
				if b, ok := strings.CutPrefix(name, "blob:"); ok {
					assert.Contains(t, blobs, b, "the host writes blob %s", b)
				}
			}
			for name, data := range blobs {
				want, ok := sections["blob:"+name]
				require.True(t, ok, "unexpected output %s (add a blob:%s section by hand)", name, name)
				assert.Equal(t, string(want), string(data)+"\n", "blob:%s", name)
			}
			host, err := invoke.DecodeResponse(rec.Code, rec.Header().Get("Content-Type"), rec.Body.Bytes(), outputs)
			require.NoError(t, err, "the host accepts the answer")
			assert.Equal(t, blobs, host.Outputs, "invoke reads the outputs as the host does")
			var ext any
			switch c.Kind {
			case "resource":
				ext, err = invoke.ResourceResult(host.ReturnValue, c.URI, fn.ResourceTrigger().MimeType)
			case "prompt":
				ext, err = invoke.PromptResult(host.ReturnValue)
			default:
				ext, err = invoke.ToolResult(host.ReturnValue, fn.ToolTrigger().UseResultSchema)
			}
			require.NoError(t, err, "the extension accepts the ReturnValue")
			extJSON, err := json.Marshal(ext)
			require.NoError(t, err)
			assert.JSONEq(t, result, string(extJSON), "invoke maps the ReturnValue as the extension does")

			// What the handler logged, to stderr and to the host, never
			// carries the client's key or an item's content.
			assert.NotContains(t, logs.String(), "REDACTED-KEY")
			assert.NotContains(t, rec.Body.String(), "REDACTED-KEY")
			var contents []string
			for _, arg := range []string{"value", "text"} {
				var s string
				if json.Unmarshal(c.Arguments[arg], &s) == nil {
					contents = append(contents, s)
				}
			}
			for _, b := range c.Blobs {
				var s string
				if b != nil && json.Unmarshal(*b, &s) == nil {
					contents = append(contents, s)
				}
			}
			for _, content := range contents {
				if len(content) > 3 {
					assert.NotContains(t, logs.String(), content)
					assert.NotContains(t, strings.Join(host.Logs, "\n"), content)
				}
			}
		})
	}
}

// invokeEncoding is the golden call encoded by package invoke, as devhost
// encodes it.
func invokeEncoding(function string, c hostCall) ([]byte, error) {
	inv := goldenInvocation(function, c)
	switch c.Kind {
	case "resource":
		return invoke.NewResourceRequest(&invoke.ResourceInvocation{Invocation: inv, URI: c.URI, Params: c.Params})
	case "prompt":
		return invoke.NewPromptRequest(&invoke.PromptInvocation{Invocation: inv, Prompt: c.Tool, Arguments: c.Arguments})
	}
	return invoke.NewToolRequest(&invoke.ToolInvocation{Invocation: inv, Tool: c.Tool, Arguments: c.Arguments})
}

// goldenInvocation is the golden call's session as devhost describes it
// to invoke.
func goldenInvocation(function string, c hostCall) invoke.Invocation {
	inv := invoke.Invocation{
		Function:   function,
		SessionID:  goldenSession,
		ClientInfo: &invoke.ClientInfo{Name: "mcp-inspector", Version: "2.12.0"},
		Transport:  "http-streamable",
		Headers:    map[string]string{},
		Now:        time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		RandGUID:   goldenGUID,
	}
	for _, kv := range goldenHeaders {
		inv.Headers[kv[0]] = kv[1]
	}
	for name, b := range c.Blobs {
		if inv.Inputs == nil {
			inv.Inputs = map[string][]byte{}
		}
		if b == nil {
			inv.Inputs[name] = nil
			continue
		}
		var s string
		if err := json.Unmarshal(*b, &s); err != nil {
			panic(err)
		}
		inv.Inputs[name] = []byte(s)
	}
	return inv
}

// hostView reads the handler's answer as the host does
// (docs/contract.md#the-answer, docs/contract.md#blob-outputs):
// each declared output's base64 decoded, and the raw ReturnValue.
func hostView(t *testing.T, body []byte, outputs []string) (map[string][]byte, json.RawMessage) {
	t.Helper()
	var answer struct {
		Outputs     map[string]string
		ReturnValue json.RawMessage
	}
	require.NoError(t, json.Unmarshal(body, &answer))
	blobs := map[string][]byte{}
	for _, name := range outputs {
		if v, ok := answer.Outputs[name]; ok {
			b, err := base64.StdEncoding.DecodeString(v)
			require.NoError(t, err, "output %s is base64", name)
			blobs[name] = b
		}
	}
	return blobs, answer.ReturnValue
}

// clientResource is the resources/read result the extension makes of a
// ReturnValue (docs/contract.md#resources): the handler always sends the
// {"content":"<ResourceContents JSON>"} envelope.
func clientResource(t *testing.T, rv json.RawMessage, uri, mimeType string) string {
	t.Helper()
	var text string
	require.NoError(t, json.Unmarshal(rv, &text), "ReturnValue is a string")
	var envelope struct{ Content string }
	require.NoError(t, json.Unmarshal([]byte(text), &envelope))
	var c map[string]any
	require.NoError(t, json.Unmarshal([]byte(envelope.Content), &c))
	if c["uri"] == nil || c["uri"] == "" {
		c["uri"] = uri
	}
	if c["mimeType"] == nil || c["mimeType"] == "" {
		c["mimeType"] = mimeType
	}
	b, err := json.Marshal(map[string]any{"contents": []any{c}})
	require.NoError(t, err)
	return string(b)
}

// clientPrompt is the prompts/get result the extension makes of a plain
// text ReturnValue: one user message.
func clientPrompt(t *testing.T, rv json.RawMessage) string {
	t.Helper()
	var text string
	require.NoError(t, json.Unmarshal(rv, &text), "ReturnValue is a string")
	b, err := json.Marshal(map[string]any{"messages": []any{map[string]any{"role": "user", "content": map[string]any{"type": "text", "text": text}}}})
	require.NoError(t, err)
	return string(b)
}

// clientResult is the tools/call result the extension makes of a
// ReturnValue (docs/contract.md#tools), for the two forms this app uses: plain
// text, or with useResultSchema a call_tool_result envelope whose content
// is the whole result.
func clientResult(t *testing.T, rv json.RawMessage, useResultSchema bool) string {
	t.Helper()
	var text string
	require.NoError(t, json.Unmarshal(rv, &text), "ReturnValue is a string")
	if !useResultSchema {
		b, err := json.Marshal(map[string]any{"content": []any{map[string]any{"type": "text", "text": text}}})
		require.NoError(t, err)
		return string(b)
	}
	var envelope struct {
		Type    string `json:"type"`
		Content string `json:"content"`
	}
	require.NoError(t, json.Unmarshal([]byte(text), &envelope), "an McpToolResult")
	require.Equal(t, "call_tool_result", envelope.Type)
	require.True(t, json.Valid([]byte(envelope.Content)))
	return envelope.Content
}

func compactJSON(t *testing.T, b []byte) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, json.Compact(&buf, bytes.TrimSpace(b)))
	return buf.String()
}

func indent(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, json.Indent(&buf, bytes.TrimSpace(b), "", "  "))
	buf.WriteByte('\n')
	return buf.Bytes()
}

// rewrite writes the archive back with the sections in their usual order.
func rewrite(t *testing.T, file string, ar *txtar.Archive, sections map[string][]byte) {
	t.Helper()
	ar.Files = ar.Files[:0]
	names := []string{"function", "call.json"}
	for name := range sections {
		if strings.HasPrefix(name, "store:") {
			names = append(names, name)
		}
	}
	slices.Sort(names[2:])
	for _, name := range append(names, "request.json", "response.json", "result.json") {
		if data, ok := sections[name]; ok {
			ar.Files = append(ar.Files, txtar.File{Name: name, Data: data})
		}
	}
	for name, data := range sections {
		if strings.HasPrefix(name, "blob:") {
			ar.Files = append(ar.Files, txtar.File{Name: name, Data: data})
		}
	}
	require.NoError(t, os.WriteFile(file, txtar.Format(ar), 0o644))
	fmt.Fprintf(os.Stderr, "rewrote %s\n", file)
}
