package blobstore

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTranslate(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"devstore shortcut", "UseDevelopmentStorage=true", DevelopmentStorage},
		{"shortcut in any case, trailing semicolon", "usedevelopmentstorage=TRUE;", DevelopmentStorage},
		{"shortcut with proxy option", "UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://127.0.0.1", DevelopmentStorage},
		{"key names get azblob's case", "accountname=a;ACCOUNTKEY=k==;blobendpoint=http://127.0.0.1:1/a",
			"AccountName=a;AccountKey=k==;BlobEndpoint=http://127.0.0.1:1/a"},
		{"values untouched, = inside a value kept", "AccountName=a;SharedAccessSignature=sv=1&sig=x%3D", "AccountName=a;SharedAccessSignature=sv=1&sig=x%3D"},
		{"shortcut false is not the shortcut", "UseDevelopmentStorage=false", "UseDevelopmentStorage=false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Translate(tt.in))
		})
	}
}

func TestConnectionString(t *testing.T) {
	settings := map[string]string{
		"AzureWebJobsStorage":       "UseDevelopmentStorage=true",
		"AzureWebJobsOther":         "AccountName=o;AccountKey=a2V5",
		"Blank":                     " ",
		"Managed__blobServiceUri":   "https://x.blob.core.windows.net",
		"AzureWebJobsStorageBackup": "",
	}
	lookup := func(k string) (string, bool) { v, ok := settings[k]; return v, ok }
	tests := []struct{ name, conn, want, wantErr string }{
		{name: "the setting itself", conn: "AzureWebJobsStorage", want: "UseDevelopmentStorage=true"},
		{name: "AzureWebJobs prefix", conn: "Other", want: "AccountName=o;AccountKey=a2V5"},
		{name: "blank is not set", conn: "Blank", wantErr: "not found"},
		{name: "identity-based", conn: "Managed", wantErr: "identity-based"},
		{name: "missing", conn: "Nope", wantErr: "not found: Nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ConnectionString(tt.conn, lookup)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// Accounts opens each setting once and shares it; a setting that cannot
// be opened yet is tried again.
func TestAccounts(t *testing.T) {
	settings := map[string]string{"AzureWebJobsStorage": "UseDevelopmentStorage=true", "AzureWebJobsOther": "UseDevelopmentStorage=true"}
	var mu sync.Mutex
	lookup := func(k string) (string, bool) { mu.Lock(); defer mu.Unlock(); v, ok := settings[k]; return v, ok }
	accts := NewAccounts(lookup, nil)
	a1, err := accts.Open("AzureWebJobsStorage")
	require.NoError(t, err)
	a2, err := accts.Open("AzureWebJobsStorage")
	require.NoError(t, err)
	assert.Same(t, a1, a2, "one account per setting")
	other, err := accts.Open("Other")
	require.NoError(t, err)
	assert.NotSame(t, a1, other, "one per setting, not one for all")

	_, err = accts.Open("Later")
	require.ErrorIs(t, err, ErrNoConnection)
	mu.Lock()
	settings["Later"] = "UseDevelopmentStorage=true"
	mu.Unlock()
	later, err := accts.Open("Later")
	require.NoError(t, err, "a failure is not kept")
	assert.NotNil(t, later)
}

func TestSplitPath(t *testing.T) {
	tests := []struct{ path, container, blob string }{
		{"items/a1.json", "items", "a1.json"},
		{"/items/a1.json", "items", "a1.json"},
		{"items/dir/a1.json", "items", "dir/a1.json"},
		{"items", "", ""},
		{"items/", "", ""},
		{"/a1.json", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			c, b, err := SplitPath(tt.path)
			if tt.container == "" {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.container, c)
			assert.Equal(t, tt.blob, b)
		})
	}
}

// fakeStorage answers the few Blob service requests an Account makes, the
// way Azure Storage and Azurite do (status plus x-ms-error-code, ETags,
// If-Match and If-None-Match on Put Blob and Put Block List, staged
// blocks).
type fakeStorage struct {
	mu         sync.Mutex
	containers map[string]bool
	blobs      map[string][]byte
	etags      map[string]string
	staged     map[string][]byte // "container/blob/blockid"
	version    int
	fail       int // status to answer every request with, when not 0
	requests   []string
}

func newFakeStorage() *fakeStorage {
	return &fakeStorage{containers: map[string]bool{}, blobs: map[string][]byte{}, etags: map[string]string{}, staged: map[string][]byte{}}
}

func (f *fakeStorage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	// Path: /<account>/<container>[/<blob>]
	parts := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 3)
	q := r.URL.Query()
	f.requests = append(f.requests, r.Method+" "+r.URL.Path+"?"+q.Get("restype")+q.Get("comp"))
	fail := func(status int, code string) {
		w.Header().Set("x-ms-error-code", code)
		w.WriteHeader(status)
	}
	if f.fail != 0 {
		fail(f.fail, "InternalError")
		return
	}
	container := parts[1]
	if r.Method == http.MethodPut && q.Get("restype") == "container" {
		if f.containers[container] {
			fail(409, "ContainerAlreadyExists")
			return
		}
		f.containers[container] = true
		w.WriteHeader(201)
		return
	}
	if !f.containers[container] {
		fail(404, "ContainerNotFound")
		return
	}
	path := container + "/" + parts[2]
	etag, exists := f.etags[path]
	// The conditions, as storage checks them on writes.
	if r.Method == http.MethodPut && q.Get("comp") != "block" {
		if m := r.Header.Get("If-Match"); m != "" && m != etag {
			fail(412, "ConditionNotMet")
			return
		}
		if r.Header.Get("If-None-Match") == "*" && exists {
			fail(409, "BlobAlreadyExists")
			return
		}
	}
	commit := func(b []byte) {
		f.version++
		f.blobs[path] = b
		f.etags[path] = fmt.Sprintf(`"0x%d"`, f.version)
		w.Header().Set("ETag", f.etags[path])
		w.WriteHeader(201)
	}
	switch {
	case r.Method == http.MethodPut && q.Get("comp") == "block":
		b, _ := io.ReadAll(r.Body)
		f.staged[path+"/"+q.Get("blockid")] = b
		w.WriteHeader(201)
	case r.Method == http.MethodPut && q.Get("comp") == "blocklist":
		var list struct {
			Latest []string `xml:"Latest"`
		}
		body, _ := io.ReadAll(r.Body)
		if err := xml.Unmarshal(body, &list); err != nil {
			fail(400, "InvalidXmlDocument")
			return
		}
		var content []byte
		for _, id := range list.Latest {
			b, ok := f.staged[path+"/"+id]
			if !ok {
				fail(400, "InvalidBlockList")
				return
			}
			content = append(content, b...)
		}
		commit(content)
	case r.Method == http.MethodPut:
		b, _ := io.ReadAll(r.Body)
		commit(b)
	case r.Method == http.MethodHead || r.Method == http.MethodGet:
		b, ok := f.blobs[path]
		if !ok {
			fail(404, "BlobNotFound")
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "application/octet-stream")
		if r.Method == http.MethodGet {
			_, _ = w.Write(b)
		}
	case r.Method == http.MethodDelete:
		if !exists {
			fail(404, "BlobNotFound")
			return
		}
		delete(f.blobs, path)
		delete(f.etags, path)
		w.WriteHeader(202)
	default:
		fail(400, "UnsupportedHttpVerb")
	}
}

func openFake(t *testing.T, f http.Handler, conn string) *Account {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	if conn == "" {
		conn = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=c2VjcmV0a2V5;BlobEndpoint=" + srv.URL + "/devstoreaccount1"
	} else {
		conn = strings.ReplaceAll(conn, "URL", srv.URL)
	}
	acct, err := Open(conn, &Options{MaxRetries: -1})
	require.NoError(t, err)
	return acct
}

func TestReadWrite(t *testing.T) {
	f := newFakeStorage()
	acct := openFake(t, f, "")
	ctx := context.Background()

	_, found, err := acct.Read(ctx, "items", "a1.json")
	require.NoError(t, err, "a missing container reads as a missing blob")
	assert.False(t, found)

	require.NoError(t, acct.Write(ctx, "items", "a1.json", []byte("print(1)"), nil))
	assert.True(t, f.containers["items"], "the container is created on first write")

	data, found, err := acct.Read(ctx, "items", "a1.json")
	require.NoError(t, err)
	assert.True(t, found)
	assert.Equal(t, "print(1)", string(data))

	_, found, err = acct.Read(ctx, "items", "other.json")
	require.NoError(t, err, "a missing blob is not an error")
	assert.False(t, found)

	f.requests = nil
	require.NoError(t, acct.Write(ctx, "items", "a2.json", []byte("x"), nil))
	assert.Equal(t, []string{
		"PUT /devstoreaccount1/items/a2.json?",          // the host's empty blob
		"PUT /devstoreaccount1/items/a2.json?block",     // the content
		"PUT /devstoreaccount1/items/a2.json?blocklist", // committed if still that empty blob
	}, f.requests, "the host's steps; an existing container costs no extra request")

	f.requests = nil
	v, err := acct.Current(ctx, "items", "a2.json")
	require.NoError(t, err)
	require.NoError(t, acct.Write(ctx, "items", "a2.json", []byte("y"), &v))
	assert.Equal(t, []string{"HEAD /devstoreaccount1/items/a2.json?", "PUT /devstoreaccount1/items/a2.json?"}, f.requests,
		"a conditional write is one request")
}

// TestConditionalWrite: a write made on condition of the version the
// caller saw lands while the blob is still that version, and fails with
// ErrChanged, writing nothing, once someone else wrote or deleted it.
func TestConditionalWrite(t *testing.T) {
	f := newFakeStorage()
	acct := openFake(t, f, "")
	ctx := context.Background()
	content := func() string {
		b, _, err := acct.Read(ctx, "items", "n.json")
		require.NoError(t, err)
		return string(b)
	}

	absent, err := acct.Current(ctx, "items", "n.json")
	require.NoError(t, err, "a missing container")
	assert.False(t, absent.Exists())
	require.NoError(t, acct.Write(ctx, "items", "n.json", []byte("first"), &absent), "absent, and still absent: created with its container")

	err = acct.Write(ctx, "items", "n.json", []byte("late"), &absent)
	require.ErrorIs(t, err, ErrChanged, "it exists now")
	assert.NotErrorIs(t, err, ErrUnconfirmed)
	assert.Equal(t, "first", content())
	var se *Error
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "storage write items/n.json: storage answered HTTP 409 BlobAlreadyExists: the blob changed since the call saw it", se.Error())

	v1, err := acct.Current(ctx, "items", "n.json")
	require.NoError(t, err)
	require.True(t, v1.Exists())
	require.NoError(t, acct.Write(ctx, "items", "n.json", []byte("second"), &v1))
	err = acct.Write(ctx, "items", "n.json", []byte("late"), &v1)
	require.ErrorIs(t, err, ErrChanged, "written since v1")
	assert.Equal(t, "second", content())

	v2, err := acct.Current(ctx, "items", "n.json")
	require.NoError(t, err)
	_, err = acct.Delete(ctx, "items", "n.json")
	require.NoError(t, err)
	require.ErrorIs(t, acct.Write(ctx, "items", "n.json", []byte("late"), &v2), ErrChanged, "deleted since v2")
	_, found, _ := acct.Read(ctx, "items", "n.json")
	assert.False(t, found, "still deleted")

	gone, err := acct.Current(ctx, "items", "n.json")
	require.NoError(t, err)
	assert.Equal(t, Version{}, gone)

	require.NoError(t, acct.Write(ctx, "items", "n.json", []byte("again"), &gone))
	v3, err := acct.Current(ctx, "items", "n.json")
	require.NoError(t, err)
	f.mu.Lock()
	f.containers["items"] = false // the container is deleted, and the blob with it
	f.mu.Unlock()
	require.ErrorIs(t, acct.Write(ctx, "items", "n.json", []byte("late"), &v3), ErrChanged, "its container deleted since v3")
	f.mu.Lock()
	assert.False(t, f.containers["items"], "a refused write does not bring the container back")
	f.mu.Unlock()
}

