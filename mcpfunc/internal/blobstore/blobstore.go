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
//	data, found, err := acct.Read(ctx, "notes", "a1.txt")
//
// # Semantics the host has
//
//   - A missing blob, or a missing container, reads as not found: the blob
//     input binding hands the function a null value, not an error.
//   - Writing creates the container when it does not exist yet.
//   - [Account.Write] without a condition writes as the host's blob output
//     binding does: whatever the blob holds by then is replaced.
//
// # Writes that cannot land stale
//
// A write may also be made on condition of a [Version], what the blob was
// when the caller looked ([Account.Current]): it lands only if nobody has
// written the blob since. A late write, one that reaches storage after a
// newer one, then fails with [ErrChanged] instead of replacing it:
//
//	v, err := acct.Current(ctx, "notes", "a1.txt") // before the work
//	…
//	err = acct.Write(ctx, "notes", "a1.txt", data, &v)
//	if errors.Is(err, blobstore.ErrChanged) { … nothing was written … }
//
// # Errors
//
// Errors name the operation and the blob and say why in a few words (an
// HTTP status and storage error code, or the network failure); they never
// carry the connection string, the request URL (which holds a SAS token when
// the connection uses one) or the blob contents.
//
// A failed write or delete also says whether it may have taken effect:
// when a request reached storage and no answer came back (the budget ran
// out, the connection broke), storage may have carried it out, and the
// error matches [ErrUnconfirmed]; otherwise (storage answered with an
// error, or nothing was sent) nothing changed.
package blobstore

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"regexp"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	azblobblob "github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blockblob"
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
	// Zero means 10s: a blob of a call is at most a few MiB on a fast link.
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
		return nil, false, a.opError(ctx, "read", container, blob, err, nil)
	}
	defer resp.Body.Close()
	n := 0
	if resp.ContentLength != nil && *resp.ContentLength > 0 {
		n = int(*resp.ContentLength)
	}
	buf := bytes.NewBuffer(make([]byte, 0, n))
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return nil, false, a.opError(ctx, "read", container, blob, err, nil)
	}
	return buf.Bytes(), true, nil
}

// Version is what a blob was when a caller looked: the ETag it had, or
// none when it did not exist. A write made on condition of a Version
// lands only while the blob is still that.
type Version struct {
	// ETag is the blob's entity tag; empty when the blob did not exist.
	ETag string
}

// Exists reports whether the blob existed.
func (v Version) Exists() bool { return v.ETag != "" }

// Current returns the blob's version now: the zero Version when the blob
// or its container does not exist.
func (a *Account) Current(ctx context.Context, container, blob string) (Version, error) {
	ctx, cancel := a.within(ctx)
	defer cancel()
	props, err := a.svc.NewContainerClient(container).NewBlobClient(blob).GetProperties(ctx, nil)
	switch {
	case bloberror.HasCode(err, bloberror.BlobNotFound, bloberror.ContainerNotFound):
		return Version{}, nil
	case err != nil:
		// A HEAD request's 404 carries no error code.
		if status(err) == http.StatusNotFound {
			return Version{}, nil
		}
		return Version{}, a.opError(ctx, "look up", container, blob, err, nil)
	case props.ETag == nil:
		return Version{}, &Error{Op: "look up", Container: container, Blob: blob, Reason: "storage answered without an ETag"}
	}
	return Version{ETag: string(*props.ETag)}, nil
}

// Write stores data as a block blob and creates the container first when
// it does not exist.
//
// With cond, it is one Put Blob that lands only while the blob is still
// at that version (If-Match its ETag, or If-None-Match: * when it did not
// exist); otherwise it fails with [ErrChanged] and writes nothing.
//
// Without, it writes as the host's blob output binding does, whatever the
// blob holds by then: the extension opens a write stream on the block blob
// (Azure/azure-sdk-for-net
// sdk/storage/Microsoft.Azure.WebJobs.Extensions.Storage.Blobs/src/Bindings/WriteBlobArgumentBinding.cs
// @1cceaacd, OpenWriteAsync(overwrite: true)), which puts an empty blob in
// place at once, unconditionally, then stages the content and commits it
// on condition that the blob is still that empty one
// (sdk/storage/Azure.Storage.Blobs/src/BlockBlobClient.cs OpenWriteInternal
// @003b439d; src/BlockBlobWriteStream.cs @0c9b3329). So a reader may see
// the blob empty while a write is under way, and a write that another
// one overtakes between the two steps fails. The host's metadata
// (AzureWebJobsParentId, for blob triggers) is not written.
func (a *Account) Write(ctx context.Context, container, blob string, data []byte, cond *Version) error {
	ctx, cancel := a.within(ctx)
	defer cancel()
	ctx, sent := track(ctx)
	if cond != nil {
		return a.writeIf(ctx, sent, container, blob, data, *cond)
	}
	return a.writeAsHost(ctx, sent, container, blob, data)
}

