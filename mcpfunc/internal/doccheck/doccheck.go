// Package doccheck checks that the repository's documentation holds
// together: every relative link in README.md and docs/*.md names a file or
// folder the repository has and, when it names a section (#anchor), a
// heading that Markdown file has; every docs/ page is linked from the
// README; and every reference in a Go comment to a Markdown file of the
// repository (docs/<page>.md, or a bare <name>.md at its root, such as
// README.md), with its #anchor, resolves the same way: a comment cannot
// cite a document the repository lacks. So moving a section, renaming a page or
// deleting a file that the documentation or a comment points at fails
// make test, naming the reference.
//
// Anchors are the ones GitHub renders for headings: the heading's text
// (inline code, links and emphasis reduced to their text) lower-cased,
// punctuation dropped, spaces made hyphens, and -1, -2, … added to
// repeats.
package doccheck

import (
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Readme is the documentation's entry point; Docs the folder of its pages.
const (
	Readme = "README.md"
	Docs   = "docs"
)

// Markdown returns the documentation's files in fsys, the repository:
// README.md and docs/*.md, as slash-separated paths.
func Markdown(fsys fs.FS) ([]string, error) {
	pages, err := fs.Glob(fsys, Docs+"/*.md")
	if err != nil {
		return nil, err
	}
	if _, err := fs.Stat(fsys, Readme); err != nil {
		return nil, err
	}
	return append([]string{Readme}, pages...), nil
}

// Check returns one line per reference in fsys, the repository, that does
// not resolve: links in the documentation, references in Go files, and
// docs/ pages the README does not link.
func Check(fsys fs.FS) ([]string, error) {
	files, err := Markdown(fsys)
	if err != nil {
		return nil, err
	}
	c := checker{fsys: fsys, anchors: map[string][]string{}}
	var problems []string
	linked := map[string]bool{}
	for _, file := range files {
		text, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, err
		}
		for _, l := range links(string(text)) {
			target, ok := resolve(file, l.target)
			if !ok {
				continue // a URL
			}
			if file == Readme {
				linked[target.path] = true
			}
			if msg := c.check(target); msg != "" {
				problems = append(problems, fmt.Sprintf("%s:%d: link %s: %s", file, l.line, l.target, msg))
			}
		}
	}
	for _, page := range files[1:] {
		if !linked[page] {
			problems = append(problems, fmt.Sprintf("%s: no link from %s: a reader cannot find it", page, Readme))
		}
	}
	goProblems, err := c.checkGo()
	return append(problems, goProblems...), err
}

// checker resolves references in one repository, reading each Markdown
// file's anchors once.
type checker struct {
	fsys    fs.FS
	anchors map[string][]string
}

// ref is a reference resolved against the repository: a slash-separated
// path from its root ("" when it left the repository) and an anchor.
type ref struct{ path, anchor string }

// check says why r does not resolve, or "" when it does.
func (c *checker) check(r ref) string {
	if r.path == "" {
		return "it points outside the repository"
	}
	info, err := fs.Stat(c.fsys, r.path)
	if err != nil {
		return "no such file or folder"
	}
	if r.anchor == "" {
		return ""
	}
	if info.IsDir() || path.Ext(r.path) != ".md" {
		return "an anchor into something that is not a Markdown file"
	}
	anchors, ok := c.anchors[r.path]
	if !ok {
		text, err := fs.ReadFile(c.fsys, r.path)
		if err != nil {
			return err.Error()
		}
		anchors = Anchors(string(text))
		c.anchors[r.path] = anchors
	}
	if !slices.Contains(anchors, r.anchor) {
		return fmt.Sprintf("%s has no section #%s", r.path, r.anchor)
	}
	return ""
}

// goRef is a documentation reference in a Go comment: docs/<page>.md or
// a bare <name>.md (a file at the repository's root), with an optional
// anchor. A Markdown path with another folder in it is some other
// repository's (upstream sources are cited so) and is not checked.
var goRef = regexp.MustCompile(`(?:^|[^\w./-])((?:docs/)?[\w-]+\.md(?:#[\w-]+)?)\b`)

// checkGo checks the documentation references in the comments of the
// repository's Go files. Folders the go tool ignores (testdata, and names
// starting with . or _) and node_modules are skipped.
func (c *checker) checkGo() ([]string, error) {
	var problems []string
	err := fs.WalkDir(c.fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if p != "." && (name == "testdata" || name == "node_modules" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return fs.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		src, err := fs.ReadFile(c.fsys, p)
		if err != nil {
			return err
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, p, src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, group := range f.Comments {
			for _, comment := range group.List {
				line := fset.Position(comment.Pos()).Line
				for i, text := range strings.Split(comment.Text, "\n") {
					for _, m := range goRef.FindAllStringSubmatch(text, -1) {
						file, anchor, _ := strings.Cut(m[1], "#")
						if msg := c.check(ref{file, anchor}); msg != "" {
							problems = append(problems, fmt.Sprintf("%s:%d: %s: %s", p, line+i, m[1], msg))
						}
					}
				}
			}
		}
		return nil
	})
	return problems, err
}

// resolve makes a link target in the Markdown file from a reference from
// the repository's root; ok is false for a URL (a scheme, or //host).
func resolve(from, target string) (r ref, ok bool) {
	if strings.HasPrefix(target, "//") || scheme.MatchString(target) {
		return ref{}, false
	}
	target, r.anchor, _ = strings.Cut(target, "#")
	target, _, _ = strings.Cut(target, "?")
	var p string
	switch {
	case target == "":
		p = from
	case strings.HasPrefix(target, "/"): // from the repository's root, as GitHub reads it
		p = path.Clean(target[1:])
	default:
		p = path.Join(path.Dir(from), target)
	}
	if p == ".." || strings.HasPrefix(p, "../") {
		return ref{anchor: r.anchor}, true // outside: path stays ""
	}
	r.path = p
	return r, true
}

// scheme starts a URL: https:, mailto:, ….
var scheme = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)

