package snippet

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc"
	"remote-mcp-functions-go/mcpfunc/internal/blobstore"
)

// memStore is a Store over a sorted list of blob names, with failures on
// demand.
type memStore struct {
	names   []string
	deleted []string
	err     error
	lastLim int32
}

func (m *memStore) List(_ context.Context, container, prefix string, limit int32, marker string) ([]blobstore.BlobItem, string, error) {
	if m.err != nil {
		return nil, "", m.err
	}
	m.lastLim = limit
	var out []blobstore.BlobItem
	for _, n := range m.names {
		if !strings.HasPrefix(n, prefix) || n <= marker {
			continue
		}
		if int32(len(out)) == limit {
			return out, out[len(out)-1].Name, nil
		}
		out = append(out, blobstore.BlobItem{Name: n, Size: int64(len(n)), LastModified: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)})
	}
	return out, "", nil
}

func (m *memStore) Delete(_ context.Context, container, blob string) (bool, error) {
	if m.err != nil {
		return false, m.err
	}
	for i, n := range m.names {
		if n == blob {
			m.names = append(m.names[:i], m.names[i+1:]...)
			m.deleted = append(m.deleted, blob)
			return true, nil
		}
	}
	return false, nil
}

func runTool(t *testing.T, tool *mcpfunc.Tool, args map[string]any) (*mcpfunc.Result, error) {
	t.Helper()
	c, _ := call(args, nil)
	return tool.Run(context.Background(), c)
}

func requireToolError(t *testing.T, err error, code mcpfunc.Code, msg string) {
	t.Helper()
	var e *mcpfunc.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, code, e.Code)
	assert.Equal(t, msg, e.Message)
}

func TestListPages(t *testing.T) {
	store := &memStore{names: []string{"a.json", "b.json", "bad name.json", "c.json", "not-a-snippet.txt", "page-1.json", "page-2.json"}}
	svc := New(0)
	svc.Storage = store
	var all []string
	args := map[string]any{"limit": 2}
	for page := 0; page < 10; page++ {
		res, err := runTool(t, svc.ListTool(), args)
		require.NoError(t, err)
		var l SnippetList
		require.NoError(t, json.Unmarshal(res.Structured, &l))
		for _, s := range l.Snippets {
			all = append(all, s.Name)
			assert.Equal(t, "2026-01-02T03:04:05Z", s.LastModified)
		}
		if l.NextCursor == "" {
			assert.NotContains(t, res.Text, "More snippets follow")
			break
		}
		assert.Contains(t, res.Text, "More snippets follow: call listsnippets again with cursor")
		args = map[string]any{"limit": 2, "cursor": l.NextCursor}
	}
	assert.Equal(t, []string{"a", "b", "c", "page-1", "page-2"}, all, "every snippet once, what is not a snippet left out")

	res, err := runTool(t, svc.ListTool(), map[string]any{"prefix": "page-"})
	require.NoError(t, err)
	assert.Equal(t, "page-1 (11 bytes, saved 2026-01-02T03:04:05Z)\npage-2 (11 bytes, saved 2026-01-02T03:04:05Z)", res.Text)
	assert.Equal(t, int32(DefaultListLimit), store.lastLim)

	res, err = runTool(t, svc.ListTool(), map[string]any{"prefix": "zzz"})
	require.NoError(t, err)
	assert.Equal(t, "No snippets.", res.Text)
	assert.JSONEq(t, `{"snippets":[]}`, string(res.Structured))
}

func TestListRefusals(t *testing.T) {
	svc := New(0)
	svc.Storage = &memStore{}
	for _, tt := range []struct {
		args string // as the client wrote them
		msg  string
	}{
		{`{"limit":0.5}`, "Argument 'limit' must be an integer, not 0.5."},
		{`{"limit":5.5}`, "Argument 'limit' must be an integer, not 5.5."},
		{`{"limit":1001}`, "Argument 'limit' must be between 1 and 1000."},
		// The same number, written two ways: the same answer.
		{`{"limit":1e9}`, "Argument 'limit' must be between 1 and 1000."},
		{`{"limit":1000000000}`, "Argument 'limit' must be between 1 and 1000."},
		{`{"limit":1e400}`, "Argument 'limit' must be between 1 and 1000."},
		{`{"limit":-1}`, "Argument 'limit' must be between 1 and 1000."},
		{`{"limit":0}`, "Argument 'limit' must be between 1 and 1000."},
		{`{"limit":"5"}`, "Argument 'limit' must be an integer, not a string."},
		{`{"prefix":"../"}`, `Invalid prefix "../": snippet names are 1-128 letters, digits, '.', '_' or '-', not starting with '.'.`},
		{`{"cursor":"` + strings.Repeat("c", 4097) + `"}`, "Argument 'cursor' must be at most 4096 characters long."},
		{`{"prefix":7}`, "Argument 'prefix' must be a string, not a number."},
		{`{"prefix":"a","Prefix":"b","pagesize":3}`, "Unknown argument 'Prefix'; the arguments are 'prefix', 'limit', 'cursor'."},
	} {
		t.Run(tt.args[:min(len(tt.args), 40)], func(t *testing.T) {
			_, err := svc.ListTool().Run(context.Background(), &mcpfunc.Call{Args: json.RawMessage(tt.args)})
			requireToolError(t, err, mcpfunc.Invalid, tt.msg)
		})
	}
}

