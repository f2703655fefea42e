package customhandler_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/customhandler"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
)

// argTools are tools whose text says what their function received.
func argTools() []*decl.Tool {
	type fetchInput struct {
		FileName string `json:"fileName" jsonschema:"The file."`
	}
	type pickInput struct {
		Mode  string    `json:"mode" jsonschema:"How."`
		Count int       `json:"count,omitempty" jsonschema:"How many."`
		Ratio float64   `json:"ratio,omitempty" jsonschema:"How much."`
		Tags  []string  `json:"tags,omitempty" jsonschema:"Labels."`
		When  time.Time `json:"when,omitzero" jsonschema:"When."`
		Note  string    `json:"note,omitempty" jsonschema:"A note."`
	}
	echo := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	return []*decl.Tool{
		{Name: "fetch", Description: "Read a file.", Blobs: []decl.Blob{decl.BlobIn("file", "files/{mcptoolargs.fileName}")},
			Handler: decl.Typed(func(_ context.Context, call *decl.Call, in fetchInput) (string, error) {
				text, _ := call.Input("file")
				return "fileName=" + in.FileName + " read=" + text, nil
			})},
		{Name: "pick", Description: "Pick.", Handler: decl.Typed(func(_ context.Context, _ *decl.Call, in pickInput) (string, error) {
			return echo(in), nil
		}).WithSchema(func(s *jsonschema.Schema) {
			s.Properties["mode"].Enum = []any{"fast", "slow"}
			one, ten := 1.0, 10.0
			s.Properties["count"].Minimum, s.Properties["count"].Maximum = &one, &ten
			s.Properties["tags"].MaxItems = new(int)
			*s.Properties["tags"].MaxItems = 2
			s.Properties["note"].MaxLength = new(int)
			*s.Properties["note"].MaxLength = 5
		})},
	}
}

// callTool posts a tools/call as the host encodes it and returns the
// result as the extension reads it.
func callTool(t *testing.T, url, tool string, args map[string]json.RawMessage, inputs map[string][]byte) *invoke.CallToolResult {
	t.Helper()
	body, err := invoke.NewToolRequest(&invoke.ToolInvocation{
		Invocation: invoke.Invocation{Function: tool, Inputs: inputs, Transport: "http-streamable", Now: time.Now(), RandGUID: "g"},
		Tool:       tool, Arguments: args,
	})
	require.NoError(t, err)
	resp, err := http.Post(url+"/"+tool, "application/json", strings.NewReader(string(body)))
	require.NoError(t, err)
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	hr, err := invoke.DecodeResponse(resp.StatusCode, resp.Header.Get("Content-Type"), answer, nil)
	require.NoError(t, err, "%s", answer)
	res, err := invoke.ToolResult(hr.ReturnValue, true)
	require.NoError(t, err)
	require.Len(t, res.Content, 1)
	return res
}

func rawArgs(t *testing.T, js string) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(js), &m))
	return m
}

func argServer(t *testing.T) string {
	h, err := customhandler.New(decl.Functions{Tools: argTools()}, customhandler.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestArgumentNamesExact: the function sees the argument whose name is
// exactly the field's, the one the host put in the blob path; a name that
// differs in case is another argument (encoding/json would take it, and
// the last one wins).
func TestArgumentNamesExact(t *testing.T) {
	url := argServer(t)
	res := callTool(t, url, "fetch", rawArgs(t, `{"fileName":"a","filename":"../evil"}`), map[string][]byte{"file": []byte("contents of a")})
	assert.False(t, res.IsError, res.Content[0].Text)
	assert.Equal(t, "fileName=a read=contents of a", res.Content[0].Text)

	res = callTool(t, url, "fetch", rawArgs(t, `{"FILENAME":"b","fileName":"a"}`), map[string][]byte{"file": []byte("contents of a")})
	assert.Equal(t, "fileName=a read=contents of a", res.Content[0].Text)
}

// TestArgumentsFollowTheSchema: what the input schema says is checked
// before the function runs, with messages that name the argument and the
// JSON types, never a Go type; integral numbers are integers however
// written.
func TestArgumentsFollowTheSchema(t *testing.T) {
	url := argServer(t)
	for _, tt := range []struct {
		args, want string
		isError    bool
	}{
		{`{"mode":"fast","count":5.0}`, `"count":5`, false},
		{`{"mode":"fast","count":5e0}`, `"count":5`, false},
		{`{"mode":"fast","count":5.5}`, "Argument 'count' must be an integer, not 5.5.", true},
		{`{"mode":"fast","count":11}`, "Argument 'count' must be between 1 and 10.", true},
		{`{"mode":"fast","count":1e9}`, "Argument 'count' must be between 1 and 10.", true},
		{`{"mode":"fast","count":1000000000}`, "Argument 'count' must be between 1 and 10.", true},
		{`{"mode":"medium"}`, `Argument 'mode' must be one of "fast", "slow".`, true},
		{`{"mode":"fast","tags":["a","b","c"]}`, "Argument 'tags' must have at most 2 items.", true},
		{`{"mode":"fast","note":"too long"}`, "Argument 'note' must be at most 5 characters long.", true},
		{`{"mode":"fast","extra":1}`, "Unknown argument 'extra'; the arguments are 'mode', 'count', 'ratio', 'tags', 'when', 'note'.", true},
		{`{"mode":"fast","when":5}`, "Argument 'when' must be a string, not a number.", true},
		{`{"mode":"fast","when":"yesterday"}`, "Argument 'when' must be a date and time as RFC 3339 writes it, such as 2026-01-02T15:04:05Z.", true},
		{`{"mode":"fast","ratio":1e400}`, "Argument 'ratio' must be a number between -1.7976931348623157e+308 and 1.7976931348623157e+308.", true},
		{`{"mode":"fast","tags":[1]}`, "Argument 'tags[0]' must be a string, not a number.", true},
	} {
		t.Run(tt.args, func(t *testing.T) {
			res := callTool(t, url, "pick", rawArgs(t, tt.args), nil)
			assert.Equal(t, tt.isError, res.IsError, res.Content[0].Text)
			if tt.isError {
				assert.Equal(t, tt.want, res.Content[0].Text)
			} else {
				assert.Contains(t, res.Content[0].Text, tt.want)
			}
			for _, goName := range []string{"Go ", "time.Time", "UnmarshalJSON", "[]string", "float64", "struct"} {
				assert.NotContains(t, res.Content[0].Text, goName)
			}
		})
	}
}

// TestMalformedPayloadWithoutGoTypes: a payload the handler cannot read is
// a 400 whose reason speaks of the payload, not of the Go types it was
// decoded into.
func TestMalformedPayloadWithoutGoTypes(t *testing.T) {
	url := argServer(t)
	for body, want := range map[string]string{
		`{"Data":[]}`:                   "Data and Metadata must be objects",
		`{"Data":{"context":"\"42\""}}`: "trigger value is not an invocation context",
		`{"Data":{"context":"{\"name\":3,\"arguments\":[}"}}`: "trigger value",
		`{"Metadata":"x","Data":{}}`:                          "Data and Metadata must be objects",
	} {
		resp, err := http.Post(url+"/pick", "application/json", strings.NewReader(body))
		require.NoError(t, err)
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
		assert.Contains(t, string(answer), want, body)
		for _, goName := range []string{"Go ", "map[", "json.RawMessage", "invoke."} {
			assert.NotContains(t, string(answer), goName, body)
		}
	}
}
