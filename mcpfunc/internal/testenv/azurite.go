package testenv

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"

	"remote-mcp-functions-go/mcpfunc/internal/azurite"
	"remote-mcp-functions-go/mcpfunc/internal/devstore"
)

// The well-known Azurite account ("devstore"), public and the same for
// everyone; it is what UseDevelopmentStorage=true means.
const (
	DevAccount = devstore.Account
	DevKey     = devstore.Key
)

// Azurite is a running Azurite (blob, queue and table services) on free
// loopback ports, with its data in a folder of its own, started by the
// same launcher as `make start` (package azurite).
type Azurite struct {
	// Dir holds Azurite's data; Restart keeps it.
	Dir string
	// The ports the services listen on, fixed at the first start so a
	// restart comes back where clients expect it.
	BlobPort, QueuePort, TablePort int

	mu  sync.Mutex
	srv *azurite.Server
	out *outputLog
}

// StartAzurite starts an Azurite for this test alone, stopped when the test
// ends. Use it for tests that stop or restart storage; others share
// [SharedAzurite]. Under go test -short (make test-unit) it skips the test.
func StartAzurite(tb testing.TB) *Azurite {
	tb.Helper()
	SkipIfShort(tb)
	dir := tb.TempDir() // made first, so it is removed after Azurite stops
	a, err := startAzurite(dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := a.stop(); err != nil {
			tb.Errorf("stopping Azurite: %v", err)
		}
	})
	return a
}

func startAzurite(dir string) (*Azurite, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	a := &Azurite{Dir: dir}
	if err := a.launch(); err != nil {
		return nil, err
	}
	return a, nil
}

// launch starts Azurite on a.*Port (0 picks a free port) and waits until
// all three services listen.
func (a *Azurite) launch() error {
	root, err := RepoRoot()
	if err != nil {
		return err
	}
	out := &outputLog{}
	srv, err := azurite.Start(context.Background(), azurite.Options{
		Root: root, Dir: a.Dir,
		BlobPort: a.BlobPort, QueuePort: a.QueuePort, TablePort: a.TablePort,
		Output: out,
		// In the test binary's process group: a Ctrl+C of go test stops
		// it too, on every OS.
		Attached: true,
	})
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.srv, a.out = srv, out
	a.BlobPort, a.QueuePort, a.TablePort = srv.BlobPort, srv.QueuePort, srv.TablePort
	a.mu.Unlock()
	return nil
}

func (a *Azurite) stop() error {
	a.mu.Lock()
	srv := a.srv
	a.srv = nil
	a.mu.Unlock()
	if srv == nil {
		return nil
	}
	return srv.Stop()
}

// Stop stops Azurite, keeping its data and ports for Restart.
func (a *Azurite) Stop(tb testing.TB) {
	tb.Helper()
	if err := a.stop(); err != nil {
		tb.Fatalf("stopping Azurite: %v", err)
	}
}

// Restart starts a stopped Azurite again on the same ports and data.
func (a *Azurite) Restart(tb testing.TB) {
	tb.Helper()
	a.mu.Lock()
	running := a.srv != nil
	a.mu.Unlock()
	if running {
		tb.Fatal("Azurite is running: Stop it first")
	}
	if err := a.launch(); err != nil {
		tb.Fatal(err)
	}
}

// Output returns what the running Azurite printed.
func (a *Azurite) Output() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.srv == nil {
		return ""
	}
	return a.out.String()
}

// BlobEndpoint is the blob service's URL for the devstore account.
func (a *Azurite) BlobEndpoint() string { return devstore.Endpoint(a.BlobPort) }

// ConnectionString is an AzureWebJobsStorage value for this Azurite: the
// devstore account at this Azurite's ports.
func (a *Azurite) ConnectionString() string {
	return devstore.ConnectionString(a.BlobPort, a.QueuePort, a.TablePort)
}

// Client returns an azblob client for this Azurite.
func (a *Azurite) Client(tb testing.TB) *azblob.Client {
	tb.Helper()
	c, err := NewBlobClient(a.ConnectionString())
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// NewBlobClient returns an azblob client for a connection string, with a
// connection pool sized for concurrent tests: azblob's default transport
// keeps only 10 idle connections per host, so 32 concurrent callers would
// keep opening new ones.
func NewBlobClient(connectionString string) (*azblob.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 256
	tr.MaxIdleConnsPerHost = 128
	return azblob.NewClientFromConnectionString(connectionString, &azblob.ClientOptions{
		ClientOptions: azcore.ClientOptions{Transport: &http.Client{Transport: tr}},
	})
}

// Listing returns the ETag of every blob in the account, keyed
// "container/blob": a cheap way to check that nothing was written anywhere
// (a new blob adds a key, an overwrite changes an ETag), even by a request
// whose path escaped its container.
func (a *Azurite) Listing(tb testing.TB) map[string]string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c := a.Client(tb)
	out := map[string]string{}
	pager := c.NewListContainersPager(nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			tb.Fatalf("list containers: %v", err)
		}
		for _, ct := range page.ContainerItems {
			items, err := list(ctx, c, *ct.Name, "")
			if err != nil {
				tb.Fatalf("list container %s: %v", *ct.Name, err)
			}
			for _, b := range items {
				out[*ct.Name+"/"+*b.Name] = string(*b.Properties.ETag)
			}
		}
	}
	return out
}

