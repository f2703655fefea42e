package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

const (
	loadClients = 32
	loadPairs   = 100
)

// TestConcurrentClients runs 32 clients against each hosting, each putting
// and reading back 100 items of its own: no call may fail, every read
// must return what that client wrote, and Azurite must hold exactly those
// blobs afterwards. Each hosting has an Azurite of its own: 3200 more
// blobs would slow every listing the other tests make.
func TestConcurrentClients(t *testing.T) {
	forEachHosting(t, concurrentClients)
}

func concurrentClients(t *testing.T, h hostingCase) {
	az := testenv.StartAzurite(t)
	srv := h.start(t, serverOptions{Storage: az.ConnectionString()})
	trs := transportsOf(srv)

	ctx, cancel := context.WithTimeout(t.Context(), 10*callLimit)
	defer cancel()
	sessions := make([]*mcp.ClientSession, loadClients)
	for i := range sessions {
		sessions[i] = connect(t, trs[i%len(trs)].dial(srv, nil))
	}

	name := func(c, i int) string { return fmt.Sprintf("load-%02d-%03d", c, i) }
	value := func(c, i int) string {
		// Different lengths and characters per call, so a mix-up shows.
		return fmt.Sprintf("client %d call %d %s\n{\"n\":%d}", c, i, strings.Repeat("é", (c*loadPairs+i)%97), i)
	}

	// Every call is counted and every failure kept; the first few are
	// shown.
	var (
		mu       sync.Mutex
		calls    int
		failures []string
	)
	record := func(failure string) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if failure != "" {
			failures = append(failures, failure)
		}
	}
	var wg sync.WaitGroup
	for c, s := range sessions {
		wg.Go(func() {
			for i := range loadPairs {
				n, want := name(c, i), value(c, i)
				res, err := s.CallTool(ctx, &mcp.CallToolParams{Name: "put", Arguments: putArgs(n, want)})
				switch {
				case err != nil:
					record(fmt.Sprintf("put %s: %v", n, err))
				case res.IsError:
					record(fmt.Sprintf("put %s: %s", n, text(res)))
				default:
					record("")
				}

				res, err = s.CallTool(ctx, &mcp.CallToolParams{Name: "get", Arguments: map[string]any{"key": n}})
				switch {
				case err != nil:
					record(fmt.Sprintf("get %s: %v", n, err))
				case res.IsError:
					record(fmt.Sprintf("get %s: %s", n, text(res)))
				case text(res) != want:
					record(fmt.Sprintf("get %s: got %q, want %q", n, text(res), want))
				default:
					record("")
				}
			}
		})
	}
	wg.Wait()
	require.Equal(t, 2*loadClients*loadPairs, calls)
	require.Empty(t, failures[:min(len(failures), 10)], "%d of %d calls failed", len(failures), calls)

	stored := az.Blobs(t, container, "")
	assert.Len(t, stored, loadClients*loadPairs, "one blob per item, nothing else")
	for c := range loadClients {
		for i := range loadPairs {
			got, ok := stored[blobName(name(c, i))]
			if !assert.True(t, ok, "blob for %s missing", name(c, i)) {
				continue
			}
			assert.Equal(t, value(c, i), string(got))
		}
	}
}
