package e2e

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/app/snippet"
	"remote-mcp-functions-go/mcpfunc/internal/benchbase"
	"remote-mcp-functions-go/mcpfunc/internal/blobstore"
	"remote-mcp-functions-go/mcpfunc/internal/catalog"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/selfhost"
	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// BenchmarkE2E measures getsnippet and savesnippet (and hello, which needs
// no storage) through the whole local stack of each hosting at concurrency
// 1 and 32, and with a snippet at the 1 MiB limit (source code: quotes,
// backslashes, newlines, as JSON escapes them) at concurrency 1:
// go-sdk client → devhost → handler (the trigger hosting), and
// go-sdk client → the self-hosted handler (no hop), blobs in Azurite; and
// in the same run the same blob work behind a plain go-sdk server that
// calls azblob itself: the baseline. Azurite is the slowest part on a
// small machine, so the ratios to the baseline say more than the absolute
// numbers. Every client speaks protocol 2025-06-18, the newest devhost
// negotiates, so the three paths do the same MCP work.
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

	const getName, getContent = "bench-get", "def bench():\n    return \"a snippet of a typical size, a line or two of code\"\n"
	az.PutBlob(b, container, blobName(getName), []byte(getContent))
	large := largeSnippet(b, "src")
	az.PutBlob(b, container, blobName(getName+"-1MiB"), []byte(large))

	cases := []struct {
		tool string
		conc int
		size string // "" for a typical snippet, "1MiB"
	}{
		// hello touches no storage: the cost of devhost and the handler
		// alone.
		{"hello", 1, ""}, {"hello", 32, ""},
		{"getsnippet", 1, ""}, {"getsnippet", 32, ""},
		{"savesnippet", 1, ""}, {"savesnippet", 32, ""},
		{"getsnippet", 1, "1MiB"}, {"savesnippet", 1, "1MiB"},
	}
	for _, tc := range cases {
		tool, conc := tc.tool, tc.conc
		name, content := fmt.Sprintf("%s/c%d", tool, conc), getContent
		if tc.size != "" {
			name, content = fmt.Sprintf("%s-%s/c%d", tool, tc.size, conc), large
		}
		b.Run(name, func(b *testing.B) {
			b.StopTimer()
			devhostSessions := sessions(b, dh.URL, conc)
			selfSessions := sessions(b, sh.URL, conc)
			baseSessions := sessions(b, base, conc)
			args := func(worker int) map[string]any {
				switch tool {
				case "getsnippet":
					if tc.size != "" {
						return map[string]any{"snippetname": getName + "-" + tc.size}
					}
					return map[string]any{"snippetname": getName}
				case "savesnippet":
					return map[string]any{"snippetname": fmt.Sprintf("bench-save-%02d", worker), "snippet": content}
				}
				return nil
			}
			// Warm both paths (connections, handler, Azurite caches)
			// outside the measurement.
			measure(b, baseSessions, tool, args, 2*conc)
			measure(b, devhostSessions, tool, args, 2*conc)
			measure(b, selfSessions, tool, args, 2*conc)

			baseline := measure(b, baseSessions, tool, args, b.N)
			self := measure(b, selfSessions, tool, args, b.N)
			b.ResetTimer()
			b.StartTimer()
			got := measure(b, devhostSessions, tool, args, b.N)
			b.StopTimer()

			b.ReportMetric(ms(got.p50), "p50-ms")
			b.ReportMetric(ms(got.p99), "p99-ms")
			b.ReportMetric(got.rate, "calls/s")
			b.ReportMetric(ms(baseline.p50), "base-p50-ms")
			b.ReportMetric(baseline.rate, "base-calls/s")
			b.ReportMetric(float64(got.p50)/float64(baseline.p50), "p50-ratio")
			b.ReportMetric(got.rate/baseline.rate, "calls/s-ratio")
			b.ReportMetric(ms(self.p50), "self-p50-ms")
			b.ReportMetric(ms(self.p99), "self-p99-ms")
			b.ReportMetric(self.rate, "self-calls/s")
			b.ReportMetric(float64(self.p50)/float64(baseline.p50), "self-p50-ratio")
			b.ReportMetric(self.rate/baseline.rate, "self-calls/s-ratio")
		})
	}
}

