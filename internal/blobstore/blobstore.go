// Package blobstore reads and writes the blobs that a function app's blob
// bindings name, through a connection string or an identity-based
// connection, as the Functions host's blob extension does for a custom
// handler.
//
// # Connections
//
// A binding names an app setting in its "connection" field
// (AzureWebJobsStorage in this app). [OpenSetting] reads it as the host
// does and returns an [Account]: a connection string ([ConnectionString]
// finds it; [Translate] turns the local shortcut
// UseDevelopmentStorage=true into the Azurite devstore connection string
// that azblob understands), or an identity-based connection
// (AzureWebJobsStorage__blobServiceUri with a managed identity on Azure):
//
//	acct, err := blobstore.OpenSetting("AzureWebJobsStorage", settings.Lookup, nil)
//	data, found, err := acct.Read(ctx, "snippets", "a1.json")
//
// # Semantics the host has
//
//   - A missing blob, or a missing container, reads as not found: the blob
//     input binding hands the function a null value, not an error.
//   - Writing creates the container when it does not exist yet.
//
// # Errors
//
// Errors name the operation and the blob and say why in a few words (an
// HTTP status and storage error code, or the network failure); they never
// carry the connection string, the request URL (which holds a SAS token when
// the connection uses one) or the blob contents.
package blobstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	azcontainer "github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/service"
)

// Options configure an [Account]. The zero value is usable.
type Options struct {
	// IdleConnsPerHost is how many idle connections to the storage endpoint
	// are kept for reuse. Tool calls run in parallel, and azblob's default
	// transport keeps only 10: at 32 concurrent calls the rest would open a
	// new connection per call. Zero means 128.
	IdleConnsPerHost int
	// MaxRetries is how often a failed request is retried. A local stand-in
	// should fail fast when Azurite is down rather than keep the MCP client
	// waiting for azblob's default of three retries with growing delays.
	// Zero means 2; negative means no retry.
	MaxRetries int32
	// RetryDelay is the delay before the first retry; it doubles after that.
	// Zero means 50ms.
	RetryDelay time.Duration
	// TryTimeout bounds one request, so a storage endpoint that accepts
	// connections but never answers fails the try instead of hanging it.
	// Zero means 10s: a snippet is at most a few MiB on a fast link.
	TryTimeout time.Duration
	// Budget bounds one operation, retries included. MCP clients commonly
	// give up on a call after 60s, and the client should hear about a
	// storage hang from this app, with the cause, not from its own
	// timeout. Zero means 20s.
	Budget time.Duration
}

// Account is one storage account reached through a connection string. It is
// safe for concurrent use.
type Account struct {
	svc      *service.Client
	endpoint string
	budget   time.Duration
}

// errBudget ends an operation that ran out of Options.Budget.
var errBudget = errors.New("storage budget spent")

// within bounds one operation by the budget.
func (a *Account) within(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(ctx, a.budget, errBudget)
}

// Open returns the account a connection string names; conn may be the
// UseDevelopmentStorage=true shortcut. Nothing is sent to storage yet, so
// Open succeeds while the emulator is still starting.
func Open(conn string, opts *Options) (*Account, error) {
	o, copts := clientOptions(opts)
	client, err := azblob.NewClientFromConnectionString(Translate(conn), copts)
	if err != nil {
		// azblob's parse errors name the missing part, never the values.
		return nil, fmt.Errorf("storage connection string: %v", err)
	}
	return &Account{svc: client.ServiceClient(), endpoint: publicEndpoint(client.URL()), budget: o.Budget}, nil
}

// clientOptions fills in opts' defaults and makes azblob's options of them.
func clientOptions(opts *Options) (Options, *azblob.ClientOptions) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.IdleConnsPerHost <= 0 {
		o.IdleConnsPerHost = 128
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = 2
	}
	if o.RetryDelay <= 0 {
		o.RetryDelay = 50 * time.Millisecond
	}
	if o.TryTimeout <= 0 {
		o.TryTimeout = 10 * time.Second
	}
	if o.Budget <= 0 {
		o.Budget = 20 * time.Second
	}
	transport := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        2 * o.IdleConnsPerHost,
		MaxIdleConnsPerHost: o.IdleConnsPerHost,
		IdleConnTimeout:     90 * time.Second,
		ForceAttemptHTTP2:   true,
	}
	copts := &azblob.ClientOptions{ClientOptions: azcore.ClientOptions{
		Transport: &http.Client{Transport: transport},
		Retry: policy.RetryOptions{
			MaxRetries:    o.MaxRetries,
			RetryDelay:    o.RetryDelay,
			MaxRetryDelay: 20 * o.RetryDelay,
			TryTimeout:    o.TryTimeout,
		},
		Telemetry: policy.TelemetryOptions{Disabled: true},
	}}
	return o, copts
}

// BlobEndpoint is the account's blob service URL without any query, so it
// can be printed: a SAS token would be in the query.
func (a *Account) BlobEndpoint() string { return a.endpoint }

func publicEndpoint(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable endpoint)"
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return u.String()
}

