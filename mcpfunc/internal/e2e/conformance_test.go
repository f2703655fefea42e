package e2e

import (
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"remote-mcp-functions-go/mcpfunc/internal/hosting"
	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// genericScenarios are the MCP conformance suite's (0.1.16) server scenarios
// that need none of its fixtures, so any server can pass them: the ones the
// MCP extension's own conformance run passes with no fixture, plus
// dns-rebinding-protection, which the extension fails (it makes no Host
// check) and devhost and the self-hosted handler pass (they refuse
// non-loopback Host and Origin). The self hosting fails the ones
// statelessScenarios lists, by design.
var genericScenarios = []string{
	"server-initialize",
	"ping",
	"logging-set-level",
	"tools-list",
	"resources-list",
	"prompts-list",
	"resources-subscribe",
	"resources-unsubscribe",
	"server-sse-multiple-streams",
	"dns-rebinding-protection",
}

// expectedFailures is the suite's baseline for this app: the scenarios it
// fails, each with the reason in the file.
const expectedFailures = "testdata/conformance-expected-failures.yml"

// statelessFailures lists the generic scenarios the self hosting fails,
// each with the reason.
const statelessFailures = "testdata/conformance-stateless.yml"

// TestConformance runs each generic scenario of the pinned conformance
// suite against each hosting without a key, as `func start` runs: every
// check must pass, but for the self hosting's stateless ones, which must
// still fail (so the list says what is true).
func TestConformance(t *testing.T) {
	az := testenv.SharedAzurite(t)
	forEachHosting(t, func(t *testing.T, h hostingCase) {
		srv := h.start(t, serverOptions{Storage: az.ConnectionString()})
		var stateless []string
		if h.mode == hosting.Self {
			stateless = readScenarios(t, statelessFailures)
		}
		for _, name := range genericScenarios {
			t.Run(name, func(t *testing.T) {
				run := testenv.Conformance(t, testenv.ConformanceOptions{URL: srv.Endpoints().URL, Scenario: name})
				require.Equal(t, []string{name}, slices.Sorted(maps.Keys(run.Scenarios)), run.Report())
				if slices.Contains(stateless, name) {
					require.False(t, run.Passed(name), "%s passes now: take it out of %s\n%s", name, statelessFailures, run.Report())
					return
				}
				require.Equal(t, 0, run.ExitCode, run.Report())
				require.True(t, run.Passed(name), run.Report())
			})
		}
	})
}

// TestConformanceKeyInURL runs the whole active suite against each
// hosting in key mode, the key in ?code= (the suite's client sends no
// headers), with the baseline (and, for the self hosting, its stateless
// scenarios): the generic scenarios pass, the others fail as the baseline
// says, and the suite ran no scenario these files do not know. Without the
// key the suite gets nowhere.
func TestConformanceKeyInURL(t *testing.T) {
	az := testenv.SharedAzurite(t)
	forEachHosting(t, func(t *testing.T, h hostingCase) { conformanceKeyInURL(t, h, az) })
}

func conformanceKeyInURL(t *testing.T, h hostingCase, az *testenv.Azurite) {
	srv := h.start(t, serverOptions{Storage: az.ConnectionString(), Key: testKey})
	dh := srv.Endpoints()

	t.Run("suite with ?code=", func(t *testing.T) {
		baseline := readBaseline(t)
		failures, passing := expectedFailures, genericScenarios
		if h.mode == hosting.Self {
			stateless := readScenarios(t, statelessFailures)
			baseline = slices.Concat(baseline, stateless)
			passing = slices.DeleteFunc(slices.Clone(genericScenarios), func(s string) bool { return slices.Contains(stateless, s) })
			failures = writeScenarios(t, baseline)
		}
		run := testenv.Conformance(t, testenv.ConformanceOptions{
			URL:              dh.URL + "?code=" + url.QueryEscape(testKey),
			ExpectedFailures: failures,
		})
		require.Equal(t, 0, run.ExitCode, run.Report())

		want := slices.Concat(passing, baseline)
		slices.Sort(want)
		assert.Equal(t, want, slices.Sorted(maps.Keys(run.Scenarios)), "every active scenario is either generic or in %s", failures)
		for _, name := range passing {
			assert.True(t, run.Passed(name), "%s: %v", name, run.Failures(name))
		}
		for _, name := range baseline {
			assert.False(t, run.Passed(name), "%s passes now: take it out of %s", name, failures)
		}
		for _, out := range [][]byte{run.Stdout, run.Stderr, []byte(run.Report())} {
			assert.NotContains(t, string(out), url.QueryEscape(testKey))
			assert.NotContains(t, string(out), testKey)
		}
		assert.Contains(t, string(run.Stdout), "?code=***", "the suite prints the URL it tests, key hidden")
		assert.NotContains(t, srv.Output(), testKey)
	})

	t.Run("no key", func(t *testing.T) {
		run := testenv.Conformance(t, testenv.ConformanceOptions{URL: dh.URL, Scenario: "server-initialize"})
		assert.Equal(t, 1, run.ExitCode, run.Report())
		fails := run.Failures("server-initialize")
		require.Len(t, fails, 1, run.Report())
		assert.Equal(t, "FAILURE", fails[0].Status)
		assert.Contains(t, fails[0].ErrorMessage, "Unauthorized", run.Report())
		assert.Contains(t, srv.Output(), `msg="request refused" status=401`)
	})
}

// readBaseline returns the scenarios the baseline file lists.
func readBaseline(t *testing.T) []string {
	t.Helper()
	names := readScenarios(t, expectedFailures)
	for _, name := range names {
		require.NotContains(t, genericScenarios, name, "%s is both generic and an expected failure", name)
	}
	return names
}

// readScenarios returns the scenarios a baseline file lists.
func readScenarios(t *testing.T, file string) []string {
	t.Helper()
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	var f struct {
		Server []string `yaml:"server"`
	}
	require.NoError(t, yaml.Unmarshal(b, &f))
	require.NotEmpty(t, f.Server)
	for _, name := range f.Server {
		require.False(t, strings.TrimSpace(name) == "", "empty entry in %s", file)
	}
	return f.Server
}

// writeScenarios writes a baseline file of names, for the suite.
func writeScenarios(t *testing.T, names []string) string {
	t.Helper()
	b, err := yaml.Marshal(map[string][]string{"server": names})
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "expected-failures.yml")
	require.NoError(t, os.WriteFile(path, b, 0o644))
	return path
}
