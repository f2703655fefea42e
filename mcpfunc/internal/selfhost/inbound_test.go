package selfhost

import (
	"testing"

	"remote-mcp-functions-go/mcpfunc/internal/invoke"
	"remote-mcp-functions-go/mcpfunc/internal/mcpext"
	"remote-mcp-functions-go/mcpfunc/internal/rpcmsg"
)

// BenchmarkInbound1MiB: what the self hosting reads of a 1 MiB tools/call
// before the tool decodes its arguments: the front's pass, the bypass, the
// required arguments and the path arguments.
func BenchmarkInbound1MiB(b *testing.B) {
	call := []byte(toolsCall(1, `{"name":"put","arguments":{"key":"a","value":`+jsonString(b, trickyText(1<<20))+`}}`))
	b.SetBytes(int64(len(call)))
	for b.Loop() {
		body := call
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
		missing, paths := mcpext.Prepare(args, []string{"key", "value"}, []string{"key"})
		if len(missing) != 0 || paths["key"] != "a" {
			b.Fatal(missing, paths)
		}
	}
}
