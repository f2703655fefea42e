package invoke

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeResponse(t *testing.T) {
	const jsonCT = "application/json; charset=utf-8"
	tests := []struct {
		name    string
		status  int
		ct      string
		body    string
		outputs map[string][]byte
		fails   bool
	}{
		{name: "base64 output is decoded", status: 200, ct: jsonCT, body: `{"Outputs":{"file":"dGVzdA=="}}`, outputs: map[string][]byte{"file": []byte("test")}},
		{name: "base64-looking text is decoded too (why handlers send base64)", status: 200, ct: jsonCT, body: `{"Outputs":{"file":"test"}}`, outputs: map[string][]byte{"file": {0xb5, 0xeb, 0x2d}}},
		{name: "other text is written as is", status: 200, ct: jsonCT, body: `{"Outputs":{"file":"print(1)"}}`, outputs: map[string][]byte{"file": []byte("print(1)")}},
		{name: "object as compact JSON", status: 200, ct: jsonCT, body: `{"Outputs":{"file":{"a": 1}}}`, outputs: map[string][]byte{"file": []byte(`{"a":1}`)}},
		{name: "binding names match case-insensitively", status: 200, ct: jsonCT, body: `{"Outputs":{"File":"dGVzdA=="}}`, outputs: map[string][]byte{"file": []byte("test")}},
		{name: "null and undeclared outputs are skipped", status: 200, ct: jsonCT, body: `{"Outputs":{"file":null,"other":"eA=="}}`, outputs: map[string][]byte{}},
		{name: "non-2xx fails", status: 500, ct: jsonCT, body: `{}`, fails: true},
		{name: "empty body fails", status: 200, ct: jsonCT, body: ``, fails: true},
		{name: "no JSON content type fails", status: 200, ct: "", body: `{}`, fails: true},
		{name: "bad JSON fails", status: 200, ct: jsonCT, body: `{"Outputs":`, fails: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := DecodeResponse(tt.status, tt.ct, []byte(tt.body), []string{"file"})
			if tt.fails {
				require.ErrorIs(t, err, ErrInvocationFailed)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.outputs, res.Outputs)
		})
	}
}
