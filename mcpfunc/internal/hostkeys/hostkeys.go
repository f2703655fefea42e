// Package hostkeys fetches a deployed function app's MCP key with the
// deployer's own Azure sign-in, as `az functionapp keys list` does: one
// POST of Azure Resource Manager's WebApps_ListHostKeys operation
// (https://learn.microsoft.com/rest/api/appservice/web-apps/list-host-keys),
//
//	POST https://management.azure.com/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Web/sites/{app}/host/default/listkeys?api-version=2024-04-01
//
// which answers the app's HostKeys,
//
//	{"masterKey": "…", "functionKeys": {"default": "…"}, "systemKeys": {"mcp_extension": "…"}}
//
// and picks the key the hosting's MCP endpoint takes (see [Name]). The
// caller needs the action Microsoft.Web/sites/host/listkeys/action on the
// app (Contributor, Website Contributor or Owner; Reader is not enough).
//
// The MCP extension creates its system key when it first starts, so just
// after a deployment it may be missing: [Fetcher.Key] wakes the app and
// asks again, with backoff, within a limit. The key is returned in memory
// only: no message or error of this package contains it.
package hostkeys

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"remote-mcp-functions-go/mcpfunc/internal/hosting"
)

// APIVersion is the Microsoft.Web api-version asked for: a stable version
// listed for WebApps_ListHostKeys on Learn (link in the package doc).
const APIVersion = "2024-04-01"

// Endpoint is Azure Resource Manager in the public cloud.
const Endpoint = "https://management.azure.com"

// Scope is the token scope for Resource Manager, as the Azure SDK asks for
// it: its audience https://management.core.windows.net/ plus "/.default"
// (azcore v1.24.0 arm/runtime/runtime.go and pipeline.go).
const Scope = "https://management.core.windows.net//.default"

// Key says which of the app's keys a hosting's MCP endpoint takes.
type Key struct {
	// Group is the HostKeys member: systemKeys or functionKeys.
	Group string
	// Name is the key's name within it.
	Name string
}

func (k Key) String() string { return k.Group + "." + k.Name }

// Name is the key for a hosting. The trigger hosting's endpoint
// (/runtime/webhooks/mcp) takes the MCP extension's system key
// mcp_extension, which the extension creates and checks (Learn:
// functions-bindings-mcp, "Connect to your MCP server"); the self
// hosting's (/mcp) is a function-level endpoint (the mcp-custom-handler
// profile's defaultAuthorizationLevel is function, Learn:
// self-hosted-mcp-servers), which the host key default opens (Learn:
// function-keys-how-to, key types).
func Name(mode hosting.Mode) Key {
	if mode == hosting.Self {
		return Key{Group: "functionKeys", Name: "default"}
	}
	return Key{Group: "systemKeys", Name: "mcp_extension"}
}

// App names a deployed function app.
type App struct {
	SubscriptionID, ResourceGroup, Name string
}

// Fetcher fetches keys. The zero value is not usable: Credential is
// required.
type Fetcher struct {
	// Credential signs the request in (the deployer's azd or az sign-in).
	Credential azcore.TokenCredential
	// Client sends it; nil means a client with a 60 s timeout.
	Client *http.Client
	// Wake, if not nil, is called while the key is missing, to start the
	// app's host (a request to its MCP endpoint), which creates it.
	Wake func(ctx context.Context)
	// Say receives progress lines (never the key); nil discards them.
	Say func(format string, args ...any)
	// Limit bounds the whole wait for a missing key; zero means 5 minutes.
	Limit time.Duration
	// FirstWait is the first pause between attempts, doubled each time up
	// to 30 s; zero means 5 s.
	FirstWait time.Duration

	// endpoint replaces Endpoint in tests of this package only.
	endpoint string
}

// Errors a caller can tell apart.
var (
	// ErrDenied: Resource Manager refused the caller (401 or 403).
	ErrDenied = errors.New("not allowed to list the app's keys")
	// ErrMissing: the key did not appear within the limit.
	ErrMissing = errors.New("the key is not there")
)

