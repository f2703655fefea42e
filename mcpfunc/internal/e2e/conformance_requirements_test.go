package e2e

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/hosting"
	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// requirementSet is one spec revision's frozen requirement set of the
// conformance suite (its scored scenarios, each run at that revision's
// wire) and the baseline files a hosting is held to it with.
type requirementSet struct {
	revision  string
	baselines []string
}

// requirementSets are the sets each hosting is held to: the self hosting
// serves both protocol generations, 2026-07-28 (stateless, no handshake)
// and 2025-11-25; the trigger hosting serves what the MCP extension
// speaks, up to 2025-06-18, which the 2025-11-25 set accepts.
var requirementSets = map[hosting.Mode][]requirementSet{
	hosting.Self: {
		{"2026-07-28", []string{"testdata/conformance-2026-07-28.yml"}},
		{"2025-11-25", []string{fixtureFailures, hostingFailures[hosting.Self]}},
	},
	hosting.Triggers: {
		{"2025-11-25", []string{fixtureFailures, hostingFailures[hosting.Triggers]}},
	},
}

// TestConformanceRequirements runs each requirement set a hosting is held
// to against it (conformance server --requirements <revision>
// --expected-failures <its baseline>): the suite must pass, every scored
// scenario must have run, the ones the baseline lists must still fail
// (each listed check of a scenario:check entry failing, its other checks
// passing) and all others pass. Not-scored scenarios are reported only.
func TestConformanceRequirements(t *testing.T) {
	az := testenv.SharedAzurite(t)
	forEachHosting(t, func(t *testing.T, h hostingCase) {
		srv := h.start(t, serverOptions{Storage: az.ConnectionString()})
		for _, set := range requirementSets[h.mode] {
			t.Run(set.revision, func(t *testing.T) {
				var entries []string
				for _, f := range set.baselines {
					entries = append(entries, readScenarios(t, f)...)
				}
				scenarios, checks := splitBaseline(entries)
				scored := testenv.ConformanceRequired(t, set.revision)
				for _, name := range slices.Concat(scenarios, slices.Collect(maps.Keys(checks))) {
					require.Contains(t, scored, name, "%v lists %s, which the %s set does not score", set.baselines, name, set.revision)
				}

				run := testenv.Conformance(t, testenv.ConformanceOptions{
					URL:              srv.Endpoints().URL,
					Requirements:     set.revision,
					ExpectedFailures: writeScenarios(t, entries),
				})
				require.Empty(t, run.Threw, run.Report())
				require.Equal(t, 0, run.ExitCode, run.Report())

				passed := 0
				for _, name := range scored {
					require.NotEmpty(t, run.Scenarios[name], "scored scenario %s did not run\n%s", name, run.Report())
					switch {
					case slices.Contains(scenarios, name):
						assert.False(t, run.Passed(name), "%s passes now: take it out of %v", name, set.baselines)
					case checks[name] != nil:
						for _, id := range checks[name] {
							i := slices.IndexFunc(run.Scenarios[name], func(c testenv.ConformanceCheck) bool { return c.ID == id })
							if assert.True(t, i >= 0, "%s:%s did not run: take it out of %v", name, id, set.baselines) {
								assert.True(t, run.Scenarios[name][i].Failed(), "%s:%s passes now: take it out of %v", name, id, set.baselines)
							}
						}
						for _, c := range run.Scenarios[name] {
							if !slices.Contains(checks[name], c.ID) {
								assert.False(t, c.Failed(), "%s:%s %s: %s", name, c.ID, c.Status, c.ErrorMessage)
							}
						}
					default:
						if assert.True(t, run.Passed(name), "%s: %v", name, run.Failures(name)) {
							passed++
						}
					}
				}
				var unscored []string
				for name := range run.Scenarios {
					if !slices.Contains(scored, name) {
						state := "passed"
						if !run.Passed(name) {
							state = "failed"
						}
						unscored = append(unscored, name+" "+state)
					}
				}
				slices.Sort(unscored)
				t.Logf("--requirements %s on %s: %d of %d scored scenarios pass, %d fail as listed, %d pass but for the listed checks; not scored: %s",
					set.revision, h.name, passed, len(scored), len(scenarios), len(checks), strings.Join(unscored, ", "))
			})
		}
	})
}

// splitBaseline parts a baseline's entries into whole scenarios and, for
// scenario:check entries, the checks by scenario.
func splitBaseline(entries []string) (scenarios []string, checks map[string][]string) {
	checks = map[string][]string{}
	for _, e := range entries {
		if name, check, ok := strings.Cut(e, ":"); ok {
			checks[name] = append(checks[name], check)
			continue
		}
		scenarios = append(scenarios, e)
	}
	return scenarios, checks
}

// TestConformanceTriggersAt20260728: what the trigger hosting cannot do.
// The MCP extension speaks 2025-06-18 at most, so at the 2026-07-28 wire
// (no initialize, a version in every request) devhost fails the set, the
// listings among it, as the extension would. A scenario the suite
// throws on against it (its folder left empty) is reported, not a reason
// the run cannot be read; only unscored ones throw.
func TestConformanceTriggersAt20260728(t *testing.T) {
	az := testenv.SharedAzurite(t)
	srv := hostingOf(hosting.Triggers).start(t, serverOptions{Storage: az.ConnectionString()})
	run := testenv.Conformance(t, testenv.ConformanceOptions{URL: srv.Endpoints().URL, Requirements: "2026-07-28"})
	assert.Equal(t, 1, run.ExitCode, run.Report())
	scored := testenv.ConformanceRequired(t, "2026-07-28")
	for _, name := range scored {
		assert.NotEmpty(t, run.Scenarios[name], "scored scenario %s ran and recorded its checks", name)
	}
	for _, name := range []string{"server-stateless", "tools-list", "resources-list", "prompts-list", "caching"} {
		assert.False(t, run.Passed(name), "%s passes on devhost at 2026-07-28: the extension cannot", name)
	}
	for _, name := range run.Threw {
		assert.NotContains(t, scored, name, "a scored scenario threw")
	}
	t.Logf("threw (unscored): %v", run.Threw)
}