// Read returns a blob's bytes. found is false, with no error, when the blob
// or its container does not exist: the host binds a missing blob as null.
func (a *Account) Read(ctx context.Context, container, blob string) (data []byte, found bool, err error) {
	ctx, cancel := a.within(ctx)
	defer cancel()
	resp, err := a.svc.NewContainerClient(container).NewBlobClient(blob).DownloadStream(ctx, nil)
	if err != nil {
		if bloberror.HasCode(err, bloberror.BlobNotFound, bloberror.ContainerNotFound) {
			return nil, false, nil
		}
		return nil, false, a.opError(ctx, "read", container, blob, err)
	}
	defer resp.Body.Close()
	n := 0
	if resp.ContentLength != nil && *resp.ContentLength > 0 {
		n = int(*resp.ContentLength)
	}
	buf := bytes.NewBuffer(make([]byte, 0, n))
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return nil, false, a.opError(ctx, "read", container, blob, err)
	}
	return buf.Bytes(), true, nil
}

// Write stores data as a block blob, replacing any blob of that name, and
// creates the container first when it does not exist, as the host's blob
// output binding does.
func (a *Account) Write(ctx context.Context, container, blob string, data []byte) error {
	ctx, cancel := a.within(ctx)
	defer cancel()
	cc := a.svc.NewContainerClient(container)
	bb := cc.NewBlockBlobClient(blob)
	upload := func() error {
		_, err := bb.Upload(ctx, streaming.NopCloser(bytes.NewReader(data)), nil)
		return err
	}
	// Try the upload first: the container almost always exists, so this
	// costs one request instead of two.
	err := upload()
	if bloberror.HasCode(err, bloberror.ContainerNotFound) {
		if _, cerr := cc.Create(ctx, nil); cerr != nil && !bloberror.HasCode(cerr, bloberror.ContainerAlreadyExists) {
			return a.opError(ctx, "create container for", container, blob, cerr)
		}
		err = upload()
	}
	if err != nil {
		return a.opError(ctx, "write", container, blob, err)
	}
	return nil
}

// BlobItem is one blob of a listing.
type BlobItem struct {
	Name         string
	Size         int64
	LastModified time.Time
}

// List lists up to limit blobs of a container whose names start with
// prefix, from the continuation marker a previous page returned (empty for
// the first page); next is empty after the last page. A missing container
// lists as empty.
func (a *Account) List(ctx context.Context, container, prefix string, limit int32, marker string) (items []BlobItem, next string, err error) {
	ctx, cancel := a.within(ctx)
	defer cancel()
	opts := &azcontainer.ListBlobsFlatOptions{MaxResults: &limit}
	if prefix != "" {
		opts.Prefix = &prefix
	}
	if marker != "" {
		opts.Marker = &marker
	}
	page, err := a.svc.NewContainerClient(container).NewListBlobsFlatPager(opts).NextPage(ctx)
	if bloberror.HasCode(err, bloberror.ContainerNotFound) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", a.opError(ctx, "list", container, prefix+"*", err)
	}
	for _, b := range page.Segment.BlobItems {
		it := BlobItem{Name: *b.Name}
		if p := b.Properties; p != nil {
			if p.ContentLength != nil {
				it.Size = *p.ContentLength
			}
			if p.LastModified != nil {
				it.LastModified = p.LastModified.UTC()
			}
		}
		items = append(items, it)
	}
	if page.NextMarker != nil {
		next = *page.NextMarker
	}
	return items, next, nil
}

// Delete deletes a blob; found is false when there was none.
func (a *Account) Delete(ctx context.Context, container, blob string) (found bool, err error) {
	ctx, cancel := a.within(ctx)
	defer cancel()
	_, err = a.svc.NewContainerClient(container).NewBlobClient(blob).Delete(ctx, nil)
	switch {
	case bloberror.HasCode(err, bloberror.BlobNotFound, bloberror.ContainerNotFound):
		return false, nil
	case err != nil:
		return false, a.opError(ctx, "delete", container, blob, err)
	}
	return true, nil
}

// Error is a failed storage operation, described without secrets.
type Error struct {
	Op        string // "read", "write", …
	Container string
	Blob      string
	// Status and Code are storage's answer; zero when there was none.
	Status int
	Code   string
	// Reason is the failure in a few words.
	Reason string
}

func (e *Error) Error() string {
	return fmt.Sprintf("storage %s %s/%s: %s", e.Op, e.Container, e.Blob, e.Reason)
}

// opError describes err without the request URL or headers: azcore's
// messages include the URL, which carries a SAS token for SAS connections.
// ctx is the operation's, to tell its budget running out from the
// caller's own deadline or cancellation.
func (a *Account) opError(ctx context.Context, op, container, blob string, err error) *Error {
	e := &Error{Op: op, Container: container, Blob: blob}
	if errors.Is(context.Cause(ctx), errBudget) {
		e.Reason = fmt.Sprintf("storage did not answer within %v", a.budget)
		return e
	}
	var respErr *azcore.ResponseError
	var netErr *net.OpError
	switch {
	case errors.As(err, &respErr):
		e.Status, e.Code = respErr.StatusCode, respErr.ErrorCode
		e.Reason = fmt.Sprintf("storage answered HTTP %d %s", respErr.StatusCode, respErr.ErrorCode)
	case errors.As(err, &netErr):
		e.Reason = "storage unreachable: " + netErr.Error()
	case errors.Is(err, context.DeadlineExceeded):
		e.Reason = "storage did not answer in time"
	case errors.Is(err, context.Canceled):
		e.Reason = "canceled"
	case errors.Is(err, io.ErrUnexpectedEOF):
		e.Reason = "connection closed mid-transfer"
	default:
		e.Reason = fmt.Sprintf("request failed (%T)", err)
	}
	return e
}