// Errors say what failed without the URL (a SAS connection carries its
// token there) or the connection string.
func TestErrorsCarryNoSecrets(t *testing.T) {
	f := newFakeStorage()
	f.fail = http.StatusInternalServerError
	acct := openFake(t, f, "BlobEndpoint=URL/devstoreaccount1;SharedAccessSignature=sv=2024&sig=SECRETSIG")
	assert.NotContains(t, acct.BlobEndpoint(), "SECRETSIG")
	assert.NotContains(t, acct.BlobEndpoint(), "?")

	_, _, err := acct.Read(context.Background(), "items", "a1.json")
	require.Error(t, err)
	var se *Error
	require.True(t, errors.As(err, &se))
	assert.Equal(t, 500, se.Status)
	assert.Equal(t, "InternalError", se.Code)
	assert.Equal(t, "storage read items/a1.json: storage answered HTTP 500 InternalError", err.Error())

	err = acct.Write(context.Background(), "items", "a1.json", []byte("content-SECRET"), nil)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "SECRETSIG")
	assert.NotContains(t, err.Error(), "content-SECRET")
	assert.NotErrorIs(t, err, ErrUnconfirmed, "storage answered: it did nothing")
}

// TestErrorsNameNoTypes: a failure no case knows (here an https endpoint
// that speaks plain HTTP) is described in words, with neither a Go type
// name nor the URL.
func TestErrorsNameNoTypes(t *testing.T) {
	srv := httptest.NewServer(newFakeStorage())
	t.Cleanup(srv.Close)
	endpoint := strings.Replace(srv.URL, "http://", "https://", 1)
	acct, err := Open("AccountName=a;BlobEndpoint="+endpoint+"/a;SharedAccessSignature=sv=2024&sig=SECRETSIG", &Options{MaxRetries: -1})
	require.NoError(t, err)
	_, _, err = acct.Read(context.Background(), "items", "a1.json")
	var se *Error
	require.ErrorAs(t, err, &se)
	assert.True(t, strings.HasPrefix(se.Reason, "request failed: "), se.Reason)
	assert.NotContains(t, se.Reason, "*", "no Go type name")
	assert.NotRegexp(t, `\b[a-z]+\.[A-Z][A-Za-z]*\b`, se.Reason, "no Go type name (package.Type)")
	assert.NotContains(t, se.Reason, "SECRETSIG")
	assert.NotContains(t, se.Reason, "127.0.0.1:", "no URL")
}

