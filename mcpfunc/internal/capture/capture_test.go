package capture

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"
)

// Distinctive values: if any of them is in a file, the file leaks it.
const (
	clientKey = "KEY-4f9a2c71e0"
	userAgent = "UA-b83d19-client"
)

// goldenRequest is a contract golden's host payload (echo: the host's
// encodings, the client's headers in all four places), with the golden's
// placeholder key and user agent replaced by distinctive values.
func goldenRequest(t testing.TB) []byte {
	t.Helper()
	ar, err := txtar.ParseFile("../customhandler/testdata/contract/echo.txtar")
	require.NoError(t, err)
	for _, f := range ar.Files {
		if f.Name == "request.json" {
			s := string(f.Data)
			require.Equal(t, 4, strings.Count(s, "REDACTED-KEY"), "the key is in four places")
			s = strings.ReplaceAll(s, "REDACTED-KEY", clientKey)
			s = strings.ReplaceAll(s, `\\\"node\\\"`, `\\\"`+userAgent+`\\\"`)
			s = strings.ReplaceAll(s, `"node"`, `"`+userAgent+`"`)
			require.Equal(t, 4, strings.Count(s, userAgent), "the user agent is in four places")
			return []byte(s)
		}
	}
	t.Fatal("no request.json")
	return nil
}

func recorder(t *testing.T, env map[string]string) (*Recorder, *int) {
	t.Helper()
	full := 0
	r, err := FromEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }, func(int64) { full++ })
	require.NoError(t, err)
	return r, &full
}

// unquote decodes a JSON string n times: the host's context is JSON text
// inside a string inside a string.
func unquote(t *testing.T, v any, n int) any {
	t.Helper()
	for range n {
		s, ok := v.(string)
		require.True(t, ok, "%T", v)
		require.NoError(t, json.Unmarshal([]byte(s), &v))
	}
	return v
}

func TestNothingWrittenHoldsAKeyOrAHeaderValue(t *testing.T) {
	dir := t.TempDir()
	r, _ := recorder(t, map[string]string{DirSetting: dir})
	req := goldenRequest(t)
	resp := []byte(`{"Outputs":{},"Logs":["called from https://app.example/runtime/webhooks/mcp?code=` + clientKey + `&x=1"],"ReturnValue":"{\"Authorization\":\"Bearer ` + clientKey + `\"}"}`)
	file, err := r.Record("echo", req, 200, resp)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, strconv.Itoa(os.Getpid())+"-0001-echo.txtar"), file)

	b, err := os.ReadFile(file)
	require.NoError(t, err)
	// (Not NotContains: its message would print the leak.)
	assert.False(t, strings.Contains(string(b), clientKey), "the file holds the client's key")
	assert.False(t, strings.Contains(string(b), userAgent), "the file holds the client's user agent")

	ar := txtar.Parse(b)
	assert.Equal(t, "captured invocation 1 of echo: the handler answered 200\n", string(ar.Comment))
	sections := map[string]string{}
	for _, f := range ar.Files {
		sections[f.Name] = string(f.Data)
	}
	assert.Equal(t, "echo\n", sections["function"])

	var got, orig struct {
		Data     map[string]any
		Metadata map[string]any
	}
	require.NoError(t, json.Unmarshal([]byte(sections["request.json"]), &got))
	require.NoError(t, json.Unmarshal(req, &orig))
	// The arguments are kept as sent, byte for byte where nothing changed.
	assert.Equal(t, orig.Metadata["mcptoolargs"], got.Metadata["mcptoolargs"])
	assert.Equal(t, orig.Metadata["arguments"], got.Metadata["arguments"])
	assert.Equal(t, orig.Metadata["sys"], got.Metadata["sys"])
	// The header names stay, every value is redacted, in all four places.
	wantHeaders := map[string]any{"accept": Redacted, "content-type": Redacted, "mcp-session-id": Redacted, "user-agent": Redacted, "x-functions-key": Redacted}
	for name, ctx := range map[string]any{"Data.context": got.Data["context"], "Metadata.context": got.Metadata["context"]} {
		c := unquote(t, ctx, 2).(map[string]any)
		assert.Equal(t, wantHeaders, c["transport"].(map[string]any)["properties"].(map[string]any)["headers"], name)
		oc := unquote(t, orig.Data["context"], 2).(map[string]any)
		assert.Equal(t, oc["arguments"], c["arguments"], name)
	}
	assert.Equal(t, wantHeaders, got.Metadata["transport"].(map[string]any)["properties"].(map[string]any)["headers"])
	assert.Equal(t, wantHeaders, got.Metadata["mcptoolcontext"].(map[string]any)["Transport"].(map[string]any)["Properties"].(map[string]any)["headers"])

	assert.Contains(t, sections["response.json"], "?code=REDACTED&x=1")
	assert.Contains(t, sections["response.json"], `{\"Authorization\":\"REDACTED\"}`)
}

