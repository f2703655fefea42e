package snippet_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The snippet browser as clients meet it: listsnippets links it, the
// resource serves it, and in a browser, framed as an MCP client frames an
// MCP App, it lists the snippets and shows one when clicked, calling the
// tools through the client.

// updateScreenshotEnv, set to 1, makes TestSnippetBrowser write its
// screenshot to docs/snippet-browser.png; otherwise it writes it to a
// temporary folder.
const updateScreenshotEnv = "UPDATE_SCREENSHOT"

// browserSnippets are what the browser test saves, the same in both
// hostings (one storage serves both), so that the screenshot shows them.
var browserSnippets = []struct{ name, content string }{
	{"hello.go", "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"Hello from Azure Functions\")\n}\n"},
	{"notes.md", "# Notes\n\n- snippets live in blob storage\n- the browser is an MCP App\n"},
	{"query.sql", "SELECT name, size\nFROM snippets\nORDER BY name;\n"},
}

func TestSnippetBrowser(t *testing.T) {
	html, err := os.ReadFile("browser.html") // what the view must serve, byte for byte
	require.NoError(t, err)
	for _, h := range serveBoth(t, nil) {
		t.Run(h.name, func(t *testing.T) {
			s := h.srv.Session

			t.Run("listed", func(t *testing.T) {
				tools, err := s.ListTools(t.Context(), nil)
				require.NoError(t, err)
				i := slices.IndexFunc(tools.Tools, func(tl *mcp.Tool) bool { return tl.Name == "listsnippets" })
				require.GreaterOrEqual(t, i, 0)
				assert.Equal(t, map[string]any{"ui": map[string]any{"resourceUri": "ui://snippets/browser"}}, generic(t, tools.Tools[i].Meta),
					"MCP Apps' current link alone, not the deprecated ui/resourceUri")

				res, err := s.ListResources(t.Context(), nil)
				require.NoError(t, err)
				require.Len(t, res.Resources, 1)
				assert.Equal(t, map[string]any{
					"uri": "ui://snippets/browser", "name": "snippet_browser", "title": "Snippet browser",
					"description": "Browse the saved snippets: click one to read it.", "mimeType": "text/html;profile=mcp-app",
					"_meta": map[string]any{"ui": map[string]any{"prefersBorder": true}},
				}, generic(t, res.Resources[0]))

				got, err := s.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: "ui://snippets/browser"})
				require.NoError(t, err)
				require.Len(t, got.Contents, 1)
				assert.Equal(t, map[string]any{"uri": "ui://snippets/browser", "mimeType": "text/html;profile=mcp-app", "text": string(html)},
					generic(t, got.Contents[0]))
			})

			t.Run("in a browser", func(t *testing.T) {
				browse(t, s, html, h.name == "triggers" && os.Getenv(updateScreenshotEnv) == "1")
			})
		})
	}
}

// browse saves the snippets, shows the view in Chromium with the
// listsnippets result, clicks the first snippet and checks what it shows.
func browse(t *testing.T, s *mcp.ClientSession, html []byte, update bool) {
	node, err := exec.LookPath("node")
	require.NoError(t, err, "node is needed to drive the browser (playwright-core): install Node 20 or later")
	for _, sn := range browserSnippets {
		requireText(t, call(t, s, "savesnippet", saveArgs(sn.name, sn.content)), saved(sn.name))
	}
	dir := t.TempDir()
	list := call(t, s, "listsnippets", map[string]any{})
	require.False(t, list.IsError, text(list))
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, data, 0o600))
		return path
	}
	result, err := json.Marshal(list)
	require.NoError(t, err)
	shot := filepath.Join(dir, "snippet-browser.png")
	if update {
		shot, err = filepath.Abs(filepath.Join("..", "..", "docs", "snippet-browser.png"))
		require.NoError(t, err)
	}

	// The host page's tools/call, on to the server through the test's
	// client session.
	proxy := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p mcp.CallToolParams
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&p); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		res, err := s.CallTool(r.Context(), &p)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(res)
	}))
	proxy.Config.ReadHeaderTimeout, proxy.Config.ReadTimeout = 10*time.Second, 10*time.Second
	proxy.Start()
	defer proxy.Close()

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("testdata", "browserhost.mjs"))
	cmd.Env = append(os.Environ(), "VIEW="+write("view.html", html), "RESULT="+write("result.json", result),
		"PROXY="+proxy.URL, "OPEN="+browserSnippets[0].name, "SCREENSHOT="+shot)
	cmd.WaitDelay = 5 * time.Second
	var stderr []byte
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		stderr = ee.Stderr
	}
	require.NoError(t, err, "browserhost: %s", stderr)

	var got struct {
		Browser string
		Listed  []string
		Title   string
		Content string
		Calls   []map[string]any
		Blocked []string
	}
	require.NoError(t, json.Unmarshal(out, &got), "%s", out)
	t.Logf("browser: %s", got.Browser)
	var at []int
	for _, sn := range browserSnippets {
		require.Contains(t, got.Listed, sn.name, "the view lists every saved snippet")
		at = append(at, slices.Index(got.Listed, sn.name))
	}
	assert.True(t, slices.IsSorted(at), "by name, as storage lists them: %v", got.Listed)
	assert.Equal(t, browserSnippets[0].name, got.Title)
	assert.Equal(t, browserSnippets[0].content, got.Content, "the clicked snippet, as saved")
	require.Len(t, got.Calls, 2, "the view's own calls: the list, then the snippet")
	assert.Equal(t, map[string]any{"name": "listsnippets", "arguments": map[string]any{}}, got.Calls[0])
	assert.Equal(t, map[string]any{"name": "getsnippet", "arguments": map[string]any{"snippetname": browserSnippets[0].name}}, got.Calls[1])
	assert.Empty(t, got.Blocked, "the view fetches nothing: clients give it no network")
	png, err := os.ReadFile(shot)
	require.NoError(t, err)
	assert.Equal(t, "\x89PNG\r\n\x1a\n", string(png[:8]), "a PNG screenshot")
}