// Key returns the app's key k, asking again while it is missing.
func (f *Fetcher) Key(ctx context.Context, app App, k Key) (string, error) {
	if f.Credential == nil {
		return "", errors.New("hostkeys: no credential")
	}
	for _, v := range []struct{ name, val string }{{"subscription", app.SubscriptionID}, {"resource group", app.ResourceGroup}, {"function app name", app.Name}} {
		if strings.TrimSpace(v.val) == "" {
			return "", fmt.Errorf("hostkeys: no %s", v.name)
		}
	}
	limit, wait := f.Limit, f.FirstWait
	if limit <= 0 {
		limit = 5 * time.Minute
	}
	if wait <= 0 {
		wait = 5 * time.Second
	}
	deadline := time.Now().Add(limit)
	for attempt := 1; ; attempt++ {
		key, why, err := f.once(ctx, app, k)
		if err != nil || key != "" {
			return key, err
		}
		if time.Now().Add(wait).After(deadline) {
			return "", fmt.Errorf("%w: %s after %d attempts in %v: %s", ErrMissing, k, attempt, limit, why)
		}
		f.say("%s; waking the app and asking again in %v", why, wait)
		if f.Wake != nil {
			f.Wake(ctx)
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 30*time.Second)
	}
}

// once asks once. It returns the key, or why it is not there yet (a reason
// to ask again), or an error that asking again would not cure.
func (f *Fetcher) once(ctx context.Context, app App, k Key) (key, why string, err error) {
	tok, err := f.Credential.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{Scope}})
	if err != nil {
		return "", "", fmt.Errorf("get an Azure Resource Manager token (sign in with `azd auth login` or `az login`): %w", err)
	}
	base := f.endpoint
	if base == "" {
		base = Endpoint
	}
	u := base + "/subscriptions/" + url.PathEscape(app.SubscriptionID) +
		"/resourceGroups/" + url.PathEscape(app.ResourceGroup) +
		"/providers/Microsoft.Web/sites/" + url.PathEscape(app.Name) +
		"/host/default/listkeys?api-version=" + APIVersion
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, http.NoBody)
	if err != nil {
		return "", "", err
	}
	req.Header.Set("Authorization", "Bearer "+tok.Token)
	req.Header.Set("Accept", "application/json")
	client := f.Client
	if client == nil {
		client = &http.Client{Timeout: 60 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", "", fmt.Errorf("list the keys of %s: %w", app.Name, err)
	}
	defer resp.Body.Close()
	// HostKeys is a few hundred bytes; an answer beyond 1 MiB is not one.
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", "", fmt.Errorf("list the keys of %s: %w", app.Name, err)
	}
	switch {
	case resp.StatusCode == http.StatusOK:
		var hk struct {
			FunctionKeys map[string]string `json:"functionKeys"`
			SystemKeys   map[string]string `json:"systemKeys"`
		}
		// A decoding error names types and offsets, never the values.
		if err := json.Unmarshal(body, &hk); err != nil {
			return "", "", fmt.Errorf("list the keys of %s: the answer is not the HostKeys JSON: %w", app.Name, err)
		}
		group := hk.SystemKeys
		if k.Group == "functionKeys" {
			group = hk.FunctionKeys
		}
		if v := group[k.Name]; v != "" {
			return v, "", nil
		}
		if k.Group == "systemKeys" {
			return "", "the MCP extension has not created its key " + k.String() + " yet (it does when the app's host first starts)", nil
		}
		return "", "the app has no " + k.String() + " yet", nil
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return "", "", fmt.Errorf("%w: %s (%d %s): the signed-in identity needs Microsoft.Web/sites/host/listkeys/action on %s (Contributor, Website Contributor or Owner; Reader is not enough), or `azd auth login` for the right tenant",
			ErrDenied, armError(body), resp.StatusCode, http.StatusText(resp.StatusCode), app.Name)
	case resp.StatusCode == http.StatusNotFound:
		// Just after a deployment the host's keys may not be served yet;
		// a wrong name stays 404 and ends in ErrMissing with the reason.
		return "", fmt.Sprintf("Resource Manager answered 404 (%s): the app or its host is not ready yet, or %s is not in %s", armError(body), app.Name, app.ResourceGroup), nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return "", fmt.Sprintf("Resource Manager answered %d (%s)", resp.StatusCode, armError(body)), nil
	default:
		return "", "", fmt.Errorf("list the keys of %s: Resource Manager answered %d: %s", app.Name, resp.StatusCode, armError(body))
	}
}

// armError is the code and message of Resource Manager's error answer
// (DefaultErrorResponse: {"error": {"code", "message"}}); never a success
// body, which holds keys.
func armError(body []byte) string {
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil || (e.Error.Code == "" && e.Error.Message == "") {
		return "no error details"
	}
	msg := e.Error.Message
	if len(msg) > 400 {
		msg = msg[:400] + "…"
	}
	return strings.TrimSpace(e.Error.Code + ": " + msg)
}

func (f *Fetcher) say(format string, args ...any) {
	if f.Say != nil {
		f.Say(format, args...)
	}
}
