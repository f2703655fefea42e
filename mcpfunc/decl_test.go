package mcpfunc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/decl"
)

type greetIn struct {
	Name string `json:"name" jsonschema:"Who to greet."`
}

type greetOut struct {
	Greeting string `json:"greeting" jsonschema:"The greeting."`
}

// Each declaration reaches the hostings field for field, once.
func TestDeclConversion(t *testing.T) {
	app := &App{
		Name: "server", Version: "1.2.3", Instructions: "Greet people.",
		Tools: []*Tool{{
			Name: "greet", Description: "Greet someone.",
			Blobs: []Blob{BlobIn("in", "a/{mcptoolargs.name}.txt"), BlobOut("out", "b/{mcptoolargs.name}.txt"),
				{Name: "other", Path: "c/{mcptoolargs.name}.txt", Connection: "OtherStorage"}},
			Handler: Typed(func(context.Context, *Call, greetIn) (string, error) { return "", nil }),
		}},
		Resources: []*Resource{{
			Name: "res", URI: "greeting://{name}", ResourceName: "greeting", Title: "Greeting", Description: "A greeting.",
			MimeType: "text/plain", Blobs: []Blob{BlobIn("in", "a/{name}.txt")},
			Read: func(_ context.Context, _ *Call, req ResourceRead) (string, error) {
				return req.URI + " " + req.Params["name"], nil
			},
		}},
		Prompts: []*Prompt{{
			Name: "ask", Title: "Ask", Description: "Ask for a greeting.",
			Blobs:   []Blob{BlobIn("in", "a/{mcppromptargs.name}.txt")},
			Handler: TypedPrompt(func(_ context.Context, _ *Call, in greetIn) (string, error) { return "Greet " + in.Name, nil }),
		}},
	}
	fns, info, err := app.decl()
	require.NoError(t, err)
	assert.Equal(t, decl.ServerInfo{Name: "server", Version: "1.2.3", Instructions: "Greet people."}, info)

	require.Len(t, fns.Tools, 1)
	tool := fns.Tools[0]
	assert.Equal(t, "greet", tool.Name)
	assert.Equal(t, "Greet someone.", tool.Description)
	assert.Equal(t, []decl.Blob{
		{Name: "in", Path: "a/{mcptoolargs.name}.txt"},
		{Name: "out", Out: true, Path: "b/{mcptoolargs.name}.txt"},
		{Name: "other", Path: "c/{mcptoolargs.name}.txt", Connection: "OtherStorage"},
	}, tool.Blobs)
	assert.Equal(t, "The call is too large: this server takes arguments and blobs of up to 1048576 bytes.", tool.TooLarge)

	require.Len(t, fns.Resources, 1)
	r := fns.Resources[0]
	assert.Equal(t, []string{"res", "greeting://{name}", "greeting", "Greeting", "A greeting.", "text/plain"},
		[]string{r.Name, r.URI, r.ResourceName, r.Title, r.Description, r.MimeType})
	assert.Equal(t, []decl.Blob{{Name: "in", Path: "a/{name}.txt"}}, r.Blobs)
	text, err := r.Read(context.Background(), &decl.Call{}, decl.ResourceRead{URI: "greeting://bob", Params: map[string]string{"name": "bob"}})
	require.NoError(t, err)
	assert.Equal(t, "greeting://bob bob", text, "the read is the app's, with the request")

	require.Len(t, fns.Prompts, 1)
	p := fns.Prompts[0]
	assert.Equal(t, []string{"ask", "Ask", "Ask for a greeting."}, []string{p.Name, p.Title, p.Description})
	assert.Equal(t, []decl.Blob{{Name: "in", Path: "a/{mcppromptargs.name}.txt"}}, p.Blobs)
	text, err = p.Run(context.Background(), &decl.Call{Args: json.RawMessage(`{"name":"bob"}`)})
	require.NoError(t, err)
	assert.Equal(t, "Greet bob", text)
}

// The too-large message follows MaxContentBytes.
func TestTooLargeMessage(t *testing.T) {
	app := &App{Name: "s", MaxContentBytes: 4096, Tools: []*Tool{{Name: "greet", Description: "Greet.",
		Handler: Typed(func(context.Context, *Call, greetIn) (string, error) { return "", nil })}}}
	fns, _, err := app.decl()
	require.NoError(t, err)
	assert.Equal(t, "The call is too large: this server takes arguments and blobs of up to 4096 bytes.", fns.Tools[0].TooLarge)
}

