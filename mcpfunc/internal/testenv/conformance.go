package testenv

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// conformanceLimit bounds one conformance suite run (the whole active suite
// takes a few seconds here); it only keeps a hung run from hanging the test
// binary.
const conformanceLimit = 3 * time.Minute

// ConformanceOptions say what one run of the MCP conformance suite
// (`conformance server`, npm @modelcontextprotocol/conformance) tests.
type ConformanceOptions struct {
	// URL is the server's Streamable HTTP endpoint. The suite's client has
	// no header options: a key goes in ?code=, which the run keeps out of
	// its output.
	URL string
	// Scenario runs one scenario, at the suite's default protocol version
	// (2025-11-25); empty runs the active suite (every scenario but the
	// pending ones) at that version, or the requirement set.
	Scenario string
	// Requirements runs a spec revision's frozen requirement set (such as
	// 2026-07-28), every scenario at that revision's wire; the suite
	// refuses it with Scenario. [ConformanceRequired] lists the scored
	// ones.
	Requirements string
	// ExpectedFailures is a baseline file (YAML `server: [scenario, …]`,
	// an entry being a scenario or scenario:check): the run then succeeds
	// when exactly the listed scenarios (checks) fail, and fails for a
	// listed one that passes. With Requirements, only scored scenarios
	// count.
	ExpectedFailures string
}

// ConformanceRun is the outcome of one conformance suite run.
type ConformanceRun struct {
	// Stdout and Stderr are the suite's output without colour codes, the
	// URL's key replaced by "***".
	Stdout, Stderr []byte
	// ExitCode is 0 when every scenario passed (or, with a baseline, when
	// the failures are the listed ones), else 1.
	ExitCode int
	// Scenarios holds each scenario's checks by scenario name, from the
	// checks.json files the suite writes to its output folder.
	Scenarios map[string][]ConformanceCheck
	// Threw lists the scenarios the suite started and recorded nothing
	// for: a scenario that throws ("Failed to run scenario …" in Stdout)
	// leaves its output folder empty. Each is also in Scenarios, with no
	// checks, so it never passes.
	Threw []string
}

// ConformanceCheck is one check of a scenario, as the suite records it.
type ConformanceCheck struct {
	ID           string          `json:"id"`
	Name         string          `json:"name"`
	Description  string          `json:"description"`
	Status       string          `json:"status"` // SUCCESS, FAILURE, WARNING, SKIPPED or INFO
	ErrorMessage string          `json:"errorMessage,omitempty"`
	Details      json.RawMessage `json:"details,omitempty"`
}

// Failed reports whether the check counts against its scenario: the suite's
// baseline counts warnings as failures too.
func (c ConformanceCheck) Failed() bool { return c.Status == "FAILURE" || c.Status == "WARNING" }

// Failures returns the checks of scenario that failed or warned.
func (r ConformanceRun) Failures(scenario string) []ConformanceCheck {
	var out []ConformanceCheck
	for _, c := range r.Scenarios[scenario] {
		if c.Failed() {
			out = append(out, c)
		}
	}
	return out
}

// Passed reports whether scenario ran and all its checks passed.
func (r ConformanceRun) Passed(scenario string) bool {
	checks := r.Scenarios[scenario]
	return len(checks) > 0 && len(r.Failures(scenario)) == 0
}

// Report lists every failed or warned check, scenario by scenario, with the
// suite's error message and details, then the suite's output: what a test
// prints when the run is not what it wants.
func (r ConformanceRun) Report() string {
	var b strings.Builder
	names := make([]string, 0, len(r.Scenarios))
	for name := range r.Scenarios {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range r.Threw {
		fmt.Fprintf(&b, "%s: threw, no checks recorded (see stdout)\n", name)
	}
	for _, name := range names {
		for _, c := range r.Failures(name) {
			fmt.Fprintf(&b, "%s: %s [%s] %s", name, c.Status, c.ID, c.Description)
			if c.ErrorMessage != "" {
				fmt.Fprintf(&b, ": %s", c.ErrorMessage)
			}
			if len(c.Details) > 0 {
				fmt.Fprintf(&b, "\n    details: %s", c.Details)
			}
			b.WriteString("\n")
		}
	}
	fmt.Fprintf(&b, "exit code %d\nstdout:\n%s\nstderr:\n%s", r.ExitCode, r.Stdout, r.Stderr)
	return b.String()
}

// Conformance runs the pinned MCP conformance suite's server tests against
// opts.URL on the pinned Node 22 ([node22]), with a fresh home folder and
// output folder, and returns the outcome. A missing tool or a run past the
// time limit fails the test; failing scenarios do not: the caller reads
// them in the result.
func Conformance(tb testing.TB, opts ConformanceOptions) ConformanceRun {
	tb.Helper()
	if opts.URL == "" {
		tb.Fatal("ConformanceOptions.URL is required")
	}
	out := tb.TempDir()
	args := []string{"server", "--url", opts.URL, "-o", out}
	if opts.Scenario != "" {
		args = append(args, "--scenario", opts.Scenario)
	}
	if opts.Requirements != "" {
		args = append(args, "--requirements", opts.Requirements)
	}
	if opts.ExpectedFailures != "" {
		args = append(args, "--expected-failures", opts.ExpectedFailures)
	}

	ctx, cancel := context.WithTimeout(context.Background(), conformanceLimit)
	defer cancel()
	cmd := conformanceCommand(tb, ctx, args...)
	cmd.WaitDelay = 5 * time.Second // a child left holding its output cannot stall Wait
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()

	hide := newKeyHider(opts.URL)
	run := ConformanceRun{Stdout: hide(stripANSI(stdout.Bytes())), Stderr: hide(stripANSI(stderr.Bytes()))}
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		tb.Fatalf("the conformance suite did not finish within %v\nstdout: %s\nstderr: %s", conformanceLimit, run.Stdout, run.Stderr)
	case errors.As(err, &exit):
		run.ExitCode = exit.ExitCode()
	case err != nil:
		tb.Fatalf("conformance suite: %v", err)
	}
	run.Scenarios, run.Threw, err = readConformanceResults(out, hide)
	if err != nil {
		tb.Fatalf("reading the conformance suite's results: %v\nstdout: %s\nstderr: %s", err, run.Stdout, run.Stderr)
	}
	return run
}

