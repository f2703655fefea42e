package deploycheck

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
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

// The real-host job installs Core Tools the documented way for Ubuntu
// (apt, after apt-get update), runs end-to-end suites that exist and
// need no key with func start as the host, runs the verify command, and
// keeps the capture folder the handler writes as an artifact.
func TestWorkflowRunsTheRealHost(t *testing.T) {
	type step struct {
		Name            string            `yaml:"name"`
		Uses            string            `yaml:"uses"`
		With            map[string]string `yaml:"with"`
		Env             map[string]string `yaml:"env"`
		Run             string            `yaml:"run"`
		If              string            `yaml:"if"`
		ContinueOnError bool              `yaml:"continue-on-error"`
	}
	var wf struct {
		Jobs map[string]struct {
			RunsOn string `yaml:"runs-on"`
			Steps  []step `yaml:"steps"`
		} `yaml:"jobs"`
	}
	require.NoError(t, yaml.Unmarshal([]byte(read(t, ".github/workflows/ci.yml")), &wf))
	job, ok := wf.Jobs["real-host"]
	require.True(t, ok, "a job named real-host")
	assert.Equal(t, "ubuntu-latest", job.RunsOn)

	var all []string
	var install, cache, upload *step
	var suites []step
	for i, s := range job.Steps {
		all = append(all, s.Run)
		switch {
		case strings.Contains(s.Run, "azure-functions-core-tools-4"):
			install = &job.Steps[i]
		case strings.HasPrefix(s.Uses, "actions/cache@"):
			cache = &job.Steps[i]
		case strings.HasPrefix(s.Uses, "actions/upload-artifact@"):
			upload = &job.Steps[i]
		case s.Env["MCP_TEST_HOST"] != "":
			suites = append(suites, s)
		}
	}
	require.NotNil(t, install, "a step installs Core Tools")
	update := strings.Index(install.Run, "sudo apt-get update")
	get := strings.Index(install.Run, "sudo apt-get install -y azure-functions-core-tools-4")
	assert.True(t, update >= 0 && get > update, "apt-get update, then install: %q", install.Run)
	require.NotNil(t, cache, "the extension bundle is cached")
	assert.Equal(t, "~/.azure-functions-core-tools/Functions/ExtensionBundles", cache.With["path"])

	// Each suite step runs tests that exist, none of them in key mode.
	e2e := read(t, "mcpfunc/internal/e2e/mcp_test.go") + read(t, "mcpfunc/internal/e2e/parity_test.go")
	for _, f := range []string{"functions", "conformance", "load", "requests", "keys", "inspector"} {
		e2e += read(t, "mcpfunc/internal/e2e/"+f+"_test.go")
	}
	runArg := regexp.MustCompile(`-run '\^\(?([\w|]+)\)?\$'`)
	require.Len(t, suites, 3)
	captures := map[string]bool{}
	for _, s := range suites {
		assert.Equal(t, "func start --port {port}", s.Env["MCP_TEST_HOST"], s.Name)
		captures[s.Env["MCP_CAPTURE_DIR"]] = true
		if strings.HasSuffix(s.Run, " ./app/...") {
			// The app's end-to-end tests by their names' convention, not
			// by name: the step names nothing of the sample, so removing
			// it leaves the workflow as it is (app tests in key mode are
			// named otherwise: TestVerifyInBothHostings).
			assert.Contains(t, s.Run, "-run 'EndToEnd$'", s.Name)
			continue
		}
		m := runArg.FindStringSubmatch(s.Run)
		require.NotNil(t, m, "%s selects its tests with -run '^(…)$': %q", s.Name, s.Run)
		for _, name := range strings.Split(m[1], "|") {
			assert.Contains(t, e2e, "func "+name+"(t *testing.T)", "%s runs %s", s.Name, name)
			assert.NotContains(t, []string{"TestKeyMode", "TestInspector", "TestConformanceKeyInURL", "TestFunctionsWithInspector", "TestCaptureRedacts"}, name, "func start checks no keys")
		}
	}
	assert.Contains(t, strings.Join(all, "\n"), "go run ./handler -verify", "the verify command runs against func start")

	// No app test the real host runs asks for a key.
	endToEnd := regexp.MustCompile(`(?s)\nfunc (Test\w*EndToEnd)\(t \*testing\.T\) \{(.*?)\n\}\n`)
	require.NoError(t, filepath.WalkDir(filepath.Join(root, "app"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		for _, m := range endToEnd.FindAllStringSubmatch(string(b), -1) {
			assert.NotContains(t, m[2], "Key:", "%s runs under func start, which checks no keys", m[1])
		}
		return err
	}))

	// The capture folders are inside the uploaded one.
	require.NotNil(t, upload, "the invocations are kept")
	assert.Equal(t, "always()", upload.If)
	root := upload.With["path"]
	assert.Equal(t, "${{ runner.temp }}/capture", root)
	for dir := range captures {
		assert.True(t, strings.HasPrefix(dir, root+"/"), "%s is uploaded", dir)
	}
	assert.NotContains(t, root, "/.", "a hidden folder would need include-hidden-files")
}
