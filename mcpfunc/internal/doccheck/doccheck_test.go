package doccheck

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// root is the repository, three folders up from this package.
var root = filepath.Join("..", "..", "..")

// TestDocumentationResolves: every relative link in README.md and
// docs/*.md, and every docs/ or README.md reference in the Go source,
// names a file the repository has and a section that file has; every
// docs/ page is linked from the README.
func TestDocumentationResolves(t *testing.T) {
	files, err := Markdown(os.DirFS(root))
	require.NoError(t, err)
	assert.Contains(t, files, "docs/contract.md", "the pages are found")
	problems, err := Check(os.DirFS(root))
	require.NoError(t, err)
	assert.Empty(t, problems, "run from the repository; fix each reference, or the section it names")
}

// The check fails where it should, and only there: a repository of
// references that resolve and references that do not
// (testdata/broken).
func TestBrokenReferencesFail(t *testing.T) {
	problems, err := Check(os.DirFS(filepath.Join("testdata", "broken")))
	require.NoError(t, err)
	assert.Equal(t, []string{
		"README.md:8: link docs/gone.md: no such file or folder",
		"README.md:9: link docs/page.md#no-such-section: docs/page.md has no section #no-such-section",
		"README.md:9: link src/x.go#L1: an anchor into something that is not a Markdown file",
		"README.md:10: link ../outside.md: it points outside the repository",
		"README.md:10: link #nowhere: README.md has no section #nowhere",
		"docs/orphan.md:3: link page.md#a-sectio: docs/page.md has no section #a-sectio",
		"docs/orphan.md: no link from README.md: a reader cannot find it",
		"src/x.go:2: docs/page.md#gone: docs/page.md has no section #gone",
		"src/x.go:2: docs/missing.md: no such file or folder",
		"src/x.go:2: README.md#nowhere: README.md has no section #nowhere",
		"src/x.go:3: notes.md: no such file or folder",
	}, problems)
}

// Slugs as GitHub makes them: the cases GitHub's renderer is compared
// against in yzhang-gh/vscode-markdown (src/test/suite/slugify.test.ts
// @055de988, its headings_github), and this repository's own headings as
// GitHub links them.
func TestSlug(t *testing.T) {
	for heading, want := range map[string]string{
		"foo _italic_ bar":              "foo-italic-bar",
		"foo_foo_bar":                   "foo_foo_bar",
		"`a.b` c":                       "ab-c",
		"Via [remark-cli][]":            "via-remark-cli",
		"1. not a list":                 "1-not-a-list",
		"1) not a list":                 "1-not-a-list",
		`$\LaTeX equations$`:            "latex-equations",
		"Browser pages (CORS)":          "browser-pages-cors",
		"function.json":                 "functionjson",
		"Storage in code: Call.Storage": "storage-in-code-callstorage",
		"devhost: the local stand-in for the Functions host": "devhost-the-local-stand-in-for-the-functions-host",
		"See [the docs](docs/x.md) here":                     "see-the-docs-here",
	} {
		assert.Equal(t, want, Slug(heading), heading)
	}
}

// Repeated headings get -1, -2; headings in fenced blocks are not
// headings; trailing #s are not part of the text.
func TestAnchors(t *testing.T) {
	text := "# Title 1\n\n## Title 1 ##\n\n```sh\n# a comment, not a heading\n```\n\n### Title 1\nText\n#not a heading\n    # indented code\n"
	assert.Equal(t, []string{"title-1", "title-1-1", "title-1-2"}, Anchors(text))
}

// docs/hostings.md's "Where the code is" names every package under
// mcpfunc/internal and every command under mcpfunc/cmd, so that a reader
// finds each part (the folders, read from the repository).
func TestCodeMapNamesEveryPackage(t *testing.T) {
	page, err := os.ReadFile(filepath.Join(root, "docs", "hostings.md"))
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(page), "\n## Where the code is\n")
	require.True(t, ok, "docs/hostings.md has the section")
	section, _, _ = strings.Cut(section, "\n## ")
	for dir, form := range map[string]string{"internal": "`%s`", "cmd": "`mcpfunc/cmd/%s`"} {
		entries, err := os.ReadDir(filepath.Join(root, "mcpfunc", dir))
		require.NoError(t, err)
		for _, e := range entries {
			if e.IsDir() {
				assert.Contains(t, section, fmt.Sprintf(form, e.Name()), "docs/hostings.md#where-the-code-is does not name mcpfunc/%s/%s", dir, e.Name())
			}
		}
	}
}
