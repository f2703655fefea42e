package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/app/snippet"
	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// TestStorageOutage stops Azurite under each running hosting: snippet
// calls fail with the host's generic tool error while the server (devhost
// and the handler, or the self-hosted handler) stays up, and succeed again
// once Azurite is back on the same ports and data.
func TestStorageOutage(t *testing.T) {
	forEachHosting(t, storageOutage)
}

func storageOutage(t *testing.T, h hostingCase) {
	az := testenv.StartAzurite(t)
	srv := h.start(t, serverOptions{Storage: az.ConnectionString()})
	s := connect(t, transports[0].dial(srv, nil))

	requireText(t, call(t, s, "savesnippet", map[string]any{"snippetname": "before", "snippet": "kept"}), "Snippet 'before' saved successfully")
	var handlers []int
	dh, isDevhost := srv.(*testenv.Devhost)
	if isDevhost {
		handlers = dh.HandlerPIDs(t)
		require.Len(t, handlers, 1)
	}

	az.Stop(t)
	requireToolError(t, call(t, s, "getsnippet", map[string]any{"snippetname": "before"}), "An error occurred invoking 'getsnippet'.")
	requireToolError(t, call(t, s, "savesnippet", map[string]any{"snippetname": "during", "snippet": "lost"}), "An error occurred invoking 'savesnippet'.")
	// The tools that reach storage themselves say so, with their own words.
	requireToolError(t, call(t, s, "listsnippets", nil), "Snippet storage did not answer; try again in a moment.")
	requireToolError(t, call(t, s, "deletesnippet", map[string]any{"snippetname": "before"}), "Snippet storage did not answer; try again in a moment.")
	// A tool without storage still answers: the server is up.
	requireText(t, call(t, s, "hello", nil), "Hello I am MCPTool!")
	assert.False(t, srv.Exited())
	if isDevhost {
		assert.Equal(t, handlers, dh.HandlerPIDs(t), "a storage outage must not restart the handler")
	}

	az.Restart(t)
	requireText(t, call(t, s, "getsnippet", map[string]any{"snippetname": "before"}), "kept")
	requireText(t, call(t, s, "savesnippet", map[string]any{"snippetname": "after", "snippet": "saved"}), "Snippet 'after' saved successfully")
	requireText(t, call(t, s, "getsnippet", map[string]any{"snippetname": "after"}), "saved")
	_, written := az.Blob(t, container, blobName("during"))
	assert.False(t, written, "a save that failed must leave no blob")
}

// TestHandlerCrash kills the handler process: devhost reports the crash,
// starts a new handler, and calls on the same MCP session succeed again.
func TestHandlerCrash(t *testing.T) {
	az := testenv.SharedAzurite(t)
	dh := testenv.StartDevhost(t, testenv.DevhostOptions{Storage: az.ConnectionString()})
	s := connect(t, transports[0].dial(dh, nil))
	requireText(t, call(t, s, "hello", nil), "Hello I am MCPTool!")

	killed := dh.KillHandler(t)
	restarted := dh.WaitHandlerRestart(t, killed)
	assert.NotEqual(t, killed, restarted)
	assert.Contains(t, dh.Output(), "handler exited unexpectedly", "devhost reports the crash")

	requireText(t, call(t, s, "hello", nil), "Hello I am MCPTool!")
	requireText(t, call(t, s, "savesnippet", map[string]any{"snippetname": "after-crash", "snippet": "ok"}), "Snippet 'after-crash' saved successfully")
	requireText(t, call(t, s, "getsnippet", map[string]any{"snippetname": "after-crash"}), "ok")
	assert.Equal(t, []int{restarted}, dh.HandlerPIDs(t), "one handler, the restarted one")
}

// TestSnippetMaxBytesSetting: the handler's app setting reaches it in
// each hosting as under func start: from local.settings.json, or from the
// environment, which wins over the file.
func TestSnippetMaxBytesSetting(t *testing.T) {
	forEachHosting(t, snippetMaxBytesSetting)
}

func snippetMaxBytesSetting(t *testing.T, h hostingCase) {
	az := testenv.SharedAzurite(t)
	tests := []struct {
		name  string
		file  map[string]string
		env   []string
		limit int
	}{
		{"local.settings.json", map[string]string{"SNIPPET_MAX_BYTES": "16"}, nil, 16},
		{"environment over the file", map[string]string{"SNIPPET_MAX_BYTES": "16"}, []string{"SNIPPET_MAX_BYTES=10"}, 10},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := h.start(t, serverOptions{Storage: az.ConnectionString(), Settings: tt.file, Env: tt.env})
			trs := transportsOf(srv)
			s := connect(t, trs[len(trs)-1].dial(srv, nil))

			ok, over := fmt.Sprintf("limit-ok-%s-%d", h.name, i), fmt.Sprintf("limit-over-%s-%d", h.name, i)
			requireText(t, call(t, s, "savesnippet", map[string]any{"snippetname": ok, "snippet": strings.Repeat("x", tt.limit)}),
				"Snippet '"+ok+"' saved successfully")
			before := az.Listing(t)
			// One byte over, in fewer characters: the limit is in bytes.
			content := strings.Repeat("é", tt.limit/2) + "x"
			requireToolError(t, call(t, s, "savesnippet", map[string]any{"snippetname": over, "snippet": content}),
				fmt.Sprintf("Snippet '%s' is too large: %d bytes, the limit is %d bytes.", over, len(content), tt.limit))
			assert.Equal(t, before, az.Listing(t), "nothing may be written")
		})
	}
	assert.Less(t, 16, snippet.DefaultMaxBytes)
}
