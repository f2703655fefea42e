package devhost

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/internal/invoke"
)

func TestPathTemplate(t *testing.T) {
	sys := invoke.SysData{MethodName: "getsnippet", UtcNow: "2026-01-02T03:04:05.0000000Z", RandGuid: "0f8fad5b-d9cb-469f-a165-70867728950e"}
	args := map[string]string{"snippetname": "a1", "Dir": "x"}
	tests := []struct {
		name, path string
		args       map[string]string
		want       string
		wantErr    string
	}{
		{name: "literal only", path: "snippets/fixed.json", args: args, want: "snippets/fixed.json"},
		{name: "argument", path: "snippets/{mcptoolargs.snippetname}.json", args: args, want: "snippets/a1.json"},
		{name: "names are case-insensitive", path: "{MCPToolArgs.SnippetName}/{mcptoolargs.dir}", args: args, want: "a1/x"},
		{name: "sys members", path: "logs/{sys.MethodName}/{sys.randguid}-{sys.UtcNow}", args: nil,
			want: "logs/getsnippet/0f8fad5b-d9cb-469f-a165-70867728950e-2026-01-02T03:04:05.0000000Z"},
		{name: "argument missing", path: "snippets/{mcptoolargs.other}.json", args: args, wantErr: `no argument "other"`},
		{name: "no arguments at all", path: "snippets/{mcptoolargs.snippetname}.json", args: nil, wantErr: `no argument "snippetname"`},
		{name: "empty argument resolves to empty", path: "s/{mcptoolargs.snippetname}.json", args: map[string]string{"snippetname": ""}, want: "s/.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePath(tt.path)
			require.NoError(t, err)
			assert.Equal(t, tt.path, p.String())
			got, err := p.Resolve(tt.args, sys)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParsePathErrors(t *testing.T) {
	for _, path := range []string{
		"snippets/{mcptoolargs.snippetname.json", // unclosed
		"snippets/{snippetname}.json",            // no source
		"snippets/{mcptoolargs.}.json",           // no field
		"snippets/{sys.Now}.json",                // unknown sys member
		"snippets/{rand-guid}.json",              // not bound for MCP tools
		"snippets/{query.x}.json",                // HTTP-trigger binding data
	} {
		t.Run(path, func(t *testing.T) {
			_, err := ParsePath(path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), path)
		})
	}
}