// writeIf is Write with a condition: one Put Blob.
func (a *Account) writeIf(ctx context.Context, sent *sends, container, blob string, data []byte, cond Version) error {
	mod := &azblobblob.ModifiedAccessConditions{}
	if cond.Exists() {
		etag := azcore.ETag(cond.ETag)
		mod.IfMatch = &etag
	} else {
		none := azcore.ETagAny
		mod.IfNoneMatch = &none
	}
	opts := &blockblob.UploadOptions{AccessConditions: &azblobblob.AccessConditions{ModifiedAccessConditions: mod}}
	cc := a.svc.NewContainerClient(container)
	bb := cc.NewBlockBlobClient(blob)
	upload := func() error {
		_, err := bb.Upload(ctx, streaming.NopCloser(bytes.NewReader(data)), opts)
		return err
	}
	err := upload()
	if bloberror.HasCode(err, bloberror.ContainerNotFound) {
		if cond.Exists() {
			// The blob was there, and its container is gone since.
			e := a.opError(ctx, "write", container, blob, err, sent)
			e.Changed = !e.Unconfirmed
			return e
		}
		if err := a.createContainer(ctx, cc); err != nil {
			return a.opError(ctx, "create container for", container, blob, err, sent)
		}
		err = upload()
	}
	if err != nil {
		return a.opError(ctx, "write", container, blob, err, sent)
	}
	return nil
}

// writeAsHost is Write without a condition, in the host's steps: an empty
// blob, then the content staged in blocks and committed if the blob is
// still that empty one.
func (a *Account) writeAsHost(ctx context.Context, sent *sends, container, blob string, data []byte) error {
	cc := a.svc.NewContainerClient(container)
	bb := cc.NewBlockBlobClient(blob)
	empty := func() (*blockblob.UploadResponse, error) {
		resp, err := bb.Upload(ctx, streaming.NopCloser(bytes.NewReader(nil)), nil)
		return &resp, err
	}
	resp, err := empty()
	if bloberror.HasCode(err, bloberror.ContainerNotFound) {
		if err := a.createContainer(ctx, cc); err != nil {
			return a.opError(ctx, "create container for", container, blob, err, sent)
		}
		resp, err = empty()
	}
	if err != nil {
		return a.opError(ctx, "write", container, blob, err, sent)
	}
	var ids []string
	for off := 0; off < len(data); off += hostBlockSize {
		id, err := blockID()
		if err != nil {
			return &Error{Op: "write", Container: container, Blob: blob, Reason: "no random block id"}
		}
		chunk := data[off:min(off+hostBlockSize, len(data))]
		if _, err := bb.StageBlock(ctx, id, streaming.NopCloser(bytes.NewReader(chunk)), nil); err != nil {
			return a.opError(ctx, "write", container, blob, err, sent)
		}
		ids = append(ids, id)
	}
	_, err = bb.CommitBlockList(ctx, ids, &blockblob.CommitBlockListOptions{AccessConditions: &azblobblob.AccessConditions{
		ModifiedAccessConditions: &azblobblob.ModifiedAccessConditions{IfMatch: resp.ETag},
	}})
	if err != nil {
		return a.opError(ctx, "write", container, blob, err, sent)
	}
	return nil
}

// hostBlockSize is the host's write stream buffer: one block per 4 MiB
// (Azure.Storage.Blobs Constants.DefaultBufferSize).
const hostBlockSize = 4 << 20

// blockID is a random block id: two writes of the same blob never stage
// blocks under the same id.
func blockID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b[:]), nil
}

