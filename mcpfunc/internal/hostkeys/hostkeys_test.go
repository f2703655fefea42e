package hostkeys

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/hosting"
)

const (
	sub, rg, site = "00000000-1111-2222-3333-444444444444", "rg-demo", "func-api-abc123"
	token         = "test-arm-token"
	// Distinctive values, so that a test can look for them in any output.
	extKey    = "mcpext-KEY-7f3c9a"
	defKey    = "default-KEY-51e0b2"
	masterKey = "master-KEY-d48a11"
)

// standIn answers as Resource Manager's WebApps_ListHostKeys does (Learn:
// rest/api/appservice/web-apps/list-host-keys): POST on the app's
// host/default/listkeys with an api-version and a bearer token, 200 with
// HostKeys, or an error status with a DefaultErrorResponse. answers are
// given in turn (the last one repeats).
type standIn struct {
	t       *testing.T
	answers []answer
	mu      sync.Mutex
	asked   int
}

type answer struct {
	status int
	body   string
}

func (s *standIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	n := s.asked
	s.asked++
	s.mu.Unlock()
	wantPath := "/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/Microsoft.Web/sites/" + site + "/host/default/listkeys"
	if r.Method != http.MethodPost || r.URL.Path != wantPath || r.URL.Query().Get("api-version") != "2024-04-01" {
		s.t.Errorf("asked %s %s, want POST %s?api-version=2024-04-01", r.Method, r.URL, wantPath)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+token {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"error":{"code":"AuthenticationFailed","message":"no token"}}`)
		return
	}
	a := s.answers[min(n, len(s.answers)-1)]
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(a.status)
	fmt.Fprint(w, a.body)
}

type fakeCred struct{ scopes []string }

func (c *fakeCred) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.scopes = o.Scopes
	return azcore.AccessToken{Token: token, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// hostKeys is a HostKeys answer as documented, with the system key or not.
func hostKeys(withExt bool) string {
	sys := `{}`
	if withExt {
		sys = `{"mcp_extension":"` + extKey + `","durabletask_extension":"other-system-key"}`
	}
	return `{"masterKey":"` + masterKey + `","functionKeys":{"default":"` + defKey + `"},"systemKeys":` + sys + `}`
}

const notFound = `{"error":{"code":"ResourceNotFound","message":"The Resource 'Microsoft.Web/sites/func-api-abc123' was not found."}}`

func fetcher(t *testing.T, s *standIn, log *strings.Builder) (*Fetcher, *int) {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	woken := 0
	f := &Fetcher{
		Credential: &fakeCred{},
		Wake:       func(context.Context) { woken++ },
		Say:        func(format string, args ...any) { fmt.Fprintf(log, format+"\n", args...) },
		Limit:      10 * time.Second,
		FirstWait:  time.Millisecond,
		endpoint:   srv.URL,
	}
	return f, &woken
}

var app = App{SubscriptionID: sub, ResourceGroup: rg, Name: site}

// Just after a deployment: the app is not found, then its keys lack the
// extension's, then it is there. The fetch waits, wakes the app, and
// returns that key, saying why it waited without ever saying the key.
func TestKeyAppearsAfterDeployment(t *testing.T) {
	s := &standIn{t: t, answers: []answer{{404, notFound}, {200, hostKeys(false)}, {200, hostKeys(true)}}}
	var log strings.Builder
	f, woken := fetcher(t, s, &log)
	key, err := f.Key(context.Background(), app, Name(hosting.Triggers))
	require.NoError(t, err)
	assert.Equal(t, extKey, key)
	assert.Equal(t, 3, s.asked)
	assert.Equal(t, 2, *woken)
	assert.Contains(t, log.String(), "404 (ResourceNotFound: The Resource")
	assert.Contains(t, log.String(), "the MCP extension has not created its key systemKeys.mcp_extension yet")
	for _, k := range []string{extKey, defKey, masterKey, token} {
		assert.NotContains(t, log.String(), k)
	}
	assert.Equal(t, []string{"https://management.core.windows.net//.default"}, f.Credential.(*fakeCred).scopes)
}

// The self hosting takes the host key default; the master key and the
// extension's are never picked.
func TestSelfHostingTakesTheDefaultHostKey(t *testing.T) {
	s := &standIn{t: t, answers: []answer{{200, hostKeys(true)}}}
	var log strings.Builder
	f, _ := fetcher(t, s, &log)
	key, err := f.Key(context.Background(), app, Name(hosting.Self))
	require.NoError(t, err)
	assert.Equal(t, defKey, key)
	assert.Equal(t, "functionKeys.default", Name(hosting.Self).String())
	assert.Equal(t, "systemKeys.mcp_extension", Name(hosting.Triggers).String())
}

// A caller without the listkeys action gets a message naming the role it
// needs, at once: asking again would not help.
func TestForbiddenSaysWhichRole(t *testing.T) {
	body := `{"error":{"code":"AuthorizationFailed","message":"The client 'dev@example.com' does not have authorization to perform action 'Microsoft.Web/sites/host/listkeys/action'."}}`
	s := &standIn{t: t, answers: []answer{{403, body}}}
	var log strings.Builder
	f, woken := fetcher(t, s, &log)
	_, err := f.Key(context.Background(), app, Name(hosting.Triggers))
	require.ErrorIs(t, err, ErrDenied)
	assert.Contains(t, err.Error(), "AuthorizationFailed")
	assert.Contains(t, err.Error(), "403 Forbidden")
	assert.Contains(t, err.Error(), "Contributor, Website Contributor or Owner")
	assert.Equal(t, 1, s.asked)
	assert.Zero(t, *woken)
}

// A key that never comes ends the wait within the limit, with the reason.
func TestMissingKeyEndsWithinTheLimit(t *testing.T) {
	s := &standIn{t: t, answers: []answer{{200, hostKeys(false)}}}
	var log strings.Builder
	f, _ := fetcher(t, s, &log)
	f.Limit = 50 * time.Millisecond
	_, err := f.Key(context.Background(), app, Name(hosting.Triggers))
	require.ErrorIs(t, err, ErrMissing)
	assert.Contains(t, err.Error(), "has not created its key")
	assert.NotContains(t, err.Error(), masterKey)
	assert.NotContains(t, err.Error(), defKey)
}

// A success answer that is not HostKeys fails without quoting it.
func TestBadAnswerIsNotQuoted(t *testing.T) {
	s := &standIn{t: t, answers: []answer{{200, `{"functionKeys":"` + defKey + `"}`}}}
	var log strings.Builder
	f, _ := fetcher(t, s, &log)
	_, err := f.Key(context.Background(), app, Name(hosting.Self))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not the HostKeys JSON")
	assert.NotContains(t, err.Error(), defKey)
}

func TestMissingNamesAreRefused(t *testing.T) {
	f := &Fetcher{Credential: &fakeCred{}}
	_, err := f.Key(context.Background(), App{SubscriptionID: sub, ResourceGroup: rg}, Name(hosting.Self))
	require.ErrorContains(t, err, "no function app name")
}
