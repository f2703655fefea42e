package blobstore

import (
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
)

// OpenSetting opens the account a connection setting names, the ways the
// Functions host reads one: a connection string in the setting itself
// (or AzureWebJobs<name>; UseDevelopmentStorage=true for Azurite), else
// an identity-based connection from <name>__blobServiceUri (or
// __serviceUri, or __accountName for the public cloud) with
// <name>__credential and <name>__clientId
// (https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity).
//
// __credential=managedidentity uses the managed identity, the
// user-assigned one whose client id __clientId gives; without
// __credential the Azure SDK's default chain is used (environment,
// workload identity, managed identity, the Azure CLI's login), which lets
// a developer reach cloud storage after az login. Nothing is sent until
// the first operation.
func OpenSetting(name string, lookup func(string) (string, bool), opts *Options) (*Account, error) {
	if conn, err := ConnectionString(name, lookup); err == nil {
		return Open(conn, opts)
	}
	get := func(suffix string) string {
		v, _ := lookup(name + "__" + suffix)
		return strings.TrimSpace(v)
	}
	endpoint := get("blobServiceUri")
	if endpoint == "" {
		endpoint = get("serviceUri")
	}
	if endpoint == "" {
		if acct := get("accountName"); acct != "" {
			endpoint = "https://" + acct + ".blob.core.windows.net"
		}
	}
	if endpoint == "" {
		return nil, fmt.Errorf("%w: %s (set it to a connection string, or set %s__blobServiceUri for an identity-based connection)", ErrNoConnection, name, name)
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("%s__blobServiceUri: %q is not a blob service URL", name, endpoint)
	}
	var cred azcore.TokenCredential
	switch c := get("credential"); {
	case strings.EqualFold(c, "managedidentity"):
		mo := &azidentity.ManagedIdentityCredentialOptions{}
		if id := get("clientId"); id != "" {
			mo.ID = azidentity.ClientID(id)
		}
		cred, err = azidentity.NewManagedIdentityCredential(mo)
	case c == "":
		cred, err = azidentity.NewDefaultAzureCredential(nil)
	default:
		return nil, fmt.Errorf("%s__credential=%q: only managedidentity is supported", name, c)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: credential: %v", name, err)
	}
	o, copts := clientOptions(opts)
	client, err := azblob.NewClient(strings.TrimSuffix(endpoint, "/")+"/", cred, copts)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return &Account{svc: client.ServiceClient(), endpoint: publicEndpoint(client.URL()), budget: o.Budget}, nil
}

// Accounts opens the account of each connection setting once, with
// [OpenSetting], and shares it: every blob binding that names a setting,
// and the app's own code that reaches storage through it, use one Account,
// and so one client and one pool of connections. It is safe for
// concurrent use.
type Accounts struct {
	lookup func(string) (string, bool)
	opts   *Options

	mu   sync.Mutex
	open map[string]*Account
}

// NewAccounts returns the accounts of the settings lookup reads (app
// settings: os.LookupEnv), opened with opts when first asked for.
func NewAccounts(lookup func(string) (string, bool), opts *Options) *Accounts {
	return &Accounts{lookup: lookup, opts: opts, open: map[string]*Account{}}
}

// Open returns the account of the connection setting name: the one
// opened before, or one opened now. A setting that cannot be opened is
// tried again on the next call.
func (a *Accounts) Open(name string) (*Account, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if acct, ok := a.open[name]; ok {
		return acct, nil
	}
	acct, err := OpenSetting(name, a.lookup, a.opts)
	if err != nil {
		return nil, err
	}
	a.open[name] = acct
	return acct, nil
}
