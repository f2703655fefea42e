// Command postdeploy checks a deployment the moment azd has made it: azd's
// postdeploy hook (azure.yaml) runs it after `azd up` or `azd deploy`. It
// reads the deployment from the environment azd gives its hooks (the
// environment's .env values: AZURE_SUBSCRIPTION_ID, AZURE_RESOURCE_GROUP,
// AZURE_FUNCTION_NAME, MCP_SERVER_URL, AZURE_TENANT_ID), fetches the
// app's MCP key with the deployer's own sign-in (azd's, else the Azure
// CLI's; package hostkeys), and runs the verify command
//
//	go run ./handler -verify <MCP_SERVER_URL>
//
// with the key in its environment (MCP_KEY), for the hosting deployed: the
// URL ends in /mcp for the self hosting, /runtime/webhooks/mcp for the
// trigger hosting. Its exit status is the verify's.
//
// The key is never printed, written to a file or put on a command line.
//
//	azd env set MCP_VERIFY_SKIP true     skip the check (it exits 0 saying so)
//	azd hooks run postdeploy             run it again by hand
//
// With built-in authentication (AUTH_ENABLED=true) the endpoint wants an
// Entra sign-in, which the verify does not make, so the check is skipped
// and says so.
//
// Run it from the repository root.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"remote-mcp-functions-go/mcpfunc/internal/hosting"
	"remote-mcp-functions-go/mcpfunc/internal/hostkeys"
	"remote-mcp-functions-go/mcpfunc/internal/selfhost"
)

// SkipSetting skips the check when true.
const SkipSetting = "MCP_VERIFY_SKIP"

// KeyVariable is where the verify command reads the key.
const KeyVariable = "MCP_KEY"

func main() {
	pkg := flag.String("pkg", "./handler", "the handler's Go package: it runs the verify (go run <pkg> -verify <url>)")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "postdeploy: unexpected arguments; it reads azd's environment")
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	d := deps{
		getenv: os.Getenv,
		out:    os.Stdout,
		credential: func(tenant string) (azcore.TokenCredential, error) {
			return signIn(tenant)
		},
		verify: func(ctx context.Context, url, key string) int { return goRunVerify(ctx, *pkg, url, key) },
	}
	os.Exit(run(ctx, d))
}

// deps are what run needs from the outside, replaced in tests.
type deps struct {
	getenv     func(string) string
	out        io.Writer
	credential func(tenant string) (azcore.TokenCredential, error)
	// fetcher, if not nil, adjusts the key fetcher (tests: its endpoint
	// and waits).
	fetcher func(*hostkeys.Fetcher)
	// verify runs the verify command with the key in its environment and
	// returns its exit status.
	verify func(ctx context.Context, url, key string) int
}

// run does the check and returns the exit status: 0 passed or skipped, 1
// failed, 2 the environment is not a deployment's.
func run(ctx context.Context, d deps) int {
	say := func(format string, args ...any) { fmt.Fprintf(d.out, "postdeploy: "+format+"\n", args...) }
	if v := strings.TrimSpace(d.getenv(SkipSetting)); v != "" {
		skip, err := strconv.ParseBool(v)
		if err != nil {
			say("%s=%q: want true or false", SkipSetting, v)
			return 2
		}
		if skip {
			say("skipped: %s=%s (azd env set %s false turns the check back on)", SkipSetting, v, SkipSetting)
			return 0
		}
	}
	if auth, _ := strconv.ParseBool(d.getenv("AUTH_ENABLED")); auth {
		say("skipped: built-in authentication is on (AUTH_ENABLED=true): the endpoint wants an Entra sign-in, which the verify does not make; check it with a signed-in client (docs/deploy.md#built-in-authentication)")
		return 0
	}
	var missing []string
	need := func(names ...string) string {
		for _, n := range names {
			if v := strings.TrimSpace(d.getenv(n)); v != "" {
				return v
			}
		}
		missing = append(missing, names[0])
		return ""
	}
	app := hostkeys.App{
		SubscriptionID: need("AZURE_SUBSCRIPTION_ID"),
		ResourceGroup:  need("AZURE_RESOURCE_GROUP"),
		Name:           need("AZURE_FUNCTION_NAME", "SERVICE_API_NAME"),
	}
	mcpURL := need("MCP_SERVER_URL")
	if len(missing) > 0 {
		say("%s not set: run it as azd's postdeploy hook (azd hooks run postdeploy), which passes the environment's values, after azd provision", strings.Join(missing, ", "))
		return 2
	}
	mode, err := modeOf(mcpURL)
	if err != nil {
		say("%v", err)
		return 2
	}
	if set := d.getenv(hosting.Setting); set != "" {
		if want, err := hosting.Parse(set); err == nil && want != mode {
			say("%s=%s, but MCP_SERVER_URL %s is the %s hosting's endpoint: run azd provision (the infrastructure decides the URL), then azd deploy", hosting.Setting, set, mcpURL, mode)
			return 1
		}
	}
	cred, err := d.credential(d.getenv("AZURE_TENANT_ID"))
	if err != nil {
		say("sign-in: %v", err)
		return 1
	}
	k := hostkeys.Name(mode)
	f := &hostkeys.Fetcher{
		Credential: cred,
		Say:        say,
		Wake:       func(ctx context.Context) { wake(ctx, mcpURL) },
	}
	if d.fetcher != nil {
		d.fetcher(f)
	}
	say("hosting %s: fetching the key %s of %s with your Azure sign-in (WebApps_ListHostKeys, api-version %s)", mode, k, app.Name, hostkeys.APIVersion)
	key, err := f.Key(ctx, app, k)
	if err != nil {
		say("%v", err)
		if errors.Is(err, hostkeys.ErrMissing) && mode == hosting.Triggers {
			say("the key appears once the MCP extension has started: check the app's log stream, or deploy the self hosting (azd env set MCP_HOSTING self; docs/deploy.md)")
		}
		return 1
	}
	say("verifying %s (the key goes in %s, never on the screen)", mcpURL, KeyVariable)
	status := d.verify(ctx, mcpURL, key)
	if status != 0 && mode == hosting.Self {
		// Read from the docs, not yet seen on Flex Consumption.
		say("if the endpoint refused the key (401 or 403): that the host key default opens /mcp is not confirmed on Flex Consumption yet (docs/hostings.md#not-confirmed-in-the-self-hosting)")
	}
	return status
}

