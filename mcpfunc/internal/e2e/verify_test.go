package e2e

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// verifyRun runs the fixture's handler with -verify url, the key in
// MCP_KEY, and returns its output (stdout and stderr) and exit error.
func verifyRun(t *testing.T, url, key string) (string, error) {
	t.Helper()
	cmd := exec.Command(testenv.Command(t, "./"+testenv.Fixture.Dir+"/handler"), "-verify", url)
	// This environment, without a key of its own: only the one given.
	cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "MCP_KEY=") })
	if key != "" {
		cmd.Env = append(cmd.Env, "MCP_KEY="+key)
	}
	return testenv.RunToExit(t, cmd, verifyLimit)
}

// TestVerify: the handler's -verify passes against each hosting as
// make start runs it, with a key and without, on each transport the
// hosting has; the key is in nothing it prints; its probes leave no item
// behind (the storage, listed after, holds no verify-* blob).
func TestVerify(t *testing.T) {
	az := testenv.SharedAzurite(t)
	const key = "e2e-verify-key-71c3a9"
	forEachHosting(t, func(t *testing.T, h hostingCase) {
		for _, k := range []string{"", key} {
			name := "without a key"
			if k != "" {
				name = "with a key"
			}
			t.Run(name, func(t *testing.T) {
				srv := h.start(t, serverOptions{Storage: az.ConnectionString(), Key: k})
				out, err := verifyRun(t, srv.Endpoints().URL, k)
				require.NoError(t, err, out)
				assert.Contains(t, lastLine(out), "verify: PASS", out)
				assert.NotContains(t, out, key)
				assert.Regexp(t, `streamable: probe of put +pass +called put, called get, called keys, read item://verify-[0-9a-f]{12}, got describe, called remove`, out,
					"the probe made and read an item of its own")
				assert.Equal(t, srv.Endpoints().SSEURL != "", strings.Contains(out, "sse: probe of put"), "SSE where the hosting has it")
				assert.Equal(t, k != "", strings.Contains(out, "refused without the key"))
				for blob := range az.Listing(t) {
					assert.NotContains(t, blob, "verify-", "probe data left behind")
				}
				assert.NotContains(t, srv.Output(), key, "nor in the server's log")
			})
		}
	})
}

// TestVerifyKeylessServer: given a key, -verify fails against a server
// that takes requests without one (as func start does), naming it, and
// exits 1.
func TestVerifyKeylessServer(t *testing.T) {
	az := testenv.SharedAzurite(t)
	const key = "e2e-verify-key-0be4"
	forEachHosting(t, func(t *testing.T, h hostingCase) {
		srv := h.start(t, serverOptions{Storage: az.ConnectionString()})
		out, err := verifyRun(t, srv.Endpoints().URL, key)
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, out)
		assert.Equal(t, 1, exit.ExitCode())
		assert.Contains(t, out, "the endpoint accepted a request without the key (200)")
		assert.Contains(t, lastLine(out), "verify: FAIL")
		assert.NotContains(t, out, key)
	})
}

// TestVerifyUsage: a URL with a key in it exits 2, without repeating the
// key.
func TestVerifyUsage(t *testing.T) {
	out, err := verifyRun(t, "http://127.0.0.1:7071/mcp?code=secret-in-url", "")
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, out)
	assert.Equal(t, 2, exit.ExitCode())
	assert.Contains(t, out, "handler: the URL carries a key (?code=)")
	assert.NotContains(t, out, "secret-in-url")
}

// verifyLimit bounds one -verify run: each of its requests has a bound
// of its own; this is the backstop.
const verifyLimit = 5 * time.Minute

func lastLine(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}
