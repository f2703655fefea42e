package rpcmsg

import (
	"encoding/json"
	"strings"
	"testing"
)

// A 1 MiB tools/call: Peek against encoding/json reading the same
// members.
var bigCall = func() []byte {
	s := strings.Repeat("print(\"hello\")\n\tx = 1 # ünïcode\n", 1<<20/32)
	b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": map[string]any{"name": "put", "arguments": map[string]any{"key": "a", "value": s}}})
	return b
}()

func BenchmarkPeek1MiB(b *testing.B) {
	b.SetBytes(int64(len(bigCall)))
	for b.Loop() {
		if _, err := Peek(bigCall, 64); err != nil {
			b.Fatal("not read")
		}
	}
}

func BenchmarkEncodingJSON1MiB(b *testing.B) {
	b.SetBytes(int64(len(bigCall)))
	for b.Loop() {
		var m struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		if err := json.Unmarshal(bigCall, &m); err != nil {
			b.Fatal(err)
		}
	}
}