// ReadAll returns every blob in the account with its content, keyed
// "container/blob", or the first error.
func (a *Azurite) ReadAll() (map[string][]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*blobLimit)
	defer cancel()
	c, err := NewBlobClient(a.ConnectionString())
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	pager := c.NewListContainersPager(nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list containers: %w", err)
		}
		for _, ct := range page.ContainerItems {
			items, err := list(ctx, c, *ct.Name, "")
			if err != nil {
				return nil, fmt.Errorf("list container %s: %w", *ct.Name, err)
			}
			for _, b := range items {
				content, err := readBlob(ctx, c, *ct.Name, *b.Name)
				if err != nil {
					return nil, fmt.Errorf("read blob %s/%s: %w", *ct.Name, *b.Name, err)
				}
				out[*ct.Name+"/"+*b.Name] = content
			}
		}
	}
	return out, nil
}

func list(ctx context.Context, c *azblob.Client, containerName, prefix string) ([]*container.BlobItem, error) {
	var out []*container.BlobItem
	opts := &azblob.ListBlobsFlatOptions{}
	if prefix != "" {
		opts.Prefix = &prefix
	}
	pager := c.NewListBlobsFlatPager(containerName, opts)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if bloberror.HasCode(err, bloberror.ContainerNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, page.Segment.BlobItems...)
	}
	return out, nil
}

// Blobs returns the blobs in a container whose names start with prefix
// (empty: all), with their content; a missing container is an empty map.
func (a *Azurite) Blobs(tb testing.TB, container, prefix string) map[string][]byte {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	c := a.Client(tb)
	items, err := list(ctx, c, container, prefix)
	if err != nil {
		tb.Fatalf("list container %s: %v", container, err)
	}
	names := make([]string, len(items))
	for i, b := range items {
		names[i] = *b.Name
	}

	// Read them a few at a time: a container may hold thousands of blobs.
	out := make(map[string][]byte, len(names))
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
	)
	work := make(chan string)
	for range 16 {
		wg.Go(func() {
			for name := range work {
				content, err := readBlob(ctx, c, container, name)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = fmt.Errorf("read blob %s/%s: %w", container, name, err)
				}
				out[name] = content
				mu.Unlock()
			}
		})
	}
	for _, name := range names {
		work <- name
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		tb.Fatal(firstErr)
	}
	return out
}

// Blob returns one blob's content, and false when it does not exist.
func (a *Azurite) Blob(tb testing.TB, container, name string) ([]byte, bool) {
	tb.Helper()
	content, found, err := a.ReadBlob(container, name)
	if err != nil {
		tb.Fatal(err)
	}
	return content, found
}

// PutBlob writes a blob, creating the container if needed.
func (a *Azurite) PutBlob(tb testing.TB, container, name string, content []byte) {
	tb.Helper()
	if err := a.WriteBlob(container, name, content); err != nil {
		tb.Fatal(err)
	}
}

// blobLimit bounds one blob operation of the helpers below, so that a
// frozen Azurite fails the test; it is not a speed assertion.
const blobLimit = time.Minute

// ReadBlob is Blob for callers that are not the test's goroutine: it
// returns its error.
func (a *Azurite) ReadBlob(container, name string) (content []byte, found bool, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), blobLimit)
	defer cancel()
	c, err := NewBlobClient(a.ConnectionString())
	if err != nil {
		return nil, false, err
	}
	content, err = readBlob(ctx, c, container, name)
	if bloberror.HasCode(err, bloberror.BlobNotFound, bloberror.ContainerNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read blob %s/%s: %w", container, name, err)
	}
	return content, true, nil
}

// WriteBlob is PutBlob for callers that are not the test's goroutine: it
// returns its error.
func (a *Azurite) WriteBlob(container, name string, content []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), blobLimit)
	defer cancel()
	c, err := NewBlobClient(a.ConnectionString())
	if err != nil {
		return err
	}
	if _, err := c.CreateContainer(ctx, container, nil); err != nil && !bloberror.HasCode(err, bloberror.ContainerAlreadyExists) {
		return fmt.Errorf("create container %s: %w", container, err)
	}
	if _, err := c.UploadBuffer(ctx, container, name, content, nil); err != nil {
		return fmt.Errorf("write blob %s/%s: %w", container, name, err)
	}
	return nil
}

func readBlob(ctx context.Context, c *azblob.Client, container, name string) ([]byte, error) {
	resp, err := c.DownloadStream(ctx, container, name, nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("reading the body"), err)
	}
	return b, nil
}