// modeOf is the hosting an MCP endpoint URL belongs to (infra/main.bicep's
// MCP_SERVER_URL output).
func modeOf(raw string) (hosting.Mode, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("MCP_SERVER_URL=%q is not a URL", raw)
	}
	switch strings.TrimSuffix(u.Path, "/") {
	case selfhost.Path:
		return hosting.Self, nil
	case "/runtime/webhooks/mcp":
		return hosting.Triggers, nil
	}
	return "", fmt.Errorf("MCP_SERVER_URL=%q: want a path of %s (self hosting) or /runtime/webhooks/mcp (triggers)", raw, selfhost.Path)
}

// wake sends one request without a key to the MCP endpoint: the refusal
// costs nothing, and it starts a scaled-to-zero app's host, whose MCP
// extension then creates its key.
func wake(ctx context.Context, mcpURL string) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, mcpURL, nil)
	if err != nil {
		return
	}
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
}

// signIn is the deployer's own credential: azd's sign-in (the one azd up
// used: azd auth token), else the Azure CLI's (az account
// get-access-token), in the deployment's tenant.
func signIn(tenant string) (azcore.TokenCredential, error) {
	azd, err := azidentity.NewAzureDeveloperCLICredential(&azidentity.AzureDeveloperCLICredentialOptions{TenantID: tenant})
	if err != nil {
		return nil, err
	}
	az, err := azidentity.NewAzureCLICredential(&azidentity.AzureCLICredentialOptions{TenantID: tenant})
	if err != nil {
		return nil, err
	}
	return azidentity.NewChainedTokenCredential([]azcore.TokenCredential{azd, az}, nil)
}

// goRunVerify runs `go run <pkg> -verify <url>` with the key in MCP_KEY
// (its environment, not its arguments, which process listings show) and
// returns its exit status.
func goRunVerify(ctx context.Context, pkg, mcpURL, key string) int {
	cmd := exec.CommandContext(ctx, "go", "run", pkg, "-verify", mcpURL)
	return runVerify(cmd, key, os.Stdout, os.Stderr)
}

// runVerify runs cmd with the key added to this process's environment and
// returns its exit status.
func runVerify(cmd *exec.Cmd, key string, stdout, stderr io.Writer) int {
	cmd.Env = append(withoutVar(os.Environ(), KeyVariable), KeyVariable+"="+key)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, stdout, stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		if c := exit.ExitCode(); c > 0 {
			return c
		}
		return 1
	default:
		fmt.Fprintf(stderr, "postdeploy: run the verify: %v\n", err)
		return 1
	}
}

func withoutVar(env []string, name string) []string {
	var out []string
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); !strings.EqualFold(k, name) {
			out = append(out, kv)
		}
	}
	return out
}
