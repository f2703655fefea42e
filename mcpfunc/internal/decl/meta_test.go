package decl

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func viewResource(uri, mime string) *Resource {
	return &Resource{Name: "view", URI: uri, ResourceName: "view", Description: "A view.", MimeType: mime,
		Read: func(context.Context, *Call, ResourceRead) (string, error) { return "<!doctype html>", nil }}
}

func linkedTool(meta map[string]any) *Tool {
	return &Tool{Name: "list", Description: "List.", Meta: meta,
		Handler: Typed(func(context.Context, *Call, struct{}) (string, error) { return "", nil })}
}

// TestViewChecks: a tool's view link must name a view of the app, and a
// view is one fixed ui:// resource of the MCP Apps mime type (the
// 2026-01-26 spec: "URI MUST start with ui:// scheme", "Resource MUST
// exist on the server"); Meta must be what the extension reads.
func TestViewChecks(t *testing.T) {
	link := func(uri any) map[string]any { return map[string]any{"ui": map[string]any{"resourceUri": uri}} }
	good := Functions{Tools: []*Tool{linkedTool(link("ui://a/view"))}, Resources: []*Resource{viewResource("ui://a/view", AppMimeType)}}
	require.NoError(t, good.Check())

	bad := map[string]Functions{
		`its view "ui://a/other" is no resource of the app`:               {Tools: []*Tool{linkedTool(link("ui://a/other"))}, Resources: []*Resource{viewResource("ui://a/view", AppMimeType)}},
		`has MimeType "text/html": a view's is text/html;profile=mcp-app`: {Tools: []*Tool{linkedTool(link("ui://a/view"))}, Resources: []*Resource{viewResource("ui://a/view", "text/html")}},
		`resourceUri"] must be a string`:                                  {Tools: []*Tool{linkedTool(link(7))}},
		`Meta["ui"] must be an object`:                                    {Tools: []*Tool{linkedTool(map[string]any{"ui": "ui://a/view"})}},
		`has a fixed ui:// URI, not "https://a/view"`:                     {Resources: []*Resource{viewResource("https://a/view", AppMimeType)}},
		`has a fixed ui:// URI, not "ui://a/{name}"`:                      {Resources: []*Resource{viewResource("ui://a/{name}", AppMimeType)}},
		`Meta is not JSON`:                                                {Tools: []*Tool{linkedTool(map[string]any{"f": func() {}})}},
		`members "UI" and "ui" differ only in case`:                       {Tools: []*Tool{linkedTool(map[string]any{"ui": map[string]any{}, "UI": 1})}},
	}
	for want, fns := range bad {
		err := fns.Check()
		require.Error(t, err, want)
		assert.Contains(t, err.Error(), want)
	}
}
