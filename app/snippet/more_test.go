package snippet

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc"
	"remote-mcp-functions-go/mcpfunc/mcpfunctest"
)

// list calls listsnippets and reads its structured result.
func list(t *testing.T, h *mcpfunctest.Host, args any) (mcpfunctest.Result, SnippetList) {
	t.Helper()
	res, err := h.CallTool("listsnippets", args)
	require.NoError(t, err)
	require.False(t, res.IsError, res.Text)
	var l SnippetList
	require.NoError(t, json.Unmarshal(res.Structured, &l))
	return res, l
}

// withSnippets stores n snippets s000, s001, … of one byte each.
func withSnippets(h *mcpfunctest.Host, n int) {
	for i := range n {
		h.SetBlob(Container, fmt.Sprintf("s%03d.json", i), []byte("x"))
	}
}

func TestListPages(t *testing.T) {
	h := host(t, 0)
	before := time.Now().UTC().Truncate(time.Second)
	for _, name := range []string{"a.json", "b.json", "bad name.json", "c.json", "not-a-snippet.txt", "page-1.json", "page-2.json"} {
		h.SetBlob(Container, name, []byte("hello world"))
	}
	after := time.Now().UTC()
	var all []string
	args := map[string]any{"limit": 2}
	for page := 0; page < 10; page++ {
		res, l := list(t, h, args)
		for _, s := range l.Snippets {
			all = append(all, s.Name)
			assert.Equal(t, int64(11), s.Size)
			saved, err := time.Parse(time.RFC3339, s.LastModified)
			require.NoError(t, err, "RFC 3339")
			assert.True(t, strings.HasSuffix(s.LastModified, "Z"), "UTC: %s", s.LastModified)
			assert.False(t, saved.Before(before) || saved.After(after), "%s is when it was stored", s.LastModified)
		}
		if l.NextCursor == "" {
			assert.NotContains(t, res.Text, "More snippets follow")
			break
		}
		assert.Contains(t, res.Text, "More snippets follow: call listsnippets again with cursor")
		args = map[string]any{"limit": 2, "cursor": l.NextCursor}
	}
	assert.Equal(t, []string{"a", "b", "c", "page-1", "page-2"}, all, "every snippet once, what is not a snippet left out")

	res, l := list(t, h, map[string]any{"prefix": "page-"})
	require.Len(t, l.Snippets, 2)
	assert.Equal(t, "page-1 (11 bytes, saved "+l.Snippets[0].LastModified+")\npage-2 (11 bytes, saved "+l.Snippets[1].LastModified+")", res.Text)
	assert.Equal(t, []mcpfunc.Link{
		{URI: "snippet://page-1", Name: "page-1", MimeType: "text/plain"},
		{URI: "snippet://page-2", Name: "page-2", MimeType: "text/plain"},
	}, res.Links, "a link to the snippet resource per listed snippet")

	res, l = list(t, h, map[string]any{"prefix": "zzz"})
	assert.Equal(t, "No snippets.", res.Text)
	assert.JSONEq(t, `{"snippets":[]}`, string(res.Structured))
	assert.Empty(t, l.Snippets)
	assert.Empty(t, res.Links)
}

func TestListRefusals(t *testing.T) {
	h := host(t, 0)
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
			res, err := h.CallTool("listsnippets", json.RawMessage(tt.args))
			require.NoError(t, err)
			assert.Equal(t, refused(tt.msg), res)
		})
	}
}

// TestListLimitForms: an integral number is an integer however it is
// written; left out or null, the limit is the schema's default, 100.
func TestListLimitForms(t *testing.T) {
	h := host(t, 0)
	withSnippets(h, 1001)
	for args, want := range map[string]int{
		`{"limit":5}`: 5, `{"limit":5.0}`: 5, `{"limit":5e0}`: 5, `{"limit":0.5e1}`: 5, `{"limit":1E3}`: 1000,
		`{}`: 100, `{"limit":null}`: 100,
	} {
		_, l := list(t, h, json.RawMessage(args))
		assert.Len(t, l.Snippets, want, args)
		assert.NotEmpty(t, l.NextCursor, args)
	}
	_, l := list(t, h, nil)
	assert.Len(t, l.Snippets, 100, "no arguments at all")
}

