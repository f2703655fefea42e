package selfhost

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/binding"
	"remote-mcp-functions-go/mcpfunc/internal/binding/bindingtest"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/lines"
)

// The unit tests drive a real go-sdk client (or raw HTTP) against the real
// Server over an httptest server; only storage is a fake, and the
// functions are small test declarations.

type nameInput struct {
	Name string `json:"name" jsonschema:"A name."`
}

type saveInput struct {
	Name    string `json:"name" jsonschema:"A name."`
	Content string `json:"content" jsonschema:"What to save."`
}

// testFunctions are small declarations with the shapes the app's have: a
// blob input, a blob output, a plain tool, structured output, a resource
// template and a prompt.
func testFunctions(extra ...*decl.Tool) decl.Functions {
	read := func(call *decl.Call, name string) (string, error) {
		text, ok := call.Input("file")
		if !ok {
			return "", decl.Errorf(decl.NotFound, "Note '%s' not found.", name)
		}
		return text, nil
	}
	type note struct {
		Name string `json:"name" jsonschema:"The name."`
		Text string `json:"text" jsonschema:"The text."`
	}
	return decl.Functions{
		Tools: append([]*decl.Tool{
			{Name: "hello", Description: "Hello.", Plain: true, Handler: decl.Typed(func(context.Context, *decl.Call, struct{}) (string, error) {
				return "hi", nil
			})},
			{Name: "getnote", Description: "Get a note.", Blobs: []decl.Blob{decl.BlobIn("file", "notes/{mcptoolargs.name}.txt")},
				Handler: decl.Typed(func(_ context.Context, call *decl.Call, in nameInput) (note, error) {
					text, err := read(call, in.Name)
					return note{in.Name, text}, err
				})},
			{Name: "savenote", Description: "Save a note.", Blobs: []decl.Blob{decl.BlobOut("file", "notes/{mcptoolargs.name}.txt")},
				Handler: decl.Typed(func(_ context.Context, call *decl.Call, in saveInput) (string, error) {
					if in.Content == "" {
						return "", decl.Errorf(decl.Invalid, "Nothing to save.")
					}
					call.Output("file", []byte(in.Content))
					return "saved " + in.Name, nil
				})},
			{Name: "plainfail", Description: "A plain tool that fails.", Plain: true, Handler: decl.Typed(func(context.Context, *decl.Call, struct{}) (string, error) {
				return "", decl.Errorf(decl.Invalid, "a message a plain tool cannot show")
			})},
			{Name: "bug", Description: "A tool with a bug.", Handler: decl.Typed(func(context.Context, *decl.Call, struct{}) (string, error) {
				return "", errors.New("nil pointer somewhere, with details")
			})},
		}, extra...),
		Resources: []*decl.Resource{{
			Name: "noteresource", URI: "note://{name}", ResourceName: "note", Title: "Note", Description: "A note.", MimeType: "text/plain",
			Blobs: []decl.Blob{decl.BlobIn("file", "notes/{name}.txt")},
			Read: func(_ context.Context, call *decl.Call, req decl.ResourceRead) (string, error) {
				return read(call, req.Params["name"])
			},
		}},
		Prompts: []*decl.Prompt{{
			Name: "reviewnote", Title: "Review", Description: "Review a note.",
			Blobs: []decl.Blob{decl.BlobIn("file", "notes/{mcppromptargs.name}.txt")},
			Handler: decl.TypedPrompt(func(_ context.Context, call *decl.Call, in struct {
				Name  string `json:"name" jsonschema:"The note."`
				Focus string `json:"focus,omitempty" jsonschema:"What to look at."`
			}) (string, error) {
				text, err := read(call, in.Name)
				return "Review " + in.Name + " (" + in.Focus + "): " + text, err
			}),
		}},
	}
}

// env is one Server over HTTP with an in-memory store.
type env struct {
	t     testing.TB
	srv   *Server
	http  *httptest.Server
	store *bindingtest.Store
	logs  *lines.Buffer
}

func newEnv(t testing.TB, fns decl.Functions, edit ...func(*Options)) *env {
	t.Helper()
	e := &env{t: t, store: bindingtest.NewStore(), logs: &lines.Buffer{}}
	opts := Options{
		Server: decl.ServerInfo{Name: "Test server", Version: "9.9.9", Instructions: "Use the tools."},
		Stores: map[string]binding.Store{funcapp.StorageSetting: e.store},
		Logger: slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:    func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
	}
	for _, f := range edit {
		f(&opts)
	}
	srv, err := New(fns, opts)
	require.NoError(t, err)
	e.srv = srv
	e.http = httptest.NewServer(srv)
	t.Cleanup(e.http.Close)
	return e
}

// connect opens a go-sdk client session.
func (e *env) connect(hc *http.Client) *mcp.ClientSession {
	e.t.Helper()
	if hc == nil {
		hc = e.http.Client()
	}
	c := mcp.NewClient(&mcp.Implementation{Name: "unit-client", Version: "0.0.1"}, nil)
	cs, err := c.Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: e.http.URL + Path, HTTPClient: hc, MaxRetries: -1}, nil)
	require.NoError(e.t, err)
	e.t.Cleanup(func() { _ = cs.Close() })
	return cs
}

// post sends one JSON-RPC message as a stateless client does and returns
// the status and body.
func (e *env) post(ctx context.Context, msg string, header map[string]string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.http.URL+Path, strings.NewReader(msg))
	require.NoError(e.t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func textOf(t testing.TB, res *mcp.CallToolResult) string {
	t.Helper()
	require.Len(t, res.Content, 1)
	tc, ok := res.Content[0].(*mcp.TextContent)
	require.True(t, ok, "content is %T", res.Content[0])
	return tc.Text
}
