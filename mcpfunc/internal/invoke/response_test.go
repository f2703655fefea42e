package invoke

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/rawjson"
)

// The answer is written in one pass; these tests hold it to what encoding
// the same values layer by layer with encoding/json gives, byte for byte.

// refRich is RichReturn as encoding/json builds it: the result's JSON,
// then the envelope holding it as a string.
func refRich(t testing.TB, res CallToolResult) string {
	if res.Content == nil {
		res.Content = []Content{}
	}
	inner, err := rawjson.Marshal(res)
	require.NoError(t, err)
	outer, err := rawjson.Marshal(struct {
		Type    string `json:"type"`
		Content string `json:"content"`
	}{ResultTypeCallToolResult, string(inner)})
	require.NoError(t, err)
	return string(outer)
}

// refBody is the body of a response as encoding/json writes it.
func refBody(t testing.TB, outputs map[string][]byte, logs []string, returnValue string) string {
	b64 := map[string]string{}
	for k, v := range outputs {
		b64[k] = base64.StdEncoding.EncodeToString(v)
	}
	b, err := rawjson.Marshal(struct {
		Outputs     map[string]string
		Logs        []string
		ReturnValue string
	}{b64, logs, returnValue})
	require.NoError(t, err)
	return string(b)
}

// body is what WriteTo writes, checked to be what MarshalJSON gives.
func body(t testing.TB, r *Response) string {
	var out strings.Builder
	n, err := r.WriteTo(&out)
	require.NoError(t, err)
	require.Equal(t, int64(out.Len()), n)
	m, err := r.MarshalJSON()
	require.NoError(t, err)
	require.Equal(t, out.String(), string(m))
	return out.String()
}

var answerTexts = []string{"", "Item 'a1' saved successfully", `say "hi" \ there`, "tab\tnew\nline\x00\x1f",
	"<b> & 'x' +`", "é 日本 \U0001F600", "bad \xff utf-8", "\u2028\u2029",
	// Longer than a chunk, with characters across the cuts.
	strings.Repeat("日本語 \"x\"\n", 20000)}

func TestAnswerWrittenOnce(t *testing.T) {
	for _, text := range answerTexts {
		res := CallToolResult{Content: []Content{TextContent(text)}, StructuredContent: json.RawMessage(`{"name":"a\"b","content":"x\\ny"}`)}
		rich, err := RichReturn(res)
		require.NoError(t, err)
		assert.Equal(t, refRich(t, res), rich, "%q", text)

		isErr := CallToolResult{Content: []Content{TextContent(text), {Type: "image", Raw: json.RawMessage(`{"type":"image","data":"AA=="}`)}}, IsError: true}
		rich, err = RichReturn(isErr)
		require.NoError(t, err)
		assert.Equal(t, refRich(t, isErr), rich, "%q", text)

		outputs := map[string][]byte{"file": []byte(text), "other": {0, 1, 2}}
		logs := []string{"Saved " + text, "second"}
		r := NewResponse()
		r.Logs = logs
		for k, v := range outputs {
			r.SetOutput(k, v)
		}
		r.ReturnTool(&res)
		assert.Equal(t, refBody(t, outputs, logs, refRich(t, res)), body(t, r), "%q", text)
		r.ReturnText(text)
		assert.Equal(t, refBody(t, outputs, logs, text), body(t, r), "%q", text)

		mime := "text/plain"
		c := ResourceContents{URI: "item://" + text, MimeType: &mime, Text: &text}
		got, err := ResourceReturn(c)
		require.NoError(t, err)
		inner, _ := rawjson.Marshal(c)
		want, _ := rawjson.Marshal(struct {
			Content string `json:"content"`
		}{string(inner)})
		assert.Equal(t, string(want), got, "%q", text)
		r.ReturnResource(&c)
		assert.Equal(t, refBody(t, outputs, logs, string(want)), body(t, r), "%q", text)
	}
	empty := NewResponse()
	assert.Equal(t, `{"Outputs":{},"Logs":[],"ReturnValue":""}`, body(t, empty))
}

// FuzzAnswer: for any text, the answer is what encoding/json would write.
func FuzzAnswer(f *testing.F) {
	for _, s := range answerTexts {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		res := CallToolResult{Content: []Content{TextContent(text)}}
		r := NewResponse()
		r.Logs = []string{text}
		r.SetOutput("file", []byte(text))
		r.ReturnTool(&res)
		if got, want := body(t, r), refBody(t, map[string][]byte{"file": []byte(text)}, []string{text}, refRich(t, res)); got != want {
			t.Fatalf("text %q:\n got %s\nwant %s", text, got, want)
		}
	})
}
