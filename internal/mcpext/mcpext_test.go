package mcpext

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

func TestArgumentsAndMissing(t *testing.T) {
	for _, raw := range []string{"", "null", " null "} {
		args, err := Arguments(json.RawMessage(raw))
		if args != nil || err != nil {
			t.Errorf("Arguments(%q) = %v, %v; want none", raw, args, err)
		}
	}
	_, err := Arguments(json.RawMessage(`[1]`))
	var werr *jsonrpc.Error
	if !errors.As(err, &werr) || werr.Code != jsonrpc.CodeInvalidParams {
		t.Fatalf("an array: %v", err)
	}
	args, err := Arguments(json.RawMessage(`{"a":"x","b":null,"c":0}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := Missing([]string{"a", "b", "c", "d"}, args); len(got) != 2 || got[0] != "b" || got[1] != "d" {
		t.Fatalf("Missing = %v, want [b d]: null counts as missing, 0 does not", got)
	}
	if err := MissingToolArguments([]string{"b", "d"}); err.Error() != "One or more required tool properties are missing values. Please provide: b, d" {
		t.Fatalf("message: %v", err)
	}
}