// What the library refuses, it refuses before anything runs, saying what
// is wrong.
func TestDeclRefusals(t *testing.T) {
	ok := &Tool{Name: "greet", Description: "Greet.", Handler: Typed(func(context.Context, *Call, greetIn) (string, error) { return "", nil })}
	for _, tt := range []struct {
		app  *App
		want string
	}{
		{nil, "no app"},
		{&App{Tools: []*Tool{ok}}, "the app needs a Name"},
		{&App{Name: "s", Tools: []*Tool{ok, nil}}, "the app's Tools[1] is nil"},
		{&App{Name: "s", Resources: []*Resource{nil}}, "the app's Resources[0] is nil"},
		{&App{Name: "s", Prompts: []*Prompt{nil}}, "the app's Prompts[0] is nil"},
		{&App{Name: "s", Tools: []*Tool{{Name: "greet", Description: "Greet."}}}, `tool "greet": no handler: use mcpfunc.Typed`},
		{&App{Name: "s", Tools: []*Tool{ok, ok}}, "greet"},
	} {
		_, _, err := tt.app.decl()
		assert.ErrorContains(t, err, tt.want)
	}
}

// A tool without arguments whose output is text is declared in the plain
// form every bundle with MCP understands; any other is not.
func TestPlainIsDerived(t *testing.T) {
	for _, tt := range []struct {
		name  string
		h     Handler
		plain bool
	}{
		{"no arguments, text", Typed(func(context.Context, *Call, struct{}) (string, error) { return "", nil }), true},
		{"only unexported fields, text", Typed(func(context.Context, *Call, struct{ n int }) (string, error) { return "", nil }), true},
		{"arguments, text", Typed(func(context.Context, *Call, greetIn) (string, error) { return "", nil }), false},
		{"no arguments, structured", Typed(func(context.Context, *Call, struct{}) (greetOut, error) { return greetOut{}, nil }), false},
		{"an embedded struct", Typed(func(context.Context, *Call, struct{ greetIn }) (string, error) { return "", nil }), false},
		{"schema adjusted: still no arguments", Typed(func(context.Context, *Call, struct{}) (string, error) { return "", nil }).WithSchema(nil), true},
	} {
		tool := &Tool{Name: "t", Description: "T.", Handler: tt.h}
		assert.Equal(t, tt.plain, tool.decl("").Plain, tt.name)
	}
}

// An *Error, wrapped or not, reaches the hostings as theirs, with its
// code and message; any other error stays internal.
func TestErrorConversion(t *testing.T) {
	assert.NoError(t, toDecl(nil))
	other := errors.New("disk on fire")
	assert.Same(t, other, toDecl(other))
	for code, want := range map[Code]decl.Code{Invalid: decl.Invalid, NotFound: decl.NotFound, TooLarge: decl.TooLarge, Unavailable: decl.Unavailable} {
		for _, err := range []error{Errorf(code, "No %s.", "way"), fmt.Errorf("context: %w", Errorf(code, "No %s.", "way"))} {
			var d *decl.Error
			require.ErrorAs(t, toDecl(err), &d)
			assert.Equal(t, &decl.Error{Code: want, Message: "No way."}, d)
		}
	}

	// Through a tool: the hostings see theirs.
	tool := &Tool{Name: "t", Description: "T.", Handler: Typed(func(context.Context, *Call, greetIn) (string, error) {
		return "", fmt.Errorf("looking up: %w", Errorf(NotFound, "No %q.", "bob"))
	})}
	_, err := tool.decl("").Run(context.Background(), &decl.Call{Args: json.RawMessage(`{"name":"bob"}`)})
	var d *decl.Error
	require.ErrorAs(t, err, &d)
	assert.Equal(t, &decl.Error{Code: decl.NotFound, Message: `No "bob".`}, d)
}

// A function's Call is the hosting's: its inputs, outputs and log.
func TestCallIsTheHostings(t *testing.T) {
	var logged []string
	tool := &Tool{Name: "t", Description: "T.", Blobs: []Blob{BlobIn("in", "a/{mcptoolargs.name}.txt"), BlobOut("out", "b/{mcptoolargs.name}.txt")},
		Handler: Typed(func(_ context.Context, call *Call, in greetIn) (string, error) {
			text, found := call.Input("in")
			call.Output("out", []byte(text+"!"))
			call.Logf("read %d bytes (found: %v)", len(text), found)
			_, err := call.Storage("")
			return "", err
		})}
	c := &decl.Call{Args: json.RawMessage(`{"name":"bob"}`), Inputs: map[string]decl.Input{"in": {Text: "hi", Present: true}},
		Log: func(m string) { logged = append(logged, m) }}
	_, err := tool.decl("").Run(context.Background(), c)
	assert.EqualError(t, err, "no storage in this hosting", "no Store given")
	assert.Equal(t, []string{"read 2 bytes (found: true)"}, logged)
	assert.Equal(t, map[string][]byte{"out": []byte("hi!")}, c.Outputs())
}

// TestAppMimeType: the public constant is the one the declarations check
// views by.
func TestAppMimeType(t *testing.T) {
	assert.Equal(t, decl.AppMimeType, AppMimeType)
}