func TestUnreachableStorage(t *testing.T) {
	acct, err := Open("DefaultEndpointsProtocol=http;AccountName=a;AccountKey=c2VjcmV0;BlobEndpoint=http://127.0.0.1:1/a", &Options{MaxRetries: -1})
	require.NoError(t, err, "Open sends nothing, so it works while storage is down")
	_, _, err = acct.Read(context.Background(), "items", "a1.json")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "storage unreachable")
	assert.Contains(t, err.Error(), "connection refused")
	err = acct.Write(context.Background(), "items", "a1.json", []byte("x"), &Version{})
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrUnconfirmed, "nothing was sent")
	assert.NotErrorIs(t, err, ErrChanged)
}

func TestOpenRejectsMalformed(t *testing.T) {
	for _, conn := range []string{"", "garbage", "AccountName=a"} {
		_, err := Open(conn, nil)
		assert.Error(t, err, conn)
	}
}

// hangingStorage accepts connections and reads requests but never answers,
// as a stuck storage endpoint does; it counts the connections (one per try).
func hangingStorage(t *testing.T) (url string, tries func() int) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var mu sync.Mutex
	n := 0
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			n++
			conns = append(conns, c)
			mu.Unlock()
			go func() { _, _ = io.Copy(io.Discard, c) }()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String(), func() int { mu.Lock(); defer mu.Unlock(); return n }
}

