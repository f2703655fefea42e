package e2e

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/graceful"
	"remote-mcp-functions-go/mcpfunc/internal/hosting"
	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// TestContentBoundary sends values around the fixture's limit (1 MiB)
// through each hosting, in the characters the host's encodings blow up
// most: whatever the value, the client gets a message of the tool's or the
// library's, never the host's generic error, and nothing is written. The
// library sizes what the handler reads of a call from the app's
// MaxContentBytes, so a value within it always reaches the tool, whatever
// its encoding; in the trigger hosting a value far over it is past what
// the handler reads of the host's payload and gets the library's own
// "too large" message; self-hosted, with no such payload, the tool's.
func TestContentBoundary(t *testing.T) {
	az := testenv.SharedAzurite(t)
	forEachHosting(t, func(t *testing.T, h hostingCase) { contentBoundary(t, h, az) })
}

func contentBoundary(t *testing.T, h hostingCase, az *testenv.Azurite) {
	dh := h.start(t, serverOptions{Storage: az.ConnectionString()})
	s := connect(t, transports[0].dial(dh, nil))
	const limit = fixtureLimit
	// The library's message for a call too large to read (mcpfunc.App's
	// MaxContentBytes).
	const callTooLarge = "The call is too large: this server takes arguments and blobs of up to 1048576 bytes."
	tooLarge := func(key string, n int) string {
		return fmt.Sprintf("Item '%s' is too large: %d bytes, the limit is %d.", key, n, limit)
	}
	farOver := func(key string, n int) string {
		if h.mode == hosting.Self {
			return tooLarge(key, n)
		}
		return callTooLarge
	}
	tests := []struct {
		name  string
		value string
		want  string // empty: stored
	}{
		{"at the limit, all control characters", strings.Repeat("\x01", limit), ""},
		{"at the limit, all backslashes", strings.Repeat(`\`, limit), ""},
		{"one byte over, control characters", strings.Repeat("\x01", limit+1), tooLarge("boundary-2", limit+1)},
		{"over the limit, plain text", strings.Repeat("x", 2*limit), tooLarge("boundary-3", 2*limit)},
		// Sizes past what the handler reads in the host's encoding.
		{"1,677,672 control characters", strings.Repeat("\x01", 1_677_672), farOver("boundary-4", 1_677_672)},
		{"2,516,507 backslashes", strings.Repeat(`\`, 2_516_507), farOver("boundary-5", 2_516_507)},
		{"12.6 M plain characters", strings.Repeat("x", 12_600_000), farOver("boundary-6", 12_600_000)},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := fmt.Sprintf("boundary-%d", i)
			before := az.Listing(t)
			res := call(t, s, "put", putArgs(key, tt.value))
			if tt.want == "" {
				requireText(t, res, putText(key))
				blob, ok := az.Blob(t, container, blobName(key))
				require.True(t, ok)
				assert.Equal(t, tt.value, string(blob))
				requireText(t, call(t, s, "get", map[string]any{"key": key}), tt.value)
				return
			}
			requireToolError(t, res, tt.want)
			assert.Equal(t, before, az.Listing(t), "nothing is written")
		})
	}

	t.Run("a number too large for a double", func(t *testing.T) {
		before := az.Listing(t)
		args := map[string]any{"key": "boundary-num-" + h.name, "value": json.RawMessage(`1e400`)}
		at := s
		if h.mode == hosting.Self {
			// Protocol 2026-07-28 mirrors the tool's name into a header,
			// which go-sdk 1.8.0 reads by decoding the whole params:
			// arguments holding a number beyond float64 fail that, and its
			// transport refuses the request (400) before any tool runs.
			// At 2025-06-18 the call reaches the tool.
			_, err := tryCall(s, "put", args)
			require.ErrorContains(t, err, "Mcp-Name")
			at = connect(t, transports[2].dial(dh, nil))
		}
		requireToolError(t, call(t, at, "put", args), "Argument 'value' must be a string, not a number.")
		assert.Equal(t, before, az.Listing(t))
	})
	t.Run("a key of a megabyte", func(t *testing.T) {
		res := call(t, s, "get", map[string]any{"key": strings.Repeat("k", 1<<20)})
		// The host's blob binding refuses a blob name over 1024 characters
		// before the handler is called: its generic error, on Azure too.
		requireToolError(t, res, "An error occurred invoking 'get'.")
		require.Eventually(t, func() bool { return strings.Contains(dh.Output(), "storage allows 1024") }, time.Minute, 10*time.Millisecond,
			"the server says why")
		for _, line := range strings.Split(dh.Output(), "\n") {
			require.Less(t, len(line), 2000, "the server logs a short line for it")
		}
	})
}

// TestStorageHang points each hosting at storage that accepts connections
// and never answers: a call that reads a blob fails with the generic error
// once the storage budget is spent, with the cause in the server's log,
// and hello is answered meanwhile.
func TestStorageHang(t *testing.T) {
	t.Parallel()
	forEachHosting(t, storageHang)
}

func storageHang(t *testing.T, h hostingCase) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	conn := "DefaultEndpointsProtocol=http;AccountName=" + testenv.DevAccount + ";AccountKey=" + testenv.DevKey +
		";BlobEndpoint=http://" + ln.Addr().String() + "/" + testenv.DevAccount + ";"
	dh := h.start(t, serverOptions{Storage: conn})
	s := connect(t, transports[0].dial(dh, nil))

	got := make(chan *mcp.CallToolResult, 1)
	go func() {
		res, err := tryCall(s, "get", map[string]any{"key": "hang"})
		if err != nil {
			res = &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: err.Error()}}}
		}
		got <- res
	}()
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(conns) > 0
	}, time.Minute, 10*time.Millisecond, "the server reaches storage")
	requireText(t, call(t, s, "hello", nil), helloText)
	select {
	case <-got:
		t.Fatal("hello came back after the call that reads storage: it had to wait for storage")
	default:
	}
	select {
	case res := <-got:
		requireToolError(t, res, "An error occurred invoking 'get'.")
	case <-time.After(callLimit):
		t.Fatalf("get did not come back within %v", callLimit)
	}
	// The log comes through a pipe, a moment after the answer. devhost
	// keeps blobstore's default budget; the handler's fits its shutdown
	// grace.
	budget := "20s"
	if h.mode == hosting.Self {
		budget = graceful.StorageBudget.String()
	}
	require.Eventually(t, func() bool { return strings.Contains(dh.Output(), "storage did not answer within "+budget) },
		10*time.Second, 10*time.Millisecond, "the server says why")
}
