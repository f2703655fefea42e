package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/hostkeys"
)

const (
	extKey = "EXT-key-0b9f7d2c" // distinctive: looked for in every output
	defKey = "DEF-key-4e81aa65"
)

// azdEnv is what azd gives the hook: its own values and infra/main.bicep's
// outputs.
func azdEnv(serverURL string, extra ...string) func(string) string {
	m := map[string]string{
		"AZURE_SUBSCRIPTION_ID": "sub-1",
		"AZURE_RESOURCE_GROUP":  "rg-1",
		"AZURE_FUNCTION_NAME":   "func-api-1",
		"AZURE_TENANT_ID":       "tenant-1",
		"MCP_SERVER_URL":        serverURL,
	}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return func(k string) string { return m[k] }
}

type token struct{}

func (token) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "arm-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// toStandIn sends what is addressed to Resource Manager to a local server.
type toStandIn struct{ base *url.URL }

func (t toStandIn) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host != "management.azure.com" || r.URL.Scheme != "https" {
		return nil, fmt.Errorf("unexpected request to %s", r.URL)
	}
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host = t.base.Scheme, t.base.Host
	return http.DefaultTransport.RoundTrip(r)
}

// listKeys stands in for Resource Manager's WebApps_ListHostKeys on the
// app azdEnv names: the first answer lacks the extension's key, then the
// HostKeys have it.
func listKeys(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.Web/sites/func-api-1/host/default/listkeys" ||
			r.URL.Query().Get("api-version") == "" || r.Header.Get("Authorization") != "Bearer arm-token" {
			t.Errorf("unexpected %s %s", r.Method, r.URL)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		sys := `{}`
		if n.Add(1) > 1 {
			sys = `{"mcp_extension":"` + extKey + `"}`
		}
		fmt.Fprintf(w, `{"masterKey":"M","functionKeys":{"default":"%s"},"systemKeys":%s}`, defKey, sys)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

type verified struct{ url, key string }

func testDeps(t *testing.T, getenv func(string) string, status int) (deps, *bytes.Buffer, *[]verified) {
	srv, _ := listKeys(t)
	base, _ := url.Parse(srv.URL)
	out := &bytes.Buffer{}
	var calls []verified
	return deps{
		getenv:     getenv,
		out:        out,
		credential: func(string) (azcore.TokenCredential, error) { return token{}, nil },
		fetcher: func(f *hostkeys.Fetcher) {
			f.Client = &http.Client{Transport: toStandIn{base}}
			f.FirstWait = time.Millisecond
			f.Wake = func(context.Context) {}
		},
		verify: func(_ context.Context, u, key string) int {
			calls = append(calls, verified{u, key})
			return status
		},
	}, out, &calls
}

func TestTriggersVerifyWithTheExtensionKey(t *testing.T) {
	d, out, calls := testDeps(t, azdEnv("https://func-api-1.azurewebsites.net/runtime/webhooks/mcp"), 0)
	require.Equal(t, 0, run(context.Background(), d), out.String())
	require.Equal(t, []verified{{"https://func-api-1.azurewebsites.net/runtime/webhooks/mcp", extKey}}, *calls)
	assert.Contains(t, out.String(), "has not created its key systemKeys.mcp_extension yet")
	assert.NotContains(t, out.String(), extKey)
	assert.NotContains(t, out.String(), defKey)
}

func TestSelfVerifyWithTheDefaultKeyAndFails(t *testing.T) {
	d, out, calls := testDeps(t, azdEnv("https://func-api-1.azurewebsites.net/mcp", "MCP_HOSTING", "self"), 1)
	require.Equal(t, 1, run(context.Background(), d), "the verify's status")
	require.Equal(t, []verified{{"https://func-api-1.azurewebsites.net/mcp", defKey}}, *calls)
	assert.Contains(t, out.String(), "hosting self: fetching the key functionKeys.default of func-api-1")
	assert.Contains(t, out.String(), "that the host key default opens /mcp is not confirmed")
	assert.NotContains(t, out.String(), defKey)
}

func TestSkips(t *testing.T) {
	for _, env := range []func(string) string{
		azdEnv("https://x.azurewebsites.net/mcp", SkipSetting, "true"),
		azdEnv("https://x.azurewebsites.net/mcp", "AUTH_ENABLED", "true"),
		func(k string) string { return map[string]string{SkipSetting: "1"}[k] }, // not even provisioned
	} {
		d, out, calls := testDeps(t, env, 1)
		assert.Equal(t, 0, run(context.Background(), d))
		assert.Contains(t, out.String(), "postdeploy: skipped: ")
		assert.Empty(t, *calls)
	}
}

func TestRefusesWhatIsNotADeployment(t *testing.T) {
	tests := []struct {
		env    func(string) string
		status int
		want   string
	}{
		{func(string) string { return "" }, 2, "AZURE_SUBSCRIPTION_ID, AZURE_RESOURCE_GROUP, AZURE_FUNCTION_NAME, MCP_SERVER_URL not set"},
		{azdEnv("https://x.azurewebsites.net/api/other"), 2, "want a path of /mcp (self hosting) or /runtime/webhooks/mcp"},
		{azdEnv("https://x.azurewebsites.net/mcp", SkipSetting, "maybe"), 2, `MCP_VERIFY_SKIP="maybe": want true or false`},
		{azdEnv("https://x.azurewebsites.net/runtime/webhooks/mcp", "MCP_HOSTING", "self"), 1, "MCP_HOSTING=self, but MCP_SERVER_URL https://x.azurewebsites.net/runtime/webhooks/mcp is the triggers hosting's endpoint"},
	}
	for _, tt := range tests {
		d, out, calls := testDeps(t, tt.env, 0)
		assert.Equal(t, tt.status, run(context.Background(), d), out.String())
		assert.Contains(t, out.String(), tt.want)
		assert.Empty(t, *calls)
	}
}

// The verify gets the key in its environment, not on its command line,
// and nothing runVerify prints holds it. The verify here is this test
// binary, as TestHelperVerify.
func TestRunVerifyPassesTheKeyInTheEnvironmentOnly(t *testing.T) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperVerify$")
	// runVerify gives the command this process's environment, with its
	// own MCP_KEY in place of any the shell had.
	t.Setenv("POSTDEPLOY_HELPER", "1")
	t.Setenv("MCP_KEY", "stale-key-from-the-shell")
	status := runVerify(cmd, extKey, &stdout, &stderr)
	assert.Equal(t, 0, status, "stdout %s stderr %s", stdout.String(), stderr.String())
	assert.Contains(t, stdout.String(), "helper: key of 16 bytes in MCP_KEY, not in argv")
	assert.NotContains(t, stdout.String()+stderr.String(), extKey)
	for _, a := range cmd.Args {
		assert.NotContains(t, a, extKey)
	}
}

func TestHelperVerify(t *testing.T) {
	if os.Getenv("POSTDEPLOY_HELPER") != "1" {
		return // only as the verify of the test above
	}
	key := os.Getenv("MCP_KEY")
	if key != extKey || strings.Contains(strings.Join(os.Args, " "), key) {
		fmt.Println("helper: wrong key or key in argv")
		os.Exit(3)
	}
	fmt.Printf("helper: key of %d bytes in MCP_KEY, not in argv\n", len(key))
	os.Exit(0)
}
