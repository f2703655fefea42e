package mcpfunc

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hostJSON is a host.json the host takes for any function of greetApp.
const hostJSON = `{"version":"2.0","extensionBundle":{"id":"Microsoft.Azure.Functions.ExtensionBundle","version":"[4.35.0, 5.0.0)"},"customHandler":{"description":{"defaultExecutablePath":"handler"}}}`

func greetApp() (*App, error) {
	return &App{Name: "greeter", Tools: []*Tool{{
		Name: "greet", Description: "Greet someone.",
		Handler: Typed(func(_ context.Context, _ *Call, in greetIn) (string, error) { return "Hello, " + in.Name, nil }),
	}}}, nil
}

// runIn runs the handler's command line with args and -root dir, and
// returns what it printed and its error.
func runIn(t *testing.T, newApp func() (*App, error), dir string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(newApp, append(args, "-root", dir), &out)
	return out.String(), err
}

// appDir is a new function app folder holding host.json.
func appDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "host.json"), []byte(hostJSON), 0o644))
	return dir
}

// -generate writes the function folders; -check then passes, and says
// what drifted once a file changes, exiting with an error.
func TestGenerateAndCheckFlags(t *testing.T) {
	dir := appDir(t)
	out, err := runIn(t, greetApp, dir, "-check")
	require.ErrorIs(t, err, errDrift)
	assert.Contains(t, out, "functions/greet/function.json is missing: run make generate")

	out, err = runIn(t, greetApp, dir, "-generate")
	require.NoError(t, err)
	assert.Contains(t, out, "wrote functions/greet/function.json")
	b, err := os.ReadFile(filepath.Join(dir, "functions", "greet", "function.json"))
	require.NoError(t, err)
	assert.Contains(t, string(b), `"toolName": "greet"`)

	out, err = runIn(t, greetApp, dir, "-generate")
	require.NoError(t, err)
	assert.NotContains(t, out, "wrote", "nothing changed, nothing written")
	out, err = runIn(t, greetApp, dir, "-check")
	require.NoError(t, err, out)

	path := filepath.Join(dir, "functions", "greet", "function.json")
	require.NoError(t, os.WriteFile(path, bytes.Replace(b, []byte("Greet someone."), []byte("Greet."), 1), 0o644))
	out, err = runIn(t, greetApp, dir, "-check")
	require.ErrorIs(t, err, errDrift)
	assert.Contains(t, out, "functions/greet/function.json differs from its Go declaration")
	assert.Contains(t, out, "run make generate")
}

// -check also says what the host would refuse in the folder: here a
// host.json that is missing.
func TestCheckFlagHostProblems(t *testing.T) {
	dir := appDir(t)
	_, err := runIn(t, greetApp, dir, "-generate")
	require.NoError(t, err)
	require.NoError(t, os.Remove(filepath.Join(dir, "host.json")))
	out, err := runIn(t, greetApp, dir, "-check")
	require.ErrorIs(t, err, errDrift)
	assert.Contains(t, out, "host.json")
}

// A bad flag, an app that fails to make and a bad declaration stop the
// command before anything is written.
func TestFlagRefusals(t *testing.T) {
	dir := t.TempDir()
	_, err := runIn(t, greetApp, dir, "-nosuchflag")
	assert.ErrorContains(t, err, "flag provided but not defined: -nosuchflag")

	_, err = runIn(t, func() (*App, error) { return nil, errors.New("GREETING=\"\": want a word") }, dir, "-generate")
	assert.EqualError(t, err, `GREETING="": want a word`)

	_, err = runIn(t, func() (*App, error) { return &App{}, nil }, dir, "-generate")
	assert.ErrorContains(t, err, "the app needs a Name")

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing written")
}

// -listen serves clients with no host in front, which only the self
// hosting does; a bad MCP_HOSTING is refused by name.
func TestListenFlagNeedsSelfHosting(t *testing.T) {
	t.Setenv("MCP_HOSTING", "")
	_, err := runIn(t, greetApp, t.TempDir(), "-listen", "127.0.0.1:0")
	assert.EqualError(t, err, "-listen serves MCP clients directly, which only MCP_HOSTING=self does")

	t.Setenv("MCP_HOSTING", "selfish")
	_, err = runIn(t, greetApp, t.TempDir())
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), `MCP_HOSTING="selfish"`), err.Error())
}

// -verify: a URL it cannot use is a usage error (exit status 2) that says
// why; an endpoint that fails a check exits 1, its table and verdict
// printed; a bad flag is a usage error too.
func TestVerifyFlag(t *testing.T) {
	var out bytes.Buffer
	err := run(greetApp, []string{"-verify", "http://127.0.0.1:1/mcp?code=k"}, &out)
	var ex *exitError
	require.ErrorAs(t, err, &ex)
	assert.Equal(t, 2, ex.code)
	assert.ErrorContains(t, err, "the URL carries a key (?code=)")

	out.Reset()
	err = run(greetApp, []string{"-verify", "http://127.0.0.1:1/mcp"}, &out)
	require.ErrorAs(t, err, &ex)
	assert.Equal(t, 1, ex.code)
	assert.NoError(t, ex.err, "the table says why; nothing more to print")
	assert.Contains(t, out.String(), "verify: FAIL")

	err = run(greetApp, []string{"-verify"}, &out)
	require.ErrorAs(t, err, &ex)
	assert.Equal(t, 2, ex.code)
}
