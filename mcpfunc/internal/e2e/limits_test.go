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

	"remote-mcp-functions-go/mcpfunc/internal/catalog"
	"remote-mcp-functions-go/mcpfunc/internal/graceful"
	"remote-mcp-functions-go/mcpfunc/internal/hosting"
	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// TestContentBoundary sends content around the snippet limit through each
// hosting, in the characters the host's encodings blow up most: whatever
// the content, the client gets the tool's own message, never the host's
// generic error, and nothing is written. In the trigger hosting content far
// over the limit gets the handler's TooLarge message (it is past what the
// handler reads of the host's payload); self-hosted, with no such payload,
// the exact size.
func TestContentBoundary(t *testing.T) {
	az := testenv.SharedAzurite(t)
	forEachHosting(t, func(t *testing.T, h hostingCase) { contentBoundary(t, h, az) })
}

func contentBoundary(t *testing.T, h hostingCase, az *testenv.Azurite) {
	dh := h.start(t, serverOptions{Storage: az.ConnectionString()})
	s := connect(t, transports[0].dial(dh, nil))
	// The sample's limit (docs/sample.md#rules: 1 MiB of content, 128-character names), and the
	// message savesnippet gives for a body too large to read.
	const limit = 1 << 20
	const saveTooLarge = "The snippet is too large: content is limited to 1048576 bytes and names to 128 characters."
	// How much content of each kind reaches the tool at all: the
	// handler's body limit over the host's worst expansion of it.
	cap := catalog.Config{}.MaxBodyBytes()
	tooLarge := func(name string, n int) string {
		return fmt.Sprintf("Snippet '%s' is too large: %d bytes, the limit is %d bytes.", name, n, limit)
	}
	farOver := func(name string, n int) string {
		if h.mode == hosting.Self {
			return tooLarge(name, n)
		}
		return saveTooLarge
	}
	tests := []struct {
		name    string
		content string
		want    string // empty: saved
	}{
		{"at the limit, all control characters", strings.Repeat("\x01", limit), ""},
		{"one byte over, control characters", strings.Repeat("\x01", limit+1), tooLarge("boundary-1", limit+1)},
		{"over the limit, plain text", strings.Repeat("x", 2*limit), tooLarge("boundary-2", 2*limit)},
		// The sizes that used to overflow the handler's body cap.
		{"1,677,672 control characters", strings.Repeat("\x01", 1_677_672), farOver("boundary-3", 1_677_672)},
		{"2,516,507 backslashes", strings.Repeat(`\`, 2_516_507), farOver("boundary-4", 2_516_507)},
		{"12.6 M plain characters", strings.Repeat("x", 12_600_000), farOver("boundary-5", 12_600_000)},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := fmt.Sprintf("boundary-%d", i)
			before := az.Listing(t)
			res := call(t, s, "savesnippet", map[string]any{"snippetname": name, "snippet": tt.content})
			if tt.want == "" {
				requireText(t, res, fmt.Sprintf("Snippet '%s' saved successfully", name))
				blob, ok := az.Blob(t, container, blobName(name))
				require.True(t, ok)
				assert.Equal(t, tt.content, string(blob))
				return
			}
			requireToolError(t, res, tt.want)
			assert.Equal(t, before, az.Listing(t), "nothing is written")
		})
	}
	assert.Greater(t, cap, int64(30*limit), "the body limit fits the limit's worst case")

	t.Run("a number too large for a double", func(t *testing.T) {
		before := az.Listing(t)
		args := map[string]any{"snippetname": "boundary-num-" + h.name, "snippet": json.RawMessage(`1e400`)}
		at := s
		if h.mode == hosting.Self {
			// Protocol 2026-07-28 mirrors the tool's name into a header,
			// which go-sdk 1.8.0 reads by decoding the whole params:
			// arguments holding a number beyond float64 fail that, and its
			// transport refuses the request (400) before any tool runs.
			// At 2025-06-18 the call reaches the tool.
			_, err := tryCall(s, "savesnippet", args)
			require.ErrorContains(t, err, "Mcp-Name")
			at = connect(t, transports[2].dial(dh, nil))
		}
		requireToolError(t, call(t, at, "savesnippet", args), "Argument 'snippet' must be a string, not a number.")
		assert.Equal(t, before, az.Listing(t))
	})
	t.Run("a name of a megabyte", func(t *testing.T) {
		res := call(t, s, "getsnippet", map[string]any{"snippetname": strings.Repeat("n", 1<<20)})
		// The host's blob binding refuses a blob name over 1024 characters
		// before the handler is called: its generic error, on Azure too.
		requireToolError(t, res, "An error occurred invoking 'getsnippet'.")
		require.Eventually(t, func() bool { return strings.Contains(dh.Output(), "storage allows 1024") }, time.Minute, 10*time.Millisecond,
			"devhost says why")
		for _, line := range strings.Split(dh.Output(), "\n") {
			require.Less(t, len(line), 2000, "devhost logs a short line for it")
		}
	})
}

// TestStorageHang points each hosting at storage that accepts connections
// and never answers: a snippet call fails with the generic error once the
// storage budget is spent, with the cause in the server's log, and hello is
// answered meanwhile.
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
		res, err := tryCall(s, "getsnippet", map[string]any{"snippetname": "hang"})
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
	requireText(t, call(t, s, "hello", nil), "Hello I am MCPTool!")
	select {
	case <-got:
		t.Fatal("hello came back after the snippet call: it had to wait for storage")
	default:
	}
	requireToolError(t, <-got, "An error occurred invoking 'getsnippet'.")
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