// The app's own argument names are not credentials: an argument named key
// or code is kept.
func TestArgumentsNamedKeyAreKept(t *testing.T) {
	in := `{"Data":{"context":"{\"arguments\":{\"key\":\"a1\",\"code\":\"print(1)\"}}"}}`
	out := Redact([]byte(in))
	var v struct{ Data struct{ Context string } }
	require.NoError(t, json.Unmarshal(out, &v))
	assert.JSONEq(t, `{"arguments":{"key":"a1","code":"print(1)"}}`, v.Data.Context)
}

func TestWhatCannotBeRedactedIsNotWritten(t *testing.T) {
	assert.Equal(t, "(33 bytes that are not JSON: not recorded, they cannot be redacted with certainty)\n",
		string(Redact([]byte(`x-functions-key: `+clientKey+` {`))))
	big := `{"v":"` + strings.Repeat("a", MaxBodyBytes) + `"}`
	assert.Equal(t, "("+strconv.Itoa(len(big))+" bytes, over the 1048576 written: not recorded)\n", string(Redact([]byte(big))))
	assert.Equal(t, "(empty)\n", string(Redact(nil)))
	deep := strings.Repeat("[", 200) + strings.Repeat("]", 200)
	assert.Contains(t, string(Redact([]byte(deep))), "not recorded")
}