// TestListLimitForms: an integral number is an integer however it is
// written; left out or null, the limit is the schema's default.
func TestListLimitForms(t *testing.T) {
	store := &memStore{names: []string{"a.json"}}
	svc := New(0)
	svc.Storage = store
	for args, want := range map[string]int32{`{"limit":5}`: 5, `{"limit":5.0}`: 5, `{"limit":5e0}`: 5, `{"limit":0.5e1}`: 5, `{"limit":1E3}`: 1000, `{}`: DefaultListLimit, `{"limit":null}`: DefaultListLimit, ``: DefaultListLimit} {
		_, err := svc.ListTool().Run(context.Background(), &mcpfunc.Call{Args: json.RawMessage(args)})
		require.NoError(t, err, args)
		assert.Equal(t, want, store.lastLim, args)
	}
}

// TestListCursors: a cursor listsnippets gave lists the next page; any
// other text, even one storage would take, is refused with a message that
// says so, before storage is asked.
func TestListCursors(t *testing.T) {
	store := &memStore{names: []string{"a.json", "b.json", "c.json"}}
	svc := New(0)
	svc.Storage = store
	first, err := runTool(t, svc.ListTool(), map[string]any{"limit": 1})
	require.NoError(t, err)
	var page SnippetList
	require.NoError(t, json.Unmarshal(first.Structured, &page))
	require.NotEmpty(t, page.NextCursor)
	assert.NotContains(t, page.NextCursor, "a.json", "the marker is wrapped")

	res, err := runTool(t, svc.ListTool(), map[string]any{"limit": 1, "cursor": page.NextCursor})
	require.NoError(t, err)
	assert.Contains(t, res.Text, "b (", "the next page")

	const refused = "That cursor is not one listsnippets gave for this prefix: pass the nextCursor of the previous page as it is, with the same prefix, or leave cursor out to list from the start."
	store.lastLim = 0
	for name, cursor := range map[string]string{
		"storage's own marker":       "a.json",
		"made up":                    "zzzz",
		"a control character":        "a\x00b",
		"cut":                        page.NextCursor[:len(page.NextCursor)-2],
		"another marker, same check": base64.RawURLEncoding.EncodeToString([]byte("c.json")) + "." + strings.Split(page.NextCursor, ".")[1],
		"marker only":                strings.Split(page.NextCursor, ".")[0],
		"from another prefix's list": encodeCursor("z", "a.json"),
	} {
		_, err := runTool(t, svc.ListTool(), map[string]any{"cursor": cursor})
		requireToolError(t, err, mcpfunc.Invalid, refused)
		assert.Zero(t, store.lastLim, "%s: storage was not asked", name)
	}

	// A cursor of the right form that storage refuses (another account's
	// marker) gets the same answer, not "try again".
	svc.Storage = &memStore{err: &blobstore.Error{Op: "list", Status: 400, Code: "OutOfRangeInput", Reason: "storage answered HTTP 400 OutOfRangeInput"}}
	_, err = runTool(t, svc.ListTool(), map[string]any{"cursor": encodeCursor("", "2!96!elsewhere")})
	requireToolError(t, err, mcpfunc.Invalid, refused)
}

func TestDelete(t *testing.T) {
	store := &memStore{names: []string{"a1.json"}}
	svc := New(0)
	svc.Storage = store
	res, err := runTool(t, svc.DeleteTool(), map[string]any{"snippetname": "a1"})
	require.NoError(t, err)
	assert.Equal(t, "Snippet 'a1' deleted.", res.Text)
	assert.Equal(t, []string{"a1.json"}, store.deleted)

	_, err = runTool(t, svc.DeleteTool(), map[string]any{"snippetname": "a1"})
	requireToolError(t, err, mcpfunc.NotFound, "Snippet 'a1' not found.")
	_, err = runTool(t, svc.DeleteTool(), map[string]any{"snippetname": "../x"})
	var e *mcpfunc.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, mcpfunc.Invalid, e.Code)
	assert.Len(t, store.deleted, 1, "a bad name deletes nothing")
}