// TestStorageHang: a storage endpoint that never answers costs one
// operation its budget, retries included, and the error says so.
func TestStorageHang(t *testing.T) {
	url, tries := hangingStorage(t)
	acct, err := Open("DefaultEndpointsProtocol=http;AccountName=a;AccountKey=c2VjcmV0;BlobEndpoint="+url+"/a",
		&Options{TryTimeout: 50 * time.Millisecond, Budget: time.Second, RetryDelay: time.Millisecond, MaxRetries: 100})
	require.NoError(t, err)
	for _, op := range []struct {
		run  func() error
		sent bool // changes the blob: sent and unanswered, it may have
	}{
		{func() error { _, _, err := acct.Read(context.Background(), "items", "a1.json"); return err }, false},
		{func() error { return acct.Write(context.Background(), "items", "a1.json", []byte("x"), nil) }, true},
		{func() error { return acct.Write(context.Background(), "items", "a1.json", []byte("x"), &Version{}) }, true},
		{func() error { _, err := acct.Delete(context.Background(), "items", "a1.json"); return err }, true},
	} {
		before := tries()
		err := op.run()
		var se *Error
		require.ErrorAs(t, err, &se)
		assert.Equal(t, "storage did not answer within 1s", se.Reason)
		assert.Equal(t, op.sent, errors.Is(err, ErrUnconfirmed), "%v", err)
		// Bounds with room for a loaded machine: a try's 50ms is a
		// twentieth of the budget.
		assert.GreaterOrEqual(t, tries()-before, 2, "the try timeout ends a try and it is retried")
		assert.LessOrEqual(t, tries()-before, 21, "the budget ends the operation: at most 21 tries of 50ms fit in 1s")
	}
	// The caller's own deadline is its own, not the budget.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, _, err = acct.Read(ctx, "items", "a1.json")
	var se *Error
	require.ErrorAs(t, err, &se)
	assert.NotContains(t, se.Reason, "1s")
}

