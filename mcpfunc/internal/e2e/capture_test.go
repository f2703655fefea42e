package e2e

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"remote-mcp-functions-go/mcpfunc/internal/capture"
	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// TestCaptureRedacts runs the trigger hosting with capture on
// (MCP_CAPTURE_DIR) and a key, and a client that sends the key and a
// header of its own on both transports: every invocation is recorded,
// with the functions' arguments, and no file holds the key or the
// client's header value (the values are plain letters and digits, so no
// level of the host's escaping could hide them from the search).
func TestCaptureRedacts(t *testing.T) {
	const (
		key       = "captureKey0a1b2c3d4e5f"
		noteValue = "clientNote9z8y7x6w"
		value     = "capturedValue-42"
	)
	az := testenv.SharedAzurite(t)
	dir := t.TempDir()
	dh := testenv.StartDevhost(t, testenv.DevhostOptions{Storage: az.ConnectionString(), Key: key, Env: []string{capture.DirSetting + "=" + dir}})

	hc := headerClient("X-Client-Note", noteValue)
	streamable := connect(t, &mcp.StreamableClientTransport{Endpoint: dh.URL, HTTPClient: headerClient("x-functions-key", key), MaxRetries: -1})
	sse := connect(t, &mcp.SSEClientTransport{Endpoint: dh.SSEURL + "?code=" + url.QueryEscape(key), HTTPClient: hc})
	requireText(t, call(t, streamable, "hello", nil), helloText)
	put(t, streamable, "capture-item", value)
	requireText(t, call(t, sse, "hello", nil), helloText)

	files, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	require.NoError(t, err)
	require.Len(t, files, 3, "one file per invocation")
	var all strings.Builder
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		all.Write(b)
		ar := txtar.Parse(b)
		require.Len(t, ar.Files, 3, "%s: function, request.json, response.json", f)
	}
	got := all.String()
	// (Not NotContains: its message would print the leak.)
	assert.False(t, strings.Contains(got, key), "a captured file holds the key")
	assert.False(t, strings.Contains(got, noteValue), "a captured file holds the client's header value")
	// What is kept: the argument, the header names, the redaction mark.
	assert.Contains(t, got, value)
	assert.Contains(t, strings.ToLower(got), "x-client-note")
	assert.Contains(t, strings.ToLower(got), "x-functions-key")
	assert.Contains(t, got, capture.Redacted)
	assert.Contains(t, filepath.Base(files[1]), "-put.txtar")
}
