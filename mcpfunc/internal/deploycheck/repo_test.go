package deploycheck

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// root is the repository, three folders up from this package
// (mcpfunc/internal/deploycheck).
var root = func() string {
	p, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		panic(err)
	}
	return p
}()

// read returns a repository file by its slash-separated path.
func read(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	require.NoError(t, err)
	return string(b)
}

// bicepFiles maps every .bicep file under infra/ (slash-separated, relative
// to the repository) to its text.
func bicepFiles(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(filepath.Join(root, "infra"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".bicep") {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = string(b)
		return err
	})
	require.NoError(t, err)
	require.Contains(t, files, "infra/main.bicep")
	return files
}

// decl is one top-level Bicep declaration with its decorators.
type decl struct {
	kind string // param, var, resource, module, output, …
	name string
	text string // the whole declaration, decorators included
	head string // its first line after the decorators
}

var declStart = regexp.MustCompile(`^(targetScope|param|var|resource|module|output|type|func|import|extension|metadata)\b`)

// declarations splits Bicep source into its top-level declarations. Bicep
// writes one declaration per line at column 0 and indents everything inside
// it, so a line starting with a keyword (or a decorator before one) at
// column 0 begins a declaration. That is all the checks need; it is not a
// parser (bicepsyntax.mjs checks the syntax).
func declarations(src string) []decl {
	var (
		out        []decl
		cur        *decl
		decorators []string
		inDecor    bool
	)
	for _, line := range strings.Split(src, "\n") {
		switch {
		case strings.HasPrefix(line, "@"):
			if cur != nil {
				out, cur = append(out, *cur), nil
			}
			decorators = append(decorators, line)
			inDecor = true
		case declStart.MatchString(line):
			if cur != nil {
				out = append(out, *cur)
			}
			f := strings.Fields(line)
			d := decl{kind: f[0], head: line}
			if len(f) > 1 {
				d.name = f[1]
			}
			d.text = strings.Join(append(decorators, line), "\n")
			cur, decorators, inDecor = &d, nil, false
		case inDecor:
			decorators[len(decorators)-1] += "\n" + line
		case cur != nil:
			cur.text += "\n" + line
		}
	}
	if cur != nil {
		out = append(out, *cur)
	}
	return out
}

// find returns the declarations of a kind, by name.
func find(src, kind string) map[string]decl {
	m := map[string]decl{}
	for _, d := range declarations(src) {
		if d.kind == kind {
			m[d.name] = d
		}
	}
	return m
}

// param is a Bicep parameter as far as the checks care.
type param struct {
	typ        string
	hasDefault bool
	def        string // the default's source text, if any
	// generated: azd generates its value (@metadata azd type 'generate').
	generated bool
}

var azdGenerate = regexp.MustCompile(`(?s)@metadata\(\{\s*azd: \{\s*type: 'generate'`)

var paramHead = regexp.MustCompile(`^param\s+(\w+)\s+(\S+?)\s*(?:=\s*(.*))?$`)

func params(src string) map[string]param {
	m := map[string]param{}
	for name, d := range find(src, "param") {
		if g := paramHead.FindStringSubmatch(strings.TrimSpace(d.head)); g != nil {
			m[name] = param{typ: g[2], hasDefault: strings.Contains(d.head, "="), def: strings.TrimSpace(g[3]),
				generated: azdGenerate.MatchString(d.text)}
		}
	}
	return m
}