// lostAnswer is storage whose first write lands and whose answer is lost
// (the connection breaks after the request was sent); then it answers as
// fakeStorage does, so the repeated try finds the blob changed.
type lostAnswer struct {
	*fakeStorage
	mu    sync.Mutex
	first bool
}

func (l *lostAnswer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	drop := r.Method == http.MethodPut && r.URL.Query().Get("restype") == "" && !l.first
	if drop {
		l.first = true
	}
	l.mu.Unlock()
	if !drop {
		l.fakeStorage.ServeHTTP(w, r)
		return
	}
	l.fakeStorage.ServeHTTP(httptest.NewRecorder(), r) // it lands …
	c, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		c.Close() // … and its answer never comes
	}
}

// TestRepeatedTryRefused: when a try's answer is lost and the repeated try
// is refused because the blob changed, the change may be the first try's
// own: the outcome is unconfirmed, not "changed", and reading back tells.
func TestRepeatedTryRefused(t *testing.T) {
	f := &lostAnswer{fakeStorage: newFakeStorage()}
	f.containers["items"] = true
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	acct, err := Open("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=c2VjcmV0a2V5;BlobEndpoint="+srv.URL+"/devstoreaccount1",
		&Options{MaxRetries: 1, RetryDelay: time.Millisecond})
	require.NoError(t, err)
	err = acct.Write(context.Background(), "items", "r.json", []byte("once"), &Version{})
	require.ErrorIs(t, err, ErrUnconfirmed)
	assert.NotErrorIs(t, err, ErrChanged)
	assert.Equal(t, "storage write items/r.json: storage answered HTTP 409 BlobAlreadyExists to a repeated try (sent, unanswered: it may or may not have taken effect)", err.Error())
	got, _, err := acct.Read(context.Background(), "items", "r.json")
	require.NoError(t, err)
	assert.Equal(t, "once", string(got), "the first try landed")
	f.mu.Lock()
	assert.True(t, f.first)
	f.mu.Unlock()
}

func TestDefaultBudget(t *testing.T) {
	acct, err := Open("UseDevelopmentStorage=true", nil)
	require.NoError(t, err)
	assert.Equal(t, 20*time.Second, acct.budget, "well inside the 60 s many MCP clients wait")
}

// TestCheckName follows the host's blob binding rules
// (BlobNameValidationAttribute): hand-checked names on each side of them.
func TestCheckName(t *testing.T) {
	ok := []struct{ container, blob string }{
		{"items", "a1.json"},
		{"abc", strings.Repeat("n", 1024)},
		{"a-b-c", "dir/file.json"},
		{"$root", "x"},
		{"items", strings.Repeat("é", 1024)}, // 1024 UTF-16 units
	}
	for _, tt := range ok {
		assert.NoError(t, CheckName(tt.container, tt.blob), "%s/%.20s", tt.container, tt.blob)
	}
	bad := []struct{ container, blob, want string }{
		{"Items", "a", "invalid container name"},
		{"ab", "a", "invalid container name"},
		{"items", "", "empty blob name"},
		{"items", strings.Repeat("n", 1025), "is 1025 characters long; storage allows 1024"},
		{"items", strings.Repeat("🎉", 513), "is 1026 characters long"}, // two UTF-16 units each
		{"items", "a.", "ends in '.' or '/'"},
		{"items", "a/", "ends in '.' or '/'"},
		{"items", `a\b`, `holds a '\'`},
	}
	for _, tt := range bad {
		err := CheckName(tt.container, tt.blob)
		require.Error(t, err, "%s/%.20s", tt.container, tt.blob)
		assert.Contains(t, err.Error(), tt.want)
		assert.Less(t, len(err.Error()), 400, "the message quotes the start of a long name only")
	}
}
