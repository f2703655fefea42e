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

// genericScenarios are the MCP conformance suite's (0.2.0-alpha.12)
// active server scenarios that need none of its fixtures, so any server
// can pass them: the ones the MCP extension's own conformance run passes
// with no fixture; dns-rebinding-protection, which the extension fails (it
// makes no Host check) and devhost and the self-hosted handler pass (they
// refuse non-loopback Host and Origin); server-session-lifecycle, which a
// stateless server passes as not applicable (an INFO check); and
// completion-complete, which a server that serves completions (the self
// hosting, as the fixture declares some) passes with no values for the
// suite's prompt, which the app does not have. Each hosting fails what its
// file in hostingFailures lists, by design.
var genericScenarios = []string{
	"server-initialize",
	"server-session-lifecycle",
	"ping",
	"logging-set-level",
	"completion-complete",
	"tools-list",
	"resources-list",
	"prompts-list",
	"resources-subscribe",
	"resources-unsubscribe",
	"server-sse-multiple-streams",
	"dns-rebinding-protection",
}

// fixtureFailures is the suite's baseline for the library's test app at
// the 2025-11-25 wire: the scenarios that call the suite's own fixtures,
// each with the reason in the file.
const fixtureFailures = "testdata/conformance-fixtures.yml"

// hostingFailures names, per hosting, the file of the generic scenarios it
// fails by design, each with the reason: what the MCP extension does not
// serve, and what a stateless server cannot do.
var hostingFailures = map[hosting.Mode]string{
	hosting.Triggers: "testdata/conformance-triggers.yml",
	hosting.Self:     "testdata/conformance-stateless.yml",
}

// TestConformance runs each generic scenario of the pinned conformance
// suite against each hosting without a key, as `func start` runs: every
// check must pass, but for the ones the hosting fails by design, which
// must still fail (so the list says what is true).
func TestConformance(t *testing.T) {
	az := testenv.SharedAzurite(t)
	forEachHosting(t, func(t *testing.T, h hostingCase) {
		srv := h.start(t, serverOptions{Storage: az.ConnectionString()})
		failing := readScenarios(t, hostingFailures[h.mode])
		for _, name := range genericScenarios {
			t.Run(name, func(t *testing.T) {
				run := testenv.Conformance(t, testenv.ConformanceOptions{URL: srv.Endpoints().URL, Scenario: name})
				require.Empty(t, run.Threw, run.Report())
				require.Equal(t, []string{name}, slices.Sorted(maps.Keys(run.Scenarios)), run.Report())
				if slices.Contains(failing, name) {
					require.False(t, run.Passed(name), "%s passes now: take it out of %s\n%s", name, hostingFailures[h.mode], run.Report())
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
// headers), with the baseline (the fixture scenarios and the hosting's own
// failures): the generic scenarios pass, the others fail as the baseline
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
		hostingOwn := readScenarios(t, hostingFailures[h.mode])
		baseline := slices.Concat(readBaseline(t), hostingOwn)
		passing := slices.DeleteFunc(slices.Clone(genericScenarios), func(s string) bool { return slices.Contains(hostingOwn, s) })
		failures := writeScenarios(t, baseline)
		run := testenv.Conformance(t, testenv.ConformanceOptions{
			URL:              dh.URL + "?code=" + url.QueryEscape(testKey),
			ExpectedFailures: failures,
		})
		require.Empty(t, run.Threw, run.Report())
		require.Equal(t, 0, run.ExitCode, run.Report())

		want := slices.Concat(passing, baseline)
		slices.Sort(want)
		assert.Equal(t, want, slices.Sorted(maps.Keys(run.Scenarios)), "every active scenario is either generic or in %s or %s", fixtureFailures, hostingFailures[h.mode])
		for _, name := range passing {
			assert.True(t, run.Passed(name), "%s: %v", name, run.Failures(name))
		}
		for _, name := range baseline {
			assert.False(t, run.Passed(name), "%s passes now: take it out of %s or %s", name, fixtureFailures, hostingFailures[h.mode])
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

// readBaseline returns the scenarios the fixture baseline lists.
func readBaseline(t *testing.T) []string {
	t.Helper()
	names := readScenarios(t, fixtureFailures)
	for _, name := range names {
		require.NotContains(t, genericScenarios, name, "%s is both generic and a fixture scenario", name)
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