// link is one inline link's target and the line it is on.
type link struct {
	target string
	line   int
}

// linkTarget is an inline link's or image's target: ](target) or
// ](target "title").
var linkTarget = regexp.MustCompile(`\]\(\s*<?([^\s<>()]+)>?(?:\s+"[^"]*")?\s*\)`)

// links returns the inline links of a Markdown text, outside code blocks
// and code spans.
func links(text string) []link {
	text = withoutCode(text)
	var out []link
	for _, m := range linkTarget.FindAllStringSubmatchIndex(text, -1) {
		out = append(out, link{text[m[2]:m[3]], 1 + strings.Count(text[:m[0]], "\n")})
	}
	return out
}

// withoutCode blanks fenced code blocks and code spans out of a Markdown
// text, keeping its line breaks, so that what they hold is not read as
// links or headings.
func withoutCode(text string) string {
	lines := strings.SplitAfter(text, "\n")
	fence := ""
	for i, l := range lines {
		trimmed := strings.TrimLeft(l, " ")
		switch {
		case fence == "" && (strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~")):
			fence = trimmed[:3]
			lines[i] = blank(l)
		case fence != "":
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			lines[i] = blank(l)
		}
	}
	text = strings.Join(lines, "")

	// Code spans: a run of backticks up to the next run of the same
	// length, across line breaks.
	var b strings.Builder
	for i := 0; i < len(text); {
		if text[i] != '`' {
			b.WriteByte(text[i])
			i++
			continue
		}
		n := run(text, i)
		end := -1
		for j := i + n; j < len(text); {
			if text[j] != '`' {
				j++
				continue
			}
			if m := run(text, j); m == n {
				end = j + m
				break
			} else {
				j += m
			}
		}
		if end < 0 { // no closing run: literal backticks
			b.WriteString(text[i : i+n])
			i += n
			continue
		}
		b.WriteString(blank(text[i:end]))
		i = end
	}
	return b.String()
}

// run is the length of the run of backticks at text[i].
func run(text string, i int) int {
	n := 0
	for i+n < len(text) && text[i+n] == '`' {
		n++
	}
	return n
}

// blank is s with everything but line breaks made spaces.
func blank(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' {
			return r
		}
		return ' '
	}, s)
}

// heading is an ATX heading line: # to ######, a space, its text.
var heading = regexp.MustCompile(`^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$`)

// Anchors returns the anchors GitHub gives the headings of a Markdown
// text, in order.
func Anchors(text string) []string {
	// Fenced blocks only: a heading's code spans are part of its text.
	lines := strings.Split(text, "\n")
	var anchors []string
	seen := map[string]int{}
	fence := ""
	for _, l := range lines {
		trimmed := strings.TrimLeft(l, " ")
		if fence == "" && (strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~")) {
			fence = trimmed[:3]
			continue
		}
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			continue
		}
		m := heading.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		a := Slug(m[1])
		if n := seen[a]; n > 0 {
			seen[a]++
			a = fmt.Sprintf("%s-%d", a, n)
		} else {
			seen[a] = 1
		}
		anchors = append(anchors, a)
	}
	return anchors
}

// inlineLink is a link in a heading: its text stays, its target goes.
var inlineLink = regexp.MustCompile(`!?\[([^\]]*)\]\([^)]*\)`)

// Slug is the anchor GitHub makes of a heading's text: links reduced to
// their text, lower-cased, letters, digits, '-' and '_' kept, spaces made
// hyphens, everything else (punctuation, backticks, emphasis) dropped. An
// underscore is emphasis, and dropped, unless it is inside a word
// (snake_case).
func Slug(heading string) string {
	rs := []rune(strings.ToLower(strings.TrimSpace(inlineLink.ReplaceAllString(heading, "$1"))))
	word := func(i int) bool {
		return i >= 0 && i < len(rs) && (unicode.IsLetter(rs[i]) || unicode.IsDigit(rs[i]))
	}
	var b strings.Builder
	for i, r := range rs {
		switch {
		case r == '_':
			start, end := i, i
			for start > 0 && rs[start-1] == '_' {
				start--
			}
			for end+1 < len(rs) && rs[end+1] == '_' {
				end++
			}
			if word(start-1) && word(end+1) {
				b.WriteRune(r)
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}
