package e2e

import (
	"maps"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"remote-mcp-functions-go/internal/testenv"
)

// genericScenarios are the MCP conformance suite's (0.1.16) server scenarios
// that need none of its fixtures, so any server can pass them: the ones the
// MCP extension's own conformance run passes with no fixture, plus
// dns-rebinding-protection, which the extension fails (it makes no Host
// check) and devhost passes (it refuses non-loopback Host and Origin).
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

// TestConformance runs each generic scenario of the pinned conformance
// suite against a devhost without a key, as `func start` runs: every check
// must pass.
func TestConformance(t *testing.T) {
	az := testenv.SharedAzurite(t)
	dh := testenv.StartDevhost(t, testenv.DevhostOptions{Storage: az.ConnectionString()})
	for _, name := range genericScenarios {
		t.Run(name, func(t *testing.T) {
			run := testenv.Conformance(t, testenv.ConformanceOptions{URL: dh.URL, Scenario: name})
			require.Equal(t, 0, run.ExitCode, run.Report())
			require.Equal(t, []string{name}, slices.Sorted(maps.Keys(run.Scenarios)), run.Report())
			require.True(t, run.Passed(name), run.Report())
		})
	}
}

// TestConformanceKeyInURL runs the whole active suite against a devhost in
// key mode, the key in ?code= (the suite's client sends no headers), with
// the baseline: the generic scenarios pass, the others fail as the baseline
// says, and the suite ran no scenario this file does not know. Without the
// key the suite gets nowhere.
func TestConformanceKeyInURL(t *testing.T) {
	az := testenv.SharedAzurite(t)
	dh := testenv.StartDevhost(t, testenv.DevhostOptions{Storage: az.ConnectionString(), Key: testKey})

	t.Run("suite with ?code=", func(t *testing.T) {
		baseline := readBaseline(t)
		run := testenv.Conformance(t, testenv.ConformanceOptions{
			URL:              dh.URL + "?code=" + url.QueryEscape(testKey),
			ExpectedFailures: expectedFailures,
		})
		require.Equal(t, 0, run.ExitCode, run.Report())

		want := slices.Concat(genericScenarios, baseline)
		slices.Sort(want)
		assert.Equal(t, want, slices.Sorted(maps.Keys(run.Scenarios)), "every active scenario is either generic or in %s", expectedFailures)
		for _, name := range genericScenarios {
			assert.True(t, run.Passed(name), "%s: %v", name, run.Failures(name))
		}
		for _, name := range baseline {
			assert.False(t, run.Passed(name), "%s passes now: take it out of %s", name, expectedFailures)
		}
		for _, out := range [][]byte{run.Stdout, run.Stderr, []byte(run.Report())} {
			assert.NotContains(t, string(out), url.QueryEscape(testKey))
			assert.NotContains(t, string(out), testKey)
		}
		assert.Contains(t, string(run.Stdout), "?code=***", "the suite prints the URL it tests, key hidden")
		assert.NotContains(t, dh.Output(), testKey)
	})

	t.Run("no key", func(t *testing.T) {
		run := testenv.Conformance(t, testenv.ConformanceOptions{URL: dh.URL, Scenario: "server-initialize"})
		assert.Equal(t, 1, run.ExitCode, run.Report())
		fails := run.Failures("server-initialize")
		require.Len(t, fails, 1, run.Report())
		assert.Equal(t, "FAILURE", fails[0].Status)
		assert.Contains(t, fails[0].ErrorMessage, "Unauthorized", run.Report())
		assert.Contains(t, dh.Output(), `msg="request refused" status=401`)
	})
}

// readBaseline returns the scenarios the baseline file lists.
func readBaseline(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(expectedFailures)
	require.NoError(t, err)
	var f struct {
		Server []string `yaml:"server"`
	}
	require.NoError(t, yaml.Unmarshal(b, &f))
	require.NotEmpty(t, f.Server)
	for _, name := range f.Server {
		require.NotContains(t, genericScenarios, name, "%s is both generic and an expected failure", name)
		require.False(t, strings.TrimSpace(name) == "", "empty entry in %s", expectedFailures)
	}
	return f.Server
}
