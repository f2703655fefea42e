package deploycheck

import (
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// lintWorkflow runs actionlint, the same linter `make lint` runs with go
// tool actionlint, on one workflow file.
func lintWorkflow(t *testing.T, path string) []*actionlint.Error {
	t.Helper()
	l, err := actionlint.NewLinter(io.Discard, &actionlint.LinterOptions{})
	require.NoError(t, err)
	errs, err := l.LintFile(path, nil)
	require.NoError(t, err)
	return errs
}

func TestWorkflowLintsClean(t *testing.T) {
	for _, e := range lintWorkflow(t, filepath.Join(root, ".github", "workflows", "ci.yml")) {
		t.Errorf("%v", e)
	}
}

// The linter is not a formality: a workflow with two typos, an undefined
// matrix key and a misspelt action input, fails with both named.
func TestActionlintCatchesTypos(t *testing.T) {
	errs := lintWorkflow(t, filepath.Join("testdata", "workflows", "typo.yml"))
	var got []string
	for _, e := range errs {
		got = append(got, e.Kind+": "+e.Message)
	}
	require.Len(t, got, 2, "%q", got)
	assert.Contains(t, got[0], `expression: property "oss" is not defined`)
	assert.Contains(t, got[1], `action: input "cahce" is not defined in action "actions/setup-go@v5"`)
}

// The workflow runs the README's test command on the three systems, with
// Go and Node set up by their actions and their caches on.
func TestWorkflowRunsTheREADMETests(t *testing.T) {
	var wf struct {
		Jobs map[string]struct {
			RunsOn   string `yaml:"runs-on"`
			Strategy struct {
				Matrix struct {
					OS []string `yaml:"os"`
				} `yaml:"matrix"`
			} `yaml:"strategy"`
			Steps []struct {
				Uses string            `yaml:"uses"`
				With map[string]string `yaml:"with"`
				Run  string            `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	require.NoError(t, yaml.Unmarshal([]byte(read(t, ".github/workflows/ci.yml")), &wf))
	job, ok := wf.Jobs["test"]
	require.True(t, ok, "a job named test")
	assert.Equal(t, "${{ matrix.os }}", job.RunsOn)
	assert.ElementsMatch(t, []string{"ubuntu-latest", "macos-latest", "windows-latest"}, job.Strategy.Matrix.OS)

	uses := map[string]map[string]string{}
	var runs []string
	for _, s := range job.Steps {
		if s.Uses != "" {
			name, _, _ := strings.Cut(s.Uses, "@")
			uses[name] = s.With
		}
		runs = append(runs, strings.TrimSpace(s.Run))
	}
	require.Contains(t, uses, "actions/checkout")
	require.Contains(t, uses, "actions/setup-go")
	assert.Equal(t, "go.mod", uses["actions/setup-go"]["go-version-file"])
	assert.Equal(t, "true", uses["actions/setup-go"]["cache"])
	require.Contains(t, uses, "actions/setup-node")
	assert.Equal(t, "npm", uses["actions/setup-node"]["cache"])
	assert.Equal(t, "20", uses["actions/setup-node"]["node-version"], "the Node version the README names")

	readme := read(t, "README.md")
	assert.Contains(t, readme, "make test ", "the README's test command")
	assert.True(t, slices.Contains(runs, "make test"), "a step runs make test: %q", runs)
}