// A delete storage did not confirm (sent, unanswered) may have taken
// effect: the client is told the outcome is unknown and how to learn it,
// not to try again as if nothing happened.
func TestDeleteUnconfirmed(t *testing.T) {
	svc := New(0)
	svc.Storage = &memStore{err: &blobstore.Error{Op: "delete", Container: Container, Blob: "a1.json", Reason: "storage budget spent", Unconfirmed: true}}
	c, logs := call(map[string]any{"snippetname": "a1"}, nil)
	_, err := svc.DeleteTool().Run(context.Background(), c)
	requireToolError(t, err, mcpfunc.Unavailable, "Snippet 'a1' may or may not have been deleted: storage did not confirm the delete. List the snippets to check.")
	assert.Contains(t, strings.Join(*logs, "\n"), "storage budget spent")
}

// TestStorageTrouble: an outage or a missing setting is a clear error
// result; the cause goes to the log only.
func TestStorageTrouble(t *testing.T) {
	svc := New(0)
	svc.Storage = &memStore{err: &blobstore.Error{Op: "list", Reason: "storage unreachable: connection refused"}}
	for tool, args := range map[*mcpfunc.Tool]map[string]any{svc.ListTool(): {}, svc.DeleteTool(): {"snippetname": "a1"}} {
		c, logs := call(args, nil)
		_, err := tool.Run(context.Background(), c)
		requireToolError(t, err, mcpfunc.Unavailable, "Snippet storage did not answer; try again in a moment.")
		assert.Contains(t, strings.Join(*logs, "\n"), "connection refused")
	}
	svc.Storage = &memStore{err: errors.New("a surprise")}
	_, err := runTool(t, svc.ListTool(), nil)
	requireToolError(t, err, mcpfunc.Unavailable, "Snippet storage did not answer; try again in a moment.")

	svc.Storage = nil
	_, err = runTool(t, svc.DeleteTool(), map[string]any{"snippetname": "a1"})
	requireToolError(t, err, mcpfunc.Invalid, errNoStorage.Message)
}

func TestResource(t *testing.T) {
	read := func(name string, blob mcpfunc.Input) (string, error) {
		c, _ := call(nil, map[string]mcpfunc.Input{BlobBinding: blob})
		return Resource.Read(context.Background(), c, mcpfunc.ResourceRead{URI: "snippet://" + name, Params: map[string]string{"name": name}})
	}
	text, err := read("a1", mcpfunc.Input{Text: "print(1)", Present: true})
	require.NoError(t, err)
	assert.Equal(t, "print(1)", text)
	_, err = read("nope", mcpfunc.Input{})
	requireToolError(t, err, mcpfunc.NotFound, "Snippet 'nope' not found.")
	_, err = read("..", mcpfunc.Input{Text: "secret", Present: true})
	var e *mcpfunc.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, mcpfunc.Invalid, e.Code)
	assert.Equal(t, []string{"name"}, Resource.Params())
	assert.NoError(t, Resource.Check())
}

func TestReviewPrompt(t *testing.T) {
	run := func(args map[string]any, blob mcpfunc.Input) (string, error) {
		c, _ := call(args, map[string]mcpfunc.Input{BlobBinding: blob})
		return Review.Run(context.Background(), c)
	}
	text, err := run(map[string]any{"snippetname": "a1"}, mcpfunc.Input{Text: "x = 1", Present: true})
	require.NoError(t, err)
	assert.Equal(t, "Please review the code snippet 'a1'. Point out bugs, unclear parts and risky constructs, and suggest concrete improvements.\n\n```\nx = 1\n```\n", text)

	// A fence inside the snippet cannot close the prompt's.
	text, err = run(map[string]any{"snippetname": "md", "focus": "clarity"}, mcpfunc.Input{Text: "```go\n````\n", Present: true})
	require.NoError(t, err)
	assert.Contains(t, text, ", paying most attention to clarity.")
	assert.Contains(t, text, "\n\n`````\n```go\n````\n\n`````\n")

	_, err = run(map[string]any{"snippetname": "nope"}, mcpfunc.Input{})
	requireToolError(t, err, mcpfunc.NotFound, "Snippet 'nope' not found.")
	_, err = run(map[string]any{"snippetname": 3}, mcpfunc.Input{Text: "x", Present: true})
	requireToolError(t, err, mcpfunc.Invalid, "Argument 'snippetname' must be a string, not a number.")

	args, err := Review.Arguments()
	require.NoError(t, err)
	assert.Equal(t, []mcpfunc.PromptArgument{
		{Name: "snippetname", Description: "The name of the snippet to review.", Required: true},
		{Name: "focus", Description: "What to look at most, such as performance or error handling."},
	}, args)
	assert.NoError(t, Review.Check())
}

func TestGetStructured(t *testing.T) {
	c, _ := call(map[string]any{"snippetname": "a1"}, map[string]mcpfunc.Input{BlobBinding: {Text: "print(1)", Present: true}})
	res, err := New(0).GetTool().Run(context.Background(), c)
	require.NoError(t, err)
	assert.Equal(t, "print(1)", res.Text)
	assert.JSONEq(t, `{"name":"a1","content":"print(1)"}`, string(res.Structured))
}