func TestBounded(t *testing.T) {
	dir := t.TempDir()
	r, full := recorder(t, map[string]string{DirSetting: dir, MaxSetting: "3"})
	for range 5 {
		_, err := r.Record("hello", []byte(`{}`), 200, []byte(`{}`))
		require.NoError(t, err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.txtar"))
	assert.Len(t, files, 3)
	assert.Equal(t, 1, *full)
}

func TestSettings(t *testing.T) {
	r, _ := recorder(t, map[string]string{})
	assert.Nil(t, r, "off unless asked")
	for _, bad := range []string{"0", "-1", "many", "100001"} {
		_, err := FromEnv(func(k string) (string, bool) {
			return map[string]string{DirSetting: t.TempDir(), MaxSetting: bad}[k], true
		}, nil)
		assert.ErrorContains(t, err, "MCP_CAPTURE_MAX=\""+bad+"\": want a number of invocations from 1 to 100000")
	}
	assert.Equal(t, "a_b", safeName("a/b"))
}

// BenchmarkRedact measures redacting one host payload (the echo golden's,
// about 5 KB); compare with BenchmarkIndent, the indenting alone.
func BenchmarkRedact(b *testing.B) {
	req := goldenRequest(b)
	b.SetBytes(int64(len(req)))
	for b.Loop() {
		Redact(req)
	}
}

func BenchmarkIndent(b *testing.B) {
	req := goldenRequest(b)
	b.SetBytes(int64(len(req)))
	for b.Loop() {
		var out bytes.Buffer
		_ = json.Indent(&out, req, "", "  ")
	}
}

// Only the secret values change: the host's escapes stay as sent, here
// System.Text.Json's \u0022 quotes and an escaped é, and the replacement
// is written with the same escapes.
func TestEscapesAreKept(t *testing.T) {
	in := `{"Data":{"context":"{\u0022name\u0022:\u0022caf\u00E9\u0022,\u0022transport\u0022:{\u0022properties\u0022:{\u0022headers\u0022:{\u0022X-Functions-Key\u0022:\u0022` + clientKey + `\u0022}}}}"}}`
	want := `{
  "Data": {
    "context": "{\u0022name\u0022:\u0022caf\u00E9\u0022,\u0022transport\u0022:{\u0022properties\u0022:{\u0022headers\u0022:{\u0022X-Functions-Key\u0022:\u0022REDACTED\u0022}}}}"
  }
}
`
	assert.Equal(t, want, string(Redact([]byte(in))))
}

// In the host's triple encoding, the context string is the same bytes up
// to the headers, and the redaction mark is escaped as its neighbours.
func TestTripleEncodingIsKept(t *testing.T) {
	req := goldenRequest(t)
	out := Redact(req)
	var in, got struct {
		Data struct{ Context json.RawMessage }
	}
	require.NoError(t, json.Unmarshal(req, &in))
	require.NoError(t, json.Unmarshal(out, &got))
	before, _, ok := strings.Cut(string(in.Data.Context), `headers`)
	require.True(t, ok)
	assert.True(t, strings.HasPrefix(string(got.Data.Context), before), "the context is kept byte for byte up to the headers")
	assert.Contains(t, string(got.Data.Context), `\\\"x-functions-key\\\":\\\"REDACTED\\\"`)
}

// A credential's value that also appears where no rule reaches it (here a
// note) is not written at all: the check on the result refuses the body.
func TestSurvivingCredentialIsNotWritten(t *testing.T) {
	r := &redactor{}
	_, err := r.value([]byte(`{"authorization":"Bearer `+clientKey+`"}`), 0)
	require.NoError(t, err)
	require.Len(t, r.secrets, 1)
	// The same value elsewhere, outside any header: the body is refused.
	body := `{"authorization":"` + clientKey + `","note":"` + clientKey + `"}`
	out := Redact([]byte(body))
	assert.Equal(t, "("+strconv.Itoa(len(body))+" bytes: not recorded, a credential survived the redaction)\n", string(out))
}

func TestUnescape(t *testing.T) {
	text, pos, err := unescape([]byte(`a\"\u00e9\ud83d\ude00b`))
	require.NoError(t, err)
	assert.Equal(t, "a\"é😀b", string(text))
	assert.Equal(t, []int{0, 1, 3, 3, 9, 9, 9, 9, 21, 22}, pos)
	text, _, err = unescape([]byte(`\ud83dx`))
	require.NoError(t, err)
	assert.Equal(t, "\uFFFDx", string(text), "a lone surrogate reads as encoding/json reads it")
}

// A key in a URL's query after another parameter, as .NET's
// System.Text.Json writes a URL by default ('&' as \u0026, inside JSON text
// in a string as \\u0026), or percent-encoded inside another URL, is
// redacted as the first parameter's is.
func TestQueryKeyAfterEscapedAmpersand(t *testing.T) {
	const secret = "s3cr3t-query-key-77"
	for _, in := range []string{
		`{"Logs":["https://app.example/runtime/webhooks/mcp?x=1\u0026code=` + secret + `"]}`,
		`{"Logs":["https://app.example/runtime/webhooks/mcp?x=1\u0026Code=` + secret + `\u0026y=2"]}`,
		`{"Data":{"context":"{\"url\":\"https://app.example/mcp?x=1\\u0026code=` + secret + `\"}"}}`,
		`{"Logs":["https://login.example/?next=https%3A%2F%2Fapp.example%2Fmcp%3Fx%3D1%26sig%3D` + secret + `"]}`,
	} {
		out := string(Redact([]byte(in)))
		assert.False(t, strings.Contains(out, secret), "the key survived in %s", in)
		assert.Contains(t, out, "REDACTED", in)
	}
}
