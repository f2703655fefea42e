package mcpfunc_test

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc"
	"remote-mcp-functions-go/mcpfunc/internal/benchbase"
	"remote-mcp-functions-go/mcpfunc/internal/fixture"
	"remote-mcp-functions-go/mcpfunc/internal/proc"
	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// fixtureLimit is the fixture's limit when FIXTURE_MAX_BYTES is unset.
const fixtureLimit = 1 << 20

// BenchmarkSelf measures the self hosting's own cost against the
// baseline (package benchbase: a plain go-sdk server doing the same blob
// work with azblob), each pair alike: "in-process" sets the library's
// self-hosting handler (as Start builds it, for the fixture) beside the
// baseline in this process; "process" runs the fixture's handler binary
// beside the baseline's own binary, each a process serving loopback, as
// the hostings run. Either way neither has a boundary, a hop or a log pipe
// the other lacks. Beside hello and typical values it gets and puts values
// at the 1 MiB limit, source code and plain ASCII. It reports p50-ms and
// calls/s for the self hosting, base-p50-ms and base-calls/s, and
// p50-ratio and calls/s-ratio (self / baseline).
func BenchmarkSelf(b *testing.B) {
	az := testenv.SharedAzurite(b)
	b.Setenv("AzureWebJobsStorage", az.ConnectionString())
	b.Setenv(fixture.LimitSetting, "")
	app, err := fixture.New()
	require.NoError(b, err)
	// The handler logs a line per storage call to its stderr; here to
	// nowhere, as the baseline logs nothing.
	srv, err := mcpfunc.SelfHandler(app, slog.New(slog.NewTextHandler(io.Discard, nil)))
	require.NoError(b, err)
	ts := httptest.NewServer(srv)
	b.Cleanup(ts.Close)
	pairs := []struct{ name, self, base string }{
		{"in-process", ts.URL + "/mcp", startBaseline(b, az)},
		{"process", testenv.StartSelfhost(b, testenv.SelfhostOptions{Storage: az.ConnectionString()}).URL, testenv.StartBaseline(b, az.ConnectionString())},
	}
	root, err := testenv.RepoRoot()
	require.NoError(b, err)

	const getKey = "bench-get-self"
	az.PutBlob(b, fixture.Container, getKey+".txt", []byte("def bench():\n    return 1\n"))
	// Values at the 1 MiB limit: source code, which JSON escapes all
	// over, and plain ASCII text, which it does not.
	large := map[string]string{"": "x = 1\n"}
	for _, kind := range []string{"src", "ascii"} {
		large["-1mib-"+kind] = benchbase.LargeValue(b, root, kind, fixtureLimit)
		az.PutBlob(b, fixture.Container, getKey+"-1mib-"+kind+".txt", []byte(large["-1mib-"+kind]))
	}
	cases := []struct {
		tool, size string
		conc       int
	}{
		{"hello", "", 1}, {"hello", "", 32},
		{"get", "", 1}, {"get", "", 32},
		{"put", "", 1}, {"put", "", 32},
		{"get", "-1mib-src", 1}, {"put", "-1mib-src", 1},
		{"get", "-1mib-ascii", 1}, {"put", "-1mib-ascii", 1},
	}
	for _, pair := range pairs {
		for _, tc := range cases {
			tool, conc := tc.tool, tc.conc
			b.Run(fmt.Sprintf("%s/%s%s/c%d", pair.name, tool, tc.size, conc), func(b *testing.B) {
				b.StopTimer()
				args := func(worker int) map[string]any {
					switch tool {
					case "get":
						return map[string]any{"key": getKey + tc.size}
					case "put":
						return map[string]any{"key": fmt.Sprintf("bench-self-%02d", worker), "value": large[tc.size]}
					}
					return nil
				}
				selfSessions := benchbase.Sessions(b, pair.self, conc)
				baseSessions := benchbase.Sessions(b, pair.base, conc)
				benchbase.Measure(b, baseSessions, tool, args, 2*conc)
				benchbase.Measure(b, selfSessions, tool, args, 2*conc)
				baseline := benchbase.Measure(b, baseSessions, tool, args, b.N)
				b.ResetTimer()
				b.StartTimer()
				got := benchbase.Measure(b, selfSessions, tool, args, b.N)
				b.StopTimer()
				b.ReportMetric(benchbase.Ms(got.P50), "p50-ms")
				b.ReportMetric(got.Rate, "calls/s")
				b.ReportMetric(benchbase.Ms(baseline.P50), "base-p50-ms")
				b.ReportMetric(baseline.Rate, "base-calls/s")
				b.ReportMetric(float64(got.P50)/float64(baseline.P50), "p50-ratio")
				b.ReportMetric(got.Rate/baseline.Rate, "calls/s-ratio")
			})
		}
	}
}

