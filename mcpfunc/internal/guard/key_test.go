package guard

import (
	"net/http/httptest"
	"net/url"
	"testing"
)

func TestKeyCheck(t *testing.T) {
	const key = "k3y+/with=Specials"
	k := NewKey(key)
	if !k.On() || NewKey("").On() {
		t.Fatal("On: a key is required exactly when one is set")
	}
	tests := []struct {
		name, header, code string
		ok                 bool
		reason             string
	}{
		{"header", key, "", true, ""},
		{"code", "", key, true, ""},
		{"right code, wrong header", "nope", key, true, ""},
		{"right header, wrong code", key, "nope", true, ""},
		{"none", "", "", false, ReasonNoKey},
		{"wrong header", "nope", "", false, ReasonWrongHeader},
		{"wrong code", "", "nope", false, ReasonWrongCode},
		{"both wrong", "nope", "nope", false, ReasonWrongHeaderAnd},
		{"a prefix of the key", key[:3], "", false, ReasonWrongHeader},
		{"the key and more", key + "x", "", false, ReasonWrongHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := "/mcp"
			if tt.code != "" {
				target += "?" + KeyQuery + "=" + url.QueryEscape(tt.code)
			}
			r := httptest.NewRequest("POST", target, nil)
			if tt.header != "" {
				r.Header.Set(KeyHeader, tt.header)
			}
			ok, reason := k.Check(r)
			if ok != tt.ok || reason != tt.reason {
				t.Fatalf("Check = %v, %q; want %v, %q", ok, reason, tt.ok, tt.reason)
			}
			if ok, _ := NewKey("").Check(r); !ok {
				t.Fatal("no key set: everything passes")
			}
		})
	}
}
