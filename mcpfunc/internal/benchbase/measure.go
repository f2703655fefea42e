package benchbase

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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
)

// Stats are one measured run of calls.
type Stats struct {
	P50, P99 time.Duration
	Rate     float64 // calls per second over the whole run
}

// Ms is d in milliseconds, for b.ReportMetric.
func Ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// measureLimit bounds one measured run, so that a hang fails the
// benchmark; it is not a speed assertion.
const measureLimit = 10 * time.Minute

// Measure makes n calls of tool spread over the sessions (one worker per
// session, its arguments args(worker)) and returns the latency percentiles
// and throughput. Any failed call fails the benchmark.
func Measure(tb testing.TB, ss []*mcp.ClientSession, tool string, args func(worker int) map[string]any, n int) Stats {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), measureLimit)
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
		tb.Fatal(*err)
	}
	slices.Sort(lat)
	return Stats{
		P50:  lat[n/2],
		P99:  lat[min(n-1, n*99/100)],
		Rate: float64(n) / elapsed.Seconds(),
	}
}

func text(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// Sessions opens n Streamable HTTP sessions to url at protocol 2025-06-18
// (the newest devhost negotiates, so every server does the same MCP work)
// over one HTTP client whose pool holds a connection per session; they
// close when the benchmark ends.
func Sessions(tb testing.TB, url string, n int) []*mcp.ClientSession {
	tb.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 2 * n
	client := mcp.NewClient(&mcp.Implementation{Name: "bench", Version: "1.0.0"}, nil)
	out := make([]*mcp.ClientSession, n)
	for i := range out {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		s, err := client.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: url, HTTPClient: &http.Client{Transport: tr}, DisableStandaloneSSE: true},
			&mcp.ClientSessionOptions{ProtocolVersion: "2025-06-18"})
		cancel()
		if err != nil {
			tb.Fatalf("connect to %s: %v", url, err)
		}
		tb.Cleanup(func() { _ = s.Close() })
		out[i] = s
	}
	tb.Cleanup(tr.CloseIdleConnections)
	return out
}

// LargeValue is a value of exactly maxBytes bytes or just under (never
// ending inside a character): kind "src" is Go source from the module at
// root (quotes, backslashes, newlines and tabs, which JSON escapes all
// over), "ascii" a sentence repeated (which it does not).
func LargeValue(tb testing.TB, root, kind string, maxBytes int) string {
	tb.Helper()
	var text strings.Builder
	switch kind {
	case "src":
		files, err := filepath.Glob(filepath.Join(root, "mcpfunc", "internal", "*", "*.go"))
		if err != nil || len(files) == 0 {
			tb.Fatalf("no Go source under %s: %v", root, err)
		}
		for text.Len() < maxBytes {
			for _, f := range files {
				data, err := os.ReadFile(f)
				if err != nil {
					tb.Fatal(err)
				}
				text.Write(data)
			}
		}
	case "ascii":
		for text.Len() < maxBytes {
			text.WriteString("The quick brown fox jumps over the lazy dog, 0123456789 times. ")
		}
	default:
		tb.Fatalf("LargeValue: kind %q: want src or ascii", kind)
	}
	s := text.String()[:maxBytes]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
