package selfhost_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/apphook"
	"remote-mcp-functions-go/mcpfunc/internal/blobstore"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/fixture"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/selfhost"
)

// MCP_STATE_KEY is base64 of at least 32 bytes; a bad value fails the
// start with a message that does not hold it.
func TestStateKeySetting(t *testing.T) {
	app, err := fixture.New()
	require.NoError(t, err)
	a, err := apphook.Of(app)
	require.NoError(t, err)
	options := func(v *string) (selfhost.Options, error) {
		settings := map[string]string{funcapp.StorageSetting: "UseDevelopmentStorage=true"}
		if v != nil {
			settings[selfhost.StateKeySetting] = *v
		}
		lookup := func(k string) (string, bool) { v, ok := settings[k]; return v, ok }
		return selfhost.OptionsFromEnv(a.Functions, lookup, blobstore.NewAccounts(lookup, nil), false)
	}
	str := func(s string) *string { return &s }

	opts, err := options(nil)
	require.NoError(t, err)
	assert.Nil(t, opts.StateKey, "unset: none, the server makes its own")
	opts, err = options(str(""))
	require.NoError(t, err)
	assert.Nil(t, opts.StateKey)

	// 32 bytes 0x00..0x1f, encoded by hand-checked base64.
	want := make([]byte, 32)
	for i := range want {
		want[i] = byte(i)
	}
	opts, err = options(str("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"))
	require.NoError(t, err)
	assert.Equal(t, want, opts.StateKey)

	// What the infrastructure makes: base64 of two GUIDs' text, 72 bytes.
	opts, err = options(str("ZjZmYTk3YjgtNzc1ZC00ZWQ0LWE2YjEtMjdmYmM2MGQ4Y2M3MWU4ZDI0YmEtMzI5Yi00ZGU3LWE5ZjYtM2Q0ZDZhZWM3ZGQ1"))
	require.NoError(t, err)
	assert.Len(t, opts.StateKey, 72)

	for _, bad := range []string{"secret-not-base64!!", "c2hvcnRzZWNyZXQ="} { // the second: "shortsecret"
		_, err := options(&bad)
		require.Error(t, err, bad)
		assert.Contains(t, err.Error(), selfhost.StateKeySetting)
		assert.Contains(t, err.Error(), "openssl rand -base64 32")
		assert.NotContains(t, err.Error(), bad)
		assert.NotContains(t, err.Error(), "shortsecret")
	}
}

// Without a key, the server says at its start that confirmations hold on
// this process only; with one, it says nothing of it. Neither logs a key.
func TestStateKeyLogged(t *testing.T) {
	for _, key := range [][]byte{nil, bytes.Repeat([]byte("k"), 32)} {
		var logs bytes.Buffer
		_, err := selfhost.New(decl.Functions{}, selfhost.Options{Server: decl.ServerInfo{Name: "s"}, StateKey: key,
			Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		require.NoError(t, err)
		said := strings.Contains(logs.String(), "MCP_STATE_KEY is not set: confirmations are sealed with a key of this process only")
		assert.Equal(t, key == nil, said, logs.String())
		assert.NotContains(t, logs.String(), "kkkk")
	}
	_, err := selfhost.New(decl.Functions{}, selfhost.Options{Server: decl.ServerInfo{Name: "s"}, StateKey: []byte("short")})
	assert.ErrorContains(t, err, "at least 32")
}
