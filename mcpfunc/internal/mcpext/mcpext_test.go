package mcpext

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"

	"remote-mcp-functions-go/mcpfunc/internal/invoke"
	"remote-mcp-functions-go/mcpfunc/internal/rpcmsg"
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
	// One read gives the missing ones and the path text: the host's
	// JsonElement.ToString of each named argument, the last of a name.
	missing, paths := Prepare(json.RawMessage(`{"a":"x\u00e9","n":1.50,"t":true,"z":null,"o":{"k":[1]},"a":"y","big":"unread"}`),
		[]string{"a", "z", "q"}, []string{"a", "n", "t", "z", "o", "absent"})
	if !reflect.DeepEqual(missing, []string{"z", "q"}) {
		t.Errorf("missing = %v", missing)
	}
	if want := map[string]string{"a": "y", "n": "1.50", "t": "True", "z": "", "o": `{"k":[1]}`}; !reflect.DeepEqual(paths, want) {
		t.Errorf("paths = %v, want %v", paths, want)
	}
	if missing, paths := Prepare(nil, []string{"a"}, []string{"a"}); paths != nil || !reflect.DeepEqual(missing, []string{"a"}) {
		t.Errorf("no arguments: %v, %v", missing, paths)
	}
	if err := MissingToolArguments([]string{"b", "d"}); err.Error() != "One or more required tool properties are missing values. Please provide: b, d" {
		t.Fatalf("message: %v", err)
	}
}

// A prompts/get's null arguments are left out, as the extension counts
// them missing; a name's last value decides, as in go-sdk's decoder;
// nothing else is changed.
func TestNullPromptArguments(t *testing.T) {
	for _, tt := range []struct {
		body string
		want []map[string]any // each message's arguments, as a decoder reads them; nil: unchanged
	}{
		{`{"jsonrpc":"2.0","id":1,"method":"prompts/get","params":{"name":"p","arguments":{"a":null,"b":"x"}}}`,
			[]map[string]any{{"b": "x"}}},
		{`{"id":1,"method":"prompts/get","params":{"arguments":{"a":"x","a":null,"b":"<y>\u2028","c":null}}}`,
			[]map[string]any{{"b": "<y>\u2028"}}},
		{`{"id":1,"method":"prompts/get","params":{"arguments":{"a":null,"a":"x"}}}`, nil}, // the last is not null
		{`{"id":1,"method":"prompts/get","params":{"arguments":{"\u0061":null,"é\"":null}}}`,
			[]map[string]any{{}}},
		{`[{"id":1,"method":"prompts/get","params":{"arguments":{"a":null}}},{"id":2,"method":"tools/call","params":{"arguments":{"a":null}}},{"id":3,"method":"prompts/get","params":{"arguments":{"b":"y","c":null}}}]`,
			[]map[string]any{{}, {"a": nil}, {"b": "y"}}},
		{`{"id":1,"method":"prompts/get","params":{"arguments":{"a":"x"}}}`, nil},
		{`{"id":1,"method":"tools/call","params":{"arguments":{"a":null}}}`, nil},
		{`{"id":1,"method":"prompts/get","params":{"arguments":null}}`, nil},
	} {
		ms, err := rpcmsg.Peek([]byte(tt.body), invoke.MaxDepth)
		if err != nil {
			t.Fatalf("%s: %v", tt.body, err)
		}
		out, changed := NullPromptArguments([]byte(tt.body), ms)
		if tt.want == nil {
			if changed || string(out) != tt.body {
				t.Errorf("%s: changed to %s", tt.body, out)
			}
			continue
		}
		if !changed {
			t.Errorf("%s: not changed", tt.body)
		}
		var msgs []struct {
			Params struct {
				Arguments map[string]any `json:"arguments"`
			} `json:"params"`
		}
		if ms.Batch {
			err = json.Unmarshal(out, &msgs)
		} else {
			msgs = make([]struct {
				Params struct {
					Arguments map[string]any `json:"arguments"`
				} `json:"params"`
			}, 1)
			err = json.Unmarshal(out, &msgs[0])
		}
		if err != nil || len(msgs) != len(tt.want) {
			t.Fatalf("%s: %s: %v", tt.body, out, err)
		}
		for i, w := range tt.want {
			if !reflect.DeepEqual(w, msgs[i].Params.Arguments) {
				t.Errorf("%s: message %d's arguments are %v, want %v", tt.body, i, msgs[i].Params.Arguments, w)
			}
		}
	}
}
