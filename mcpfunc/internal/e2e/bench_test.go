package e2e

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"remote-mcp-functions-go/mcpfunc/internal/benchbase"
	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// BenchmarkE2E measures get and put (and hello, which needs no storage)
// of the fixture through the whole local stack of each hosting at
// concurrency 1 and 32, and with a value at the 1 MiB limit (source code:
// quotes, backslashes, newlines, as JSON escapes them) at concurrency 1:
// go-sdk client → devhost → handler (the trigger hosting), and go-sdk
// client → the self-hosted handler (no hop), blobs in Azurite; and in the
// same run the same blob work behind a plain go-sdk server that calls
// azblob itself: the baseline (package benchbase). Azurite is the slowest
// part on a small machine, so the ratios to the baseline say more than the
// absolute numbers. Every client speaks protocol 2025-06-18, the newest
// devhost negotiates, so the three paths do the same MCP work.
//
// Each sub-benchmark reports, for the devhost path: p50-ms and p99-ms per
// call and calls/s; for the self hosting: self-p50-ms, self-p99-ms and
// self-calls/s; for the baseline: base-p50-ms and base-calls/s; and each
// path's ratios to the baseline: p50-ratio and calls/s-ratio (devhost),
// self-p50-ratio and self-calls/s-ratio. ns/op is the devhost path's wall
// time per call.
func BenchmarkE2E(b *testing.B) {
	az := testenv.SharedAzurite(b)
	dh := testenv.StartDevhost(b, testenv.DevhostOptions{Storage: az.ConnectionString()})
	sh := testenv.StartSelfhost(b, testenv.SelfhostOptions{Storage: az.ConnectionString()})
	base := startBaseline(b, az)
	root, err := testenv.RepoRoot()
	if err != nil {
		b.Fatal(err)
	}

	const getKey, getValue = "bench-get", "def bench():\n    return \"a value of a typical size, a line or two of code\"\n"
	az.PutBlob(b, container, blobName(getKey), []byte(getValue))
	large := benchbase.LargeValue(b, root, "src", fixtureLimit)
	az.PutBlob(b, container, blobName(getKey+"-1mib"), []byte(large))

	cases := []struct {
		tool string
		conc int
		size string // "" for a typical value, "1MiB"
	}{
		// hello touches no storage: the cost of devhost and the handler
		// alone.
		{"hello", 1, ""}, {"hello", 32, ""},
		{"get", 1, ""}, {"get", 32, ""},
		{"put", 1, ""}, {"put", 32, ""},
		{"get", 1, "1MiB"}, {"put", 1, "1MiB"},
	}
	for _, tc := range cases {
		tool, conc := tc.tool, tc.conc
		name, value := fmt.Sprintf("%s/c%d", tool, conc), getValue
		if tc.size != "" {
			name, value = fmt.Sprintf("%s-%s/c%d", tool, tc.size, conc), large
		}
		b.Run(name, func(b *testing.B) {
			b.StopTimer()
			devhostSessions := benchbase.Sessions(b, dh.URL, conc)
			selfSessions := benchbase.Sessions(b, sh.URL, conc)
			baseSessions := benchbase.Sessions(b, base, conc)
			args := func(worker int) map[string]any {
				switch tool {
				case "get":
					if tc.size != "" {
						return map[string]any{"key": getKey + "-1mib"}
					}
					return map[string]any{"key": getKey}
				case "put":
					return putArgs(fmt.Sprintf("bench-put-%02d", worker), value)
				}
				return nil
			}
			// Warm every path (connections, handler, Azurite caches)
			// outside the measurement.
			benchbase.Measure(b, baseSessions, tool, args, 2*conc)
			benchbase.Measure(b, devhostSessions, tool, args, 2*conc)
			benchbase.Measure(b, selfSessions, tool, args, 2*conc)

			baseline := benchbase.Measure(b, baseSessions, tool, args, b.N)
			self := benchbase.Measure(b, selfSessions, tool, args, b.N)
			b.ResetTimer()
			b.StartTimer()
			got := benchbase.Measure(b, devhostSessions, tool, args, b.N)
			b.StopTimer()

			b.ReportMetric(benchbase.Ms(got.P50), "p50-ms")
			b.ReportMetric(benchbase.Ms(got.P99), "p99-ms")
			b.ReportMetric(got.Rate, "calls/s")
			b.ReportMetric(benchbase.Ms(baseline.P50), "base-p50-ms")
			b.ReportMetric(baseline.Rate, "base-calls/s")
			b.ReportMetric(float64(got.P50)/float64(baseline.P50), "p50-ratio")
			b.ReportMetric(got.Rate/baseline.Rate, "calls/s-ratio")
			b.ReportMetric(benchbase.Ms(self.P50), "self-p50-ms")
			b.ReportMetric(benchbase.Ms(self.P99), "self-p99-ms")
			b.ReportMetric(self.Rate, "self-calls/s")
			b.ReportMetric(float64(self.P50)/float64(baseline.P50), "self-p50-ratio")
			b.ReportMetric(self.Rate/baseline.Rate, "self-calls/s-ratio")
		})
	}
}

// startBaseline serves the baseline (package benchbase) from this process
// over Streamable HTTP on loopback, reading and writing the same blobs
// with azblob directly: what each hosting is measured against.
func startBaseline(b *testing.B, az *testenv.Azurite) string {
	b.Helper()
	h, err := benchbase.Handler(context.Background(), az.ConnectionString())
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(h)
	b.Cleanup(ts.Close)
	return ts.URL
}
