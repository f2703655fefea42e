package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// TestStorageOutage stops Azurite under each running hosting: calls with
// blob bindings fail with the host's generic tool error, and the tools
// that reach storage themselves say so, while the server (devhost and the
// handler, or the self-hosted handler) stays up; they succeed again once
// Azurite is back on the same ports and data.
func TestStorageOutage(t *testing.T) {
	forEachHosting(t, storageOutage)
}

func storageOutage(t *testing.T, h hostingCase) {
	az := testenv.StartAzurite(t)
	srv := h.start(t, serverOptions{Storage: az.ConnectionString()})
	s := connect(t, transports[0].dial(srv, nil))

	put(t, s, "before", "kept")
	var handlers []int
	dh, isDevhost := srv.(*testenv.Devhost)
	if isDevhost {
		handlers = dh.HandlerPIDs(t)
		require.Len(t, handlers, 1)
	}

	az.Stop(t)
	requireToolError(t, call(t, s, "get", map[string]any{"key": "before"}), "An error occurred invoking 'get'.")
	requireToolError(t, call(t, s, "put", putArgs("during", "lost")), "An error occurred invoking 'put'.")
	// The tools that reach storage themselves say so, with their own words.
	requireToolError(t, call(t, s, "keys", nil), "Storage did not answer.")
	requireToolError(t, call(t, s, "remove", map[string]any{"key": "before"}), "Storage did not answer.")
	// A tool without storage still answers: the server is up.
	requireText(t, call(t, s, "hello", nil), helloText)
	assert.False(t, srv.Exited())
	if isDevhost {
		assert.Equal(t, handlers, dh.HandlerPIDs(t), "a storage outage must not restart the handler")
	}

	az.Restart(t)
	requireText(t, call(t, s, "get", map[string]any{"key": "before"}), "kept")
	put(t, s, "after", "stored")
	requireText(t, call(t, s, "get", map[string]any{"key": "after"}), "stored")
	_, written := az.Blob(t, container, blobName("during"))
	assert.False(t, written, "a put that failed must leave no blob")
}

// TestHandlerCrash kills the handler process: devhost reports the crash,
// starts a new handler, and calls on the same MCP session succeed again.
func TestHandlerCrash(t *testing.T) {
	az := testenv.SharedAzurite(t)
	dh := testenv.StartDevhost(t, testenv.DevhostOptions{Storage: az.ConnectionString()})
	s := connect(t, transports[0].dial(dh, nil))
	requireText(t, call(t, s, "hello", nil), helloText)

	killed := dh.KillHandler(t)
	restarted := dh.WaitHandlerRestart(t, killed)
	assert.NotEqual(t, killed, restarted)
	assert.Contains(t, dh.Output(), "handler exited unexpectedly", "devhost reports the crash")

	requireText(t, call(t, s, "hello", nil), helloText)
	put(t, s, "after-crash", "ok")
	requireText(t, call(t, s, "get", map[string]any{"key": "after-crash"}), "ok")
	assert.Equal(t, []int{restarted}, dh.HandlerPIDs(t), "one handler, the restarted one")
}

// TestAppSetting: an app setting (the fixture's FIXTURE_MAX_BYTES)
// reaches the app in each hosting as under func start: from
// local.settings.json, or from the environment, which wins over the file.
func TestAppSetting(t *testing.T) {
	forEachHosting(t, appSetting)
}

func appSetting(t *testing.T, h hostingCase) {
	az := testenv.SharedAzurite(t)
	tests := []struct {
		name  string
		file  map[string]string
		env   []string
		limit int
	}{
		{"local.settings.json", map[string]string{testenv.FixtureSetting: "16"}, nil, 16},
		{"environment over the file", map[string]string{testenv.FixtureSetting: "16"}, []string{testenv.FixtureSetting + "=10"}, 10},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := h.start(t, serverOptions{Storage: az.ConnectionString(), Settings: tt.file, Env: tt.env})
			trs := transportsOf(srv)
			s := connect(t, trs[len(trs)-1].dial(srv, nil))

			ok, over := fmt.Sprintf("limit-ok-%s-%d", h.name, i), fmt.Sprintf("limit-over-%s-%d", h.name, i)
			put(t, s, ok, strings.Repeat("x", tt.limit))
			before := az.Listing(t)
			// One byte over, in fewer characters: the limit is in bytes.
			value := strings.Repeat("é", tt.limit/2) + "x"
			requireToolError(t, call(t, s, "put", putArgs(over, value)),
				fmt.Sprintf("Item '%s' is too large: %d bytes, the limit is %d.", over, len(value), tt.limit))
			assert.Equal(t, before, az.Listing(t), "nothing may be written")
		})
	}
	assert.Less(t, 16, fixtureLimit)
}
