package customhandler_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/apphook"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/fixture"
)

// fixtureDir is the library's test app's function app: host.json and
// functions/, generated from fixture.New.
const fixtureDir = "../fixture"

// fixtureFunctions is the test app's functions as the hostings run them.
func fixtureFunctions(tb testing.TB) decl.Functions {
	tb.Helper()
	app, err := fixture.New()
	require.NoError(tb, err)
	a, err := apphook.Of(app)
	require.NoError(tb, err)
	return a.Functions
}