// BenchmarkSelf measures the self hosting's own cost against the
// baseline, each pair alike: "in-process" sets its server (package
// selfhost, as the handler builds it) beside the baseline in this process;
// "process" runs the handler binary beside the baseline's own binary, each
// a process serving loopback, as the hostings run. Either way neither has
// a boundary, a hop or a log pipe the other lacks. Beside hello and
// typical snippets it gets and saves snippets at the 1 MiB limit, source
// code and plain ASCII. It reports p50-ms and calls/s for the self
// hosting, base-p50-ms and base-calls/s, and p50-ratio and calls/s-ratio
// (self / baseline).
func BenchmarkSelf(b *testing.B) {
	az := testenv.SharedAzurite(b)
	lookup := func(k string) (string, bool) {
		if k == funcapp.StorageSetting {
			return az.ConnectionString(), true
		}
		return "", false
	}
	accounts := blobstore.NewAccounts(lookup, nil)
	cfg, err := catalog.ConfigFromEnv(func(k string) string { v, _ := lookup(k); return v }, accounts)
	if err != nil {
		b.Fatal(err)
	}
	// The handler logs a line per snippet call to its stderr; here to
	// nowhere, as the baseline logs nothing.
	srv, err := selfhost.FromEnv(catalog.Functions(cfg), catalog.Server, slog.New(slog.NewTextHandler(io.Discard, nil)), lookup, accounts, false)
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	b.Cleanup(ts.Close)
	pairs := []struct{ name, self, base string }{
		{"in-process", ts.URL + selfhost.Path, startBaseline(b, az)},
		{"process", testenv.StartSelfhost(b, testenv.SelfhostOptions{Storage: az.ConnectionString()}).URL, testenv.StartBaseline(b, az.ConnectionString())},
	}

	const getName = "bench-get-self"
	az.PutBlob(b, container, blobName(getName), []byte("def bench():\n    return 1\n"))
	// Snippets at the 1 MiB limit: source code, which JSON escapes all
	// over, and plain ASCII text, which it does not.
	large := map[string]string{"": "x = 1\n"}
	for _, kind := range []string{"src", "ascii"} {
		large["-1MiB-"+kind] = largeSnippet(b, kind)
		az.PutBlob(b, container, blobName(getName+"-1MiB-"+kind), []byte(large["-1MiB-"+kind]))
	}
	cases := []struct {
		tool, size string
		conc       int
	}{
		{"hello", "", 1}, {"hello", "", 32},
		{"getsnippet", "", 1}, {"getsnippet", "", 32},
		{"savesnippet", "", 1}, {"savesnippet", "", 32},
		{"getsnippet", "-1MiB-src", 1}, {"savesnippet", "-1MiB-src", 1},
		{"getsnippet", "-1MiB-ascii", 1}, {"savesnippet", "-1MiB-ascii", 1},
	}
	for _, pair := range pairs {
		for _, tc := range cases {
			tool, conc := tc.tool, tc.conc
			b.Run(fmt.Sprintf("%s/%s%s/c%d", pair.name, tool, tc.size, conc), func(b *testing.B) {
				b.StopTimer()
				args := func(worker int) map[string]any {
					switch tool {
					case "getsnippet":
						return map[string]any{"snippetname": getName + tc.size}
					case "savesnippet":
						return map[string]any{"snippetname": fmt.Sprintf("bench-self-%02d", worker), "snippet": large[tc.size]}
					}
					return nil
				}
				selfSessions := sessions(b, pair.self, conc)
				baseSessions := sessions(b, pair.base, conc)
				measure(b, baseSessions, tool, args, 2*conc)
				measure(b, selfSessions, tool, args, 2*conc)
				baseline := measure(b, baseSessions, tool, args, b.N)
				b.ResetTimer()
				b.StartTimer()
				got := measure(b, selfSessions, tool, args, b.N)
				b.StopTimer()
				b.ReportMetric(ms(got.p50), "p50-ms")
				b.ReportMetric(got.rate, "calls/s")
				b.ReportMetric(ms(baseline.p50), "base-p50-ms")
				b.ReportMetric(baseline.rate, "base-calls/s")
				b.ReportMetric(float64(got.p50)/float64(baseline.p50), "p50-ratio")
				b.ReportMetric(got.rate/baseline.rate, "calls/s-ratio")
			})
		}
	}
}