// resultDir is a scenario's output folder: server-<scenario>-<ISO time with
// ':' and '.' replaced by '-'> (createResultDir in the suite's
// src/runner/utils.ts @v0.1.16 and @c321dd3, 0.2.0-alpha.11; alpha.12
// writes the same names).
var resultDir = regexp.MustCompile(`^server-(.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$`)

// readConformanceResults reads each scenario's checks.json under dir. A
// scenario folder without one (the scenario threw before the suite
// recorded its checks) is in threw, with no checks.
func readConformanceResults(dir string, hide func([]byte) []byte) (scenarios map[string][]ConformanceCheck, threw []string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	scenarios = map[string][]ConformanceCheck{}
	for _, e := range entries {
		m := resultDir.FindStringSubmatch(e.Name())
		if !e.IsDir() || m == nil {
			return nil, nil, fmt.Errorf("unexpected entry %q in the output folder", e.Name())
		}
		if _, dup := scenarios[m[1]]; dup {
			return nil, nil, fmt.Errorf("scenario %s ran twice", m[1])
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name(), "checks.json"))
		if errors.Is(err, fs.ErrNotExist) {
			scenarios[m[1]] = nil
			threw = append(threw, m[1])
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		var checks []ConformanceCheck
		if err := json.Unmarshal(hide(b), &checks); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", e.Name(), err)
		}
		scenarios[m[1]] = checks
	}
	slices.Sort(threw)
	return scenarios, threw, nil
}

// conformanceCommand is the pinned suite run with args on Node 22, in a
// fresh home and without colours.
func conformanceCommand(tb testing.TB, ctx context.Context, args ...string) *exec.Cmd {
	tb.Helper()
	node, err := node22()
	if err != nil {
		tb.Fatal(err)
	}
	suite, err := packageBin("@modelcontextprotocol/conformance", "conformance")
	if err != nil {
		tb.Fatal(err)
	}
	home := tb.TempDir()
	cmd := exec.CommandContext(ctx, node, append([]string{suite}, args...)...)
	cmd.Env = append(environ([]string{"HOME", "USERPROFILE", "NODE_OPTIONS", "NO_COLOR"}),
		"HOME="+home, "USERPROFILE="+home, "NO_COLOR=1")
	return cmd
}

// ConformanceRequired lists the server scenarios the pinned suite scores
// for a spec revision's requirement set (`conformance list --server
// --requirements <revision>`, the lines under "Server scenarios"), in the
// suite's order; the set also runs scenarios it reports without scoring.
func ConformanceRequired(tb testing.TB, revision string) []string {
	tb.Helper()
	cmd := conformanceCommand(tb, context.Background(), "list", "--server", "--requirements", revision)
	out, err := RunToExit(tb, cmd, ExitLimit)
	if err != nil {
		tb.Fatalf("conformance list --requirements %s: %v\n%s", revision, err, out)
	}
	names, err := parseRequired(string(stripANSI([]byte(out))))
	if err != nil {
		tb.Fatalf("conformance list --requirements %s: %v\n%s", revision, err, out)
	}
	return names
}

// parseRequired reads the "Server scenarios" block of `conformance list`:
// "  - <name>" lines up to the first blank line.
func parseRequired(out string) ([]string, error) {
	_, rest, found := strings.Cut(out, "Server scenarios")
	if !found {
		return nil, errors.New(`no "Server scenarios" block`)
	}
	var names []string
	for i, line := range strings.Split(rest, "\n") {
		if i == 0 {
			continue // the rest of the heading line
		}
		if strings.TrimSpace(line) == "" {
			break
		}
		name, ok := strings.CutPrefix(line, "  - ")
		if !ok || strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("unexpected line %q in the server scenarios", line)
		}
		names = append(names, name)
	}
	if len(names) == 0 {
		return nil, errors.New("no server scenarios listed")
	}
	return names, nil
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func stripANSI(b []byte) []byte { return ansi.ReplaceAll(b, nil) }

// newKeyHider returns a function that replaces the key in raw's ?code=,
// as given and as decoded, with "***"; the suite prints the URL it tests.
func newKeyHider(raw string) func([]byte) []byte {
	u, err := url.Parse(raw)
	if err != nil {
		return func(b []byte) []byte { return b }
	}
	var forms [][]byte
	if enc, ok := rawQueryValue(u.RawQuery, "code"); ok && enc != "" {
		forms = append(forms, []byte(enc))
		if dec := u.Query().Get("code"); dec != enc {
			forms = append(forms, []byte(dec))
		}
	}
	return func(b []byte) []byte {
		for _, f := range forms {
			b = bytes.ReplaceAll(b, f, []byte("***"))
		}
		return b
	}
}

// rawQueryValue returns the still-encoded value of name in a raw query.
func rawQueryValue(rawQuery, name string) (string, bool) {
	for part := range strings.SplitSeq(rawQuery, "&") {
		if k, v, _ := strings.Cut(part, "="); k == name {
			return v, true
		}
	}
	return "", false
}
