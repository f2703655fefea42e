package guard

import (
	"net/http/httptest"
	"net/url"
	"testing"
)

// The expectations follow the host: the key is the x-functions-key
// header's when the request has that header, even an empty or wrong one,
// else the code query parameter's, its name matched in any case
// (AuthenticationLevelHandler.GetAuthorizationKeyInfoAsync in
// src/WebJobs.Script.WebHost/Security/Authentication/Keys/AuthenticationLevelHandler.cs,
// Azure/azure-functions-host @826c0b52: "header takes precedence";
// ASP.NET Core's query collection is case-insensitive).
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
		{"right code, wrong header", "nope", key, false, ReasonWrongHeaderAnd},
		{"right code, empty header", "", key, false, ReasonEmptyHeader},
		{"right header, wrong code", key, "nope", true, ""},
		{"right code named CODE", "-", key, true, ""},
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
			name := KeyQuery
			if tt.header == "-" { // no header, the parameter's name in capitals
				name = "CODE"
			}
			if tt.code != "" {
				target += "?x=1&" + name + "=" + url.QueryEscape(tt.code)
			}
			r := httptest.NewRequest("POST", target, nil)
			switch {
			case tt.header == "" && tt.name == "right code, empty header":
				r.Header.Set(KeyHeader, "") // sent, empty
			case tt.header != "" && tt.header != "-":
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
