package decl

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A function's links reach the result as set; a link the extension's SDK
// would refuse (no name: it throws, failing the whole result) or that no
// client could read (not an absolute URI) fails the call as the
// function's bug, before anything is answered.
func TestRunLinks(t *testing.T) {
	tool := func(links ...Link) *Tool {
		return &Tool{Name: "t", Description: "T.", Handler: Typed(func(_ context.Context, call *Call, _ struct{}) (string, error) {
			call.SetLinks(links)
			return "ok", nil
		})}
	}
	good := []Link{{URI: "item://a.b_c-d", Name: "a.b_c-d", MimeType: "text/plain"}, {URI: "file:///tmp/x%20y", Name: "x y", Description: "d"}}
	res, err := tool(good...).Run(t.Context(), &Call{Tool: "t"})
	require.NoError(t, err)
	assert.Equal(t, good, res.Links)
	assert.Equal(t, "ok", res.Text)

	res, err = tool().Run(t.Context(), &Call{Tool: "t"})
	require.NoError(t, err)
	assert.Empty(t, res.Links)

	for _, bad := range []Link{
		{URI: "", Name: "x"},
		{URI: "relative/path", Name: "x"},
		{URI: "item://a b", Name: "x"},
		{URI: "://x", Name: "x"},
		{URI: "item://x", Name: " "},
	} {
		_, err := tool(Link{URI: "item://ok", Name: "ok"}, bad).Run(t.Context(), &Call{Tool: "t"})
		require.Error(t, err, "%+v", bad)
		var e *Error
		assert.NotErrorAs(t, err, &e, "a bad link is internal, not the client's error")
		assert.Contains(t, err.Error(), "link 1")
	}
}

// Annotations that contradict themselves are refused when declared.
func TestCheckAnnotations(t *testing.T) {
	tool := &Tool{Name: "t", Description: "T.", Annotations: &Annotations{ReadOnly: true, Destructive: true},
		Handler: Typed(func(context.Context, *Call, struct{}) (string, error) { return "", nil })}
	assert.ErrorContains(t, tool.Check(), "a read-only tool cannot be destructive")
	tool.Annotations.Destructive = false
	assert.NoError(t, tool.Check())
}

// label is a named string: an output of text, like string.
type label string

// A named string type is text, as its output schema (none) says: not
// JSON-quoted structured content.
func TestRunNamedStringOutput(t *testing.T) {
	tool := &Tool{Name: "t", Description: "T.", Handler: Typed(func(context.Context, *Call, struct{}) (label, error) { return "plain text", nil })}
	require.NoError(t, tool.Check())
	s, err := tool.OutputSchema()
	require.NoError(t, err)
	assert.Nil(t, s)
	res, err := tool.Run(t.Context(), &Call{Tool: "t"})
	require.NoError(t, err)
	assert.Equal(t, "plain text", res.Text)
	assert.Nil(t, res.Structured)
}
