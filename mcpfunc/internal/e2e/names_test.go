package e2e

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// TestBackslashInAName: a '\' in a key makes a blob name storage refuses.
// The host binds a blob output only once the handler gave it a value, so
// put answers with the tool's key rule in both hostings; a blob input is
// bound before the handler runs, so get gets the host's generic error in
// both. Neither is an error of the server's: the log says it at warning
// level, never at error level.
func TestBackslashInAName(t *testing.T) {
	az := testenv.SharedAzurite(t)
	forEachHosting(t, func(t *testing.T, h hostingCase) {
		srv := h.start(t, serverOptions{Storage: az.ConnectionString()})
		s := connect(t, transports[0].dial(srv, nil))
		before := az.Listing(t)
		requireToolError(t, call(t, s, "put", putArgs(`a\b`, "x")), badKey(`a\b`))
		requireToolError(t, call(t, s, "get", map[string]any{"key": `a\b`}), "An error occurred invoking 'get'.")
		assert.Equal(t, before, az.Listing(t), "nothing is written")
		waitLogCount(t, srv, `holds a '\\'`, 1)
		for _, line := range strings.Split(srv.Output(), "\n") {
			assert.NotContains(t, line, "level=ERROR", "a client's bad name is no server error")
		}
	})
}