// TestListCursors: a cursor listsnippets gave lists the next page; any
// other text, even one storage would take, is refused with a message that
// says so, before storage is asked.
func TestListCursors(t *testing.T) {
	h := host(t, 0)
	for _, name := range []string{"a.json", "b.json", "c.json"} {
		h.SetBlob(Container, name, []byte("x"))
	}
	_, page := list(t, h, map[string]any{"limit": 1})
	require.NotEmpty(t, page.NextCursor)
	assert.NotContains(t, page.NextCursor, "a.json", "the marker is wrapped")

	res, _ := list(t, h, map[string]any{"limit": 1, "cursor": page.NextCursor})
	assert.Contains(t, res.Text, "b (", "the next page")

	const foreign = "That cursor is not one listsnippets gave for this prefix: pass the nextCursor of the previous page as it is, with the same prefix, or leave cursor out to list from the start."
	// Were storage asked, the answer would be that it did not answer.
	h.FailStorage(errors.New("storage was asked"))
	for name, cursor := range map[string]string{
		"storage's own marker":       "a.json",
		"made up":                    "zzzz",
		"a control character":        "a\x00b",
		"cut":                        page.NextCursor[:len(page.NextCursor)-2],
		"another marker, same check": base64.RawURLEncoding.EncodeToString([]byte("c.json")) + "." + strings.Split(page.NextCursor, ".")[1],
		"marker only":                strings.Split(page.NextCursor, ".")[0],
		"from another prefix's list": encodeCursor("z", "a.json"),
	} {
		res, err := h.CallTool("listsnippets", map[string]any{"cursor": cursor})
		require.NoError(t, err)
		assert.Equal(t, refused(foreign), res, name)
	}

	// A cursor of the right form that storage refuses (another account's
	// marker) gets the same answer, not "try again".
	h.FailStorage(fmt.Errorf("storage answered HTTP 400 OutOfRangeInput: %w", mcpfunc.ErrBadCursor))
	res, err := h.CallTool("listsnippets", map[string]any{"cursor": encodeCursor("", "2!96!elsewhere")})
	require.NoError(t, err)
	assert.Equal(t, refused(foreign), res)
	assert.Contains(t, logged(h), "OutOfRangeInput")
}

func TestDelete(t *testing.T) {
	h := host(t, 0)
	h.SetBlob(Container, "a1.json", []byte("x"))
	h.SetBlob(Container, "x.json", []byte("x"))
	res, err := h.CallTool("deletesnippet", map[string]any{"snippetname": "a1"})
	require.NoError(t, err)
	assert.Equal(t, mcpfunctest.Result{Text: "Snippet 'a1' deleted."}, res)
	_, ok := h.Blob(Container, "a1.json")
	assert.False(t, ok)

	res, err = h.CallTool("deletesnippet", map[string]any{"snippetname": "a1"})
	require.NoError(t, err)
	assert.Equal(t, refused("Snippet 'a1' not found."), res)
	res, err = h.CallTool("deletesnippet", map[string]any{"snippetname": "../x"})
	require.NoError(t, err)
	assert.Equal(t, refused(`Invalid snippet name "../x": use 1-128 letters, digits, '.', '_' or '-', not starting with '.'.`), res)
	_, ok = h.Blob(Container, "x.json")
	assert.True(t, ok, "a bad name deletes nothing")
}

// A delete storage did not confirm (sent, unanswered) may have taken
// effect: the client is told the outcome is unknown and how to learn it,
// not to try again as if nothing happened.
func TestDeleteUnconfirmed(t *testing.T) {
	h := host(t, 0)
	h.SetBlob(Container, "a1.json", []byte("x"))
	h.FailStorage(fmt.Errorf("storage budget spent: %w", mcpfunc.ErrUnconfirmed))
	res, err := h.CallTool("deletesnippet", map[string]any{"snippetname": "a1"})
	require.NoError(t, err)
	assert.Equal(t, refused("Snippet 'a1' may or may not have been deleted: storage did not confirm the delete. List the snippets to check."), res)
	assert.Contains(t, logged(h), "storage budget spent")
}

// TestStorageTrouble: an outage is a clear error result; the cause goes to
// the log only.
func TestStorageTrouble(t *testing.T) {
	for _, call := range []struct {
		tool string
		args map[string]any
	}{{"listsnippets", nil}, {"deletesnippet", map[string]any{"snippetname": "a1"}}} {
		h := host(t, 0)
		h.FailStorage(errors.New("storage unreachable: connection refused"))
		res, err := h.CallTool(call.tool, call.args)
		require.NoError(t, err)
		assert.Equal(t, refused("Snippet storage did not answer; try again in a moment."), res, call.tool)
		assert.Contains(t, logged(h), "connection refused", call.tool)
	}
}