// createContainer creates a container; one that exists already is fine.
func (a *Account) createContainer(ctx context.Context, cc *azcontainer.Client) error {
	if _, err := cc.Create(ctx, nil); err != nil && !bloberror.HasCode(err, bloberror.ContainerAlreadyExists) {
		return err
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
		return nil, "", a.opError(ctx, "list", container, prefix+"*", err, nil)
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
	ctx, sent := track(ctx)
	_, err = a.svc.NewContainerClient(container).NewBlobClient(blob).Delete(ctx, nil)
	switch {
	case bloberror.HasCode(err, bloberror.BlobNotFound, bloberror.ContainerNotFound):
		if sent.unanswered() {
			// A try that got no answer may have deleted it.
			return false, a.opError(ctx, "delete", container, blob, err, sent)
		}
		return false, nil
	case err != nil:
		return false, a.opError(ctx, "delete", container, blob, err, sent)
	}
	return true, nil
}

// Errors a failed write or delete matches (errors.Is), beside its
// [*Error].
var (
	// ErrChanged: a write made on condition of a Version found the blob
	// changed since (written, or deleted, by someone else); it wrote
	// nothing.
	ErrChanged = errors.New("the blob changed since the version the write was conditional on")
	// ErrUnconfirmed: a request reached storage and its answer never came
	// back, so it may or may not have taken effect. Reading the blob back
	// tells.
	ErrUnconfirmed = errors.New("storage did not confirm the operation; it may or may not have taken effect")
)

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
	// Changed is set when storage refused a conditional write because the
	// blob is no longer the version it was conditional on: nothing was
	// written ([ErrChanged]).
	Changed bool
	// Unconfirmed is set when a write or delete reached storage and no
	// answer came back: it may have taken effect ([ErrUnconfirmed]).
	// Neither set: storage answered with an error, or nothing was sent,
	// and nothing changed.
	Unconfirmed bool
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("storage %s %s/%s: %s", e.Op, e.Container, e.Blob, e.Reason)
	if e.Unconfirmed {
		msg += " (sent, unanswered: it may or may not have taken effect)"
	}
	return msg
}

// Is matches ErrChanged and ErrUnconfirmed by the fields that say them.
func (e *Error) Is(target error) bool {
	return target == ErrChanged && e.Changed || target == ErrUnconfirmed && e.Unconfirmed
}

// sends counts, for one operation, the requests written to storage in
// full and the answers that began to come back: a request written and
// never answered may have been carried out. (A request cut off before it
// was written in full cannot have been: storage acts on a whole request
// only.)
type sends struct{ written, answered atomic.Int32 }

// track makes the HTTP requests made on ctx count in the returned sends.
func track(ctx context.Context) (context.Context, *sends) {
	s := &sends{}
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				s.written.Add(1)
			}
		},
		GotFirstResponseByte: func() { s.answered.Add(1) },
	}), s
}

// unanswered reports whether a request was written and got no answer;
// false for a nil sends (an operation that changes nothing).
func (s *sends) unanswered() bool {
	return s != nil && s.written.Load() > s.answered.Load()
}

// opError describes err without the request URL or headers: azcore's
// messages include the URL, which carries a SAS token for SAS connections.
// ctx is the operation's, to tell its budget running out from the
// caller's own deadline or cancellation; sent is how its requests fared,
// nil for an operation that changes nothing.
func (a *Account) opError(ctx context.Context, op, container, blob string, err error, sent *sends) *Error {
	e := &Error{Op: op, Container: container, Blob: blob, Unconfirmed: sent.unanswered()}
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
		if op == "write" && conditionFailed(respErr) {
			if e.Unconfirmed {
				// An earlier try may have landed and changed the blob itself.
				e.Reason += " to a repeated try"
			} else {
				e.Changed = true
				e.Reason += ": the blob changed since the call saw it"
			}
		}
	case errors.As(err, &netErr) && netErr.Op == "dial":
		e.Reason = "storage unreachable: " + netErr.Error()
	case errors.As(err, &netErr):
		e.Reason = "connection to storage failed: " + netErr.Error()
	case errors.Is(err, context.DeadlineExceeded):
		e.Reason = "storage did not answer in time"
	case errors.Is(err, context.Canceled):
		e.Reason = "canceled"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		e.Reason = "storage closed the connection before answering"
	default:
		e.Reason = "request failed: " + withoutURLs(innermost(err).Error())
	}
	return e
}

// conditionFailed reports whether storage refused a write for its
// condition: 412 for If-Match, 409 BlobAlreadyExists for
// If-None-Match: *.
func conditionFailed(err *azcore.ResponseError) bool {
	return err.StatusCode == http.StatusPreconditionFailed ||
		err.StatusCode == http.StatusConflict && err.ErrorCode == string(bloberror.BlobAlreadyExists)
}

// status is the HTTP status of a storage answer in err; 0 when there was
// none.
func status(err error) int {
	var respErr *azcore.ResponseError
	if errors.As(err, &respErr) {
		return respErr.StatusCode
	}
	return 0
}

// innermost is the transport's own error inside a *url.Error, whose
// message holds the request URL.
func innermost(err error) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) && urlErr.Err != nil {
		return urlErr.Err
	}
	return err
}

var anyURL = regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"']+`)

// withoutURLs blanks out anything that looks like a URL: a SAS token
// travels in its query.
func withoutURLs(s string) string { return anyURL.ReplaceAllString(s, "(URL)") }