// largeSnippet is a snippet at the app's 1 MiB limit (snippet.DefaultMaxBytes):
// "src" is this repository's own Go source, "ascii" a sentence repeated.
func largeSnippet(b *testing.B, kind string) string {
	b.Helper()
	var text strings.Builder
	switch kind {
	case "src":
		root, err := testenv.RepoRoot()
		if err != nil {
			b.Fatal(err)
		}
		files, err := filepath.Glob(filepath.Join(root, "internal", "*", "*.go"))
		if err != nil || len(files) == 0 {
			b.Fatalf("no Go source under %s: %v", root, err)
		}
		for text.Len() < snippet.DefaultMaxBytes {
			for _, f := range files {
				data, err := os.ReadFile(f)
				if err != nil {
					b.Fatal(err)
				}
				text.Write(data)
			}
		}
	case "ascii":
		for text.Len() < snippet.DefaultMaxBytes {
			text.WriteString("The quick brown fox jumps over the lazy dog, 0123456789 times. ")
		}
	}
	s := text.String()[:snippet.DefaultMaxBytes]
	for !utf8.ValidString(s) { // not ending inside a character
		s = s[:len(s)-1]
	}
	return s
}

type stats struct {
	p50, p99 time.Duration
	rate     float64 // calls per second over the whole run
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// measure makes n calls of tool spread over the sessions (one worker per
// session) and returns the latency percentiles and throughput. Any failed
// call fails the benchmark.
func measure(b *testing.B, ss []*mcp.ClientSession, tool string, args func(worker int) map[string]any, n int) stats {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	lat := make([]time.Duration, n)
	var next atomic.Int64
	var failed atomic.Pointer[error]
	var wg sync.WaitGroup
	start := time.Now()
	for w, s := range ss {
		a := args(w)
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(n) || failed.Load() != nil {
					return
				}
				t0 := time.Now()
				res, err := s.CallTool(ctx, &mcp.CallToolParams{Name: tool, Arguments: a})
				lat[i] = time.Since(t0)
				if err == nil && res.IsError {
					err = errors.New(text(res))
				}
				if err != nil {
					err = fmt.Errorf("%s: %w", tool, err)
					failed.CompareAndSwap(nil, &err)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err := failed.Load(); err != nil {
		b.Fatal(*err)
	}
	slices.Sort(lat)
	return stats{
		p50:  lat[n/2],
		p99:  lat[min(n-1, n*99/100)],
		rate: float64(n) / elapsed.Seconds(),
	}
}

// sessions opens n Streamable HTTP sessions to url at protocol 2025-06-18
// over one HTTP client whose pool holds a connection per session.
func sessions(b *testing.B, url string, n int) []*mcp.ClientSession {
	b.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 2 * n
	client := &http.Client{Transport: tr}
	out := make([]*mcp.ClientSession, n)
	for i := range out {
		out[i] = connect(b, atVersion{&mcp.StreamableClientTransport{Endpoint: url, HTTPClient: client, DisableStandaloneSSE: true}, "2025-06-18"})
	}
	b.Cleanup(tr.CloseIdleConnections)
	return out
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
