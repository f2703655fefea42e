package selfhost

import (
	"encoding/json"
	"strings"
	"testing"

	"remote-mcp-functions-go/internal/invoke"
	"remote-mcp-functions-go/internal/mcpext"
	"remote-mcp-functions-go/internal/rpcmsg"
)

// inboundCall is a 1 MiB savesnippet tools/call: source code with some
// non-ASCII text.
var inboundCall = func() []byte {
	s := strings.Repeat("print(\"hello\")\n\tx = 1 # ünïcode\n", 1<<20/32)
	b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": map[string]any{"name": "savesnippet", "arguments": map[string]any{"snippetname": "a", "snippet": s}}})
	return b
}()

// BenchmarkInbound1MiB: what the self hosting reads of a 1 MiB tools/call
// before the tool decodes its arguments: the front's pass, the bypass, the
// required arguments and the path arguments.
func BenchmarkInbound1MiB(b *testing.B) {
	b.SetBytes(int64(len(inboundCall)))
	for b.Loop() {
		body := inboundCall
		ms, err := rpcmsg.Peek(body, invoke.MaxDepth)
		if err != nil {
			b.Fatal(err)
		}
		body, _ = mcpext.NullPromptArguments(body, ms)
		_, args, ok := takeArguments(body, ms)
		if !ok {
			b.Fatal("not taken")
		}
		args, err = mcpext.Arguments(args)
		if err != nil {
			b.Fatal(err)
		}
		missing, paths := mcpext.Prepare(args, []string{"snippetname", "snippet"}, []string{"snippetname"})
		if len(missing) != 0 || paths["snippetname"] != "a" {
			b.Fatal(missing, paths)
		}
	}
}
