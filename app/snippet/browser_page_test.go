package snippet

import (
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBrowserPage: the view serves browser.html as it is, and the page is
// self-contained and small: a client frames it with no network
// (MCP Apps' default CSP: default-src 'none', connect-src 'none'), so it
// loads nothing and calls nothing but the client.
func TestBrowserPage(t *testing.T) {
	want, err := os.ReadFile("browser.html")
	require.NoError(t, err)
	got, err := host(t, 0).ReadResource(BrowserURI)
	require.NoError(t, err)
	require.Equal(t, string(want), got)

	assert.Less(t, len(got), 16<<10, "small: the page is read on every render")
	assert.Regexp(t, `^<!doctype html>`, got, "an HTML5 document (the spec's content requirement)")
	for what, re := range map[string]string{
		"a src or href":           `(?i)\b(src|href)\s*=`,
		"a stylesheet link":       `(?i)<link\b`,
		"a CSS url() or @import":  `(?i)url\(|@import`,
		"a network call":          `\b(fetch|XMLHttpRequest|WebSocket|EventSource|sendBeacon)\b`,
		"an absolute URL":         `(?i)(https?:|wss?:)//`,
		"HTML built from strings": `\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write`,
		"code built from strings": `\beval\(|new Function\(`,
	} {
		assert.False(t, regexp.MustCompile(re).MatchString(got), "the page has %s", what)
	}
	for _, m := range []string{"ui/initialize", "ui/notifications/initialized", "ui/notifications/tool-result", "tools/call", `"listsnippets"`, `"getsnippet"`} {
		assert.Contains(t, got, m, "the page speaks MCP Apps' bridge and calls the tools")
	}
}