// startBaseline serves the baseline from this process over Streamable
// HTTP on loopback.
func startBaseline(b *testing.B, az *testenv.Azurite) string {
	b.Helper()
	h, err := benchbase.Handler(b.Context(), az.ConnectionString())
	require.NoError(b, err)
	ts := httptest.NewServer(h)
	b.Cleanup(ts.Close)
	return ts.URL
}

// BenchmarkCPUPerInvocation measures, from outside, the process CPU the
// handler spends per invocation, against the least a custom handler can
// do: command envelope (mcpfunc/internal/benchbase/envelope), which reads
// the body and json.Unmarshals it into a map[string]any. Both get the same
// payloads, encoded as the Functions host encodes them
// (invoke.NewToolRequest): a put of a few lines, and one of 1 MiB, to the
// fixture's handler.
//
// Each iteration is one round: each server runs as a process of its own
// twice, once with the warm-up calls alone and once with the warm-up and
// the measured calls, one call at a time over keep-alive; the difference
// of the two processes' CPU (user and system, as the OS accounts it at
// exit) divided by the measured calls is its CPU per invocation. The
// servers take turns within a round. It reports the medians over the
// rounds: cpu-us/call for the handler, base-cpu-us/call for envelope, and
// cpu-ratio (handler / envelope, per round). Run it with -benchtime=5x or
// more: one round says little on a noisy machine.
func BenchmarkCPUPerInvocation(b *testing.B) {
	handler := fixtureHandler(b)
	envelope := testenv.Command(b, "./mcpfunc/internal/benchbase/envelope")
	small := "def bench():\n    return \"a value of a typical size, a line or two of code\"\n"
	for _, c := range []struct {
		name        string
		value       string
		warm, calls int
	}{
		{"put-small", small, 200, 3000},
		{"put-1MiB", codeOfSize(fixtureLimit), 5, 40},
	} {
		payload := putRequest(b, "bench", c.value)
		b.Run(c.name, func(b *testing.B) {
			var own, base, ratio []float64
			round := 0
			for b.Loop() {
				servers := []string{handler, envelope}
				if round%2 == 1 {
					slices.Reverse(servers)
				}
				round++
				perCall := map[string]float64{}
				for _, server := range servers {
					idle := processCPU(b, server, payload, c.warm, 0)
					busy := processCPU(b, server, payload, c.warm, c.calls)
					perCall[server] = float64((busy - idle).Microseconds()) / float64(c.calls)
				}
				own = append(own, perCall[handler])
				base = append(base, perCall[envelope])
				ratio = append(ratio, perCall[handler]/perCall[envelope])
			}
			b.ReportMetric(median(own), "cpu-us/call")
			b.ReportMetric(median(base), "base-cpu-us/call")
			b.ReportMetric(median(ratio), "cpu-ratio")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// processCPU runs server (the handler or envelope) as the host runs the
// handler, posts payload warm+calls times to /put, stops it and returns
// the CPU it used in all.
func processCPU(b *testing.B, server string, payload []byte, warm, calls int) time.Duration {
	b.Helper()
	port := freePort(b)
	cmd := exec.Command(server)
	cmd.Env = []string{"FUNCTIONS_CUSTOMHANDLER_PORT=" + port}
	require.NoError(b, proc.Start(cmd))
	exited := false
	defer func() {
		if !exited {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()
	url := "http://127.0.0.1:" + port
	require.NoError(b, waitReady(url, 10*time.Second))
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}}
	defer client.CloseIdleConnections()
	for range warm + calls {
		resp, err := client.Post(url+"/put", "application/json", bytes.NewReader(payload))
		require.NoError(b, err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(b, err)
		require.Equal(b, http.StatusOK, resp.StatusCode, "%s", body)
	}
	client.CloseIdleConnections()
	require.NoError(b, proc.Terminate(cmd.Process))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		exited = true
		require.NoError(b, err)
	case <-time.After(30 * time.Second):
		b.Fatalf("%s did not stop", filepath.Base(server))
	}
	return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

// codeOfSize is n bytes of source code: quotes, newlines, tabs and the
// characters JSON encoders escape.
func codeOfSize(n int) string {
	const block = "func handle(w http.ResponseWriter, r *http.Request) {\n" +
		"\tif r.Header.Get(\"Accept\") != \"application/json\" && len(r.URL.Query()) > 0 {\n" +
		"\t\thttp.Error(w, \"<not acceptable>\", 406) // 'quoted' & more\n\t}\n}\n"
	s := strings.Repeat(block, n/len(block)+1)
	return s[:n]
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}
