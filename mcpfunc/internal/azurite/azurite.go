// Package azurite launches Azurite, the local Azure Storage emulator, and
// recognises one that already runs. It is the one launcher behind both
// `make start` (fixed ports 10000-10002, for a person) and the tests (free
// ports, beside a developer's own Azurite).
//
// Azurite is started with:
//
//   - --disableTelemetry: nothing leaves the machine;
//   - --skipApiVersionCheck: the Azure SDK for Go sends an API version newer
//     than Azurite 3.35 knows, and Azurite would refuse every call;
//   - --silent: no access log (tests make thousands of requests);
//   - 127.0.0.1 for the blob, queue and table services.
//
// [Probe] tells what already listens on a blob port: an Azurite that can
// be reused, one that checks API versions (and would refuse the Go SDK),
// or something else.
package azurite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"remote-mcp-functions-go/mcpfunc/internal/devstore"
	"remote-mcp-functions-go/mcpfunc/internal/lines"
	"remote-mcp-functions-go/mcpfunc/internal/nodetool"
	"remote-mcp-functions-go/mcpfunc/internal/proc"
)

// Options say how to start Azurite.
type Options struct {
	// Root is the repository, whose node_modules holds the pinned Azurite.
	Root string
	// Dir holds Azurite's data; it must exist.
	Dir string
	// Ports of the blob, queue and table services; 0 lets Azurite pick a
	// free one, which Start reads from its output.
	BlobPort, QueuePort, TablePort int
	// Output receives everything Azurite prints; nil discards it.
	Output io.Writer
	// Attached keeps Azurite in this process's process group, so that a
	// Ctrl+C in the terminal stops it too (tests). Otherwise it has a group
	// of its own and only its parent stops it, in order (make start).
	Attached bool
	// StartTimeout bounds the start; zero means 90 s, enough for a first
	// start on a cold disk.
	StartTimeout time.Duration
	// StopGrace is how long Stop waits before it kills; zero means 20 s:
	// Azurite closes its keep-alive connections first, which takes a few
	// seconds when clients are connected.
	StopGrace time.Duration
}

// Server is a running Azurite started by [Start].
type Server struct {
	// Ports the services listen on.
	BlobPort, QueuePort, TablePort int

	grace time.Duration
	child *proc.Child
	mu    sync.Mutex
	tail  []byte // the last output, for error messages
}

var listening = regexp.MustCompile(`Azurite (Blob|Queue|Table) service is successfully listening at http://127\.0\.0\.1:(\d+)`)

// tailSize is how much of Azurite's last output an error message quotes.
const tailSize = 4000

// Start starts Azurite and returns once its three services listen. On
// failure Azurite is stopped and the error quotes its last output.
func Start(ctx context.Context, opts Options) (*Server, error) {
	cmd, err := nodetool.Command(opts.Root, "azurite", "",
		"--blobHost", "127.0.0.1", "--blobPort", strconv.Itoa(opts.BlobPort),
		"--queueHost", "127.0.0.1", "--queuePort", strconv.Itoa(opts.QueuePort),
		"--tableHost", "127.0.0.1", "--tablePort", strconv.Itoa(opts.TablePort),
		"--location", opts.Dir,
		"--disableTelemetry", "--skipApiVersionCheck", "--silent",
	)
	if err != nil {
		return nil, err
	}
	cmd.Dir = opts.Dir
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = 90 * time.Second
	}
	if opts.StopGrace <= 0 {
		opts.StopGrace = 20 * time.Second
	}
	s := &Server{grace: opts.StopGrace}

	type service struct {
		name string
		port int
	}
	ready := make(chan service, 3)
	scan := lines.NewWriter(func(line []byte) {
		if m := listening.FindSubmatch(line); m != nil {
			port, _ := strconv.Atoi(string(m[2]))
			ready <- service{string(m[1]), port}
		}
	})
	out := opts.Output
	if out == nil {
		out = io.Discard
	}
	w := io.MultiWriter(out, scan, writerFunc(s.keepTail))
	cmd.Stdout, cmd.Stderr = w, w
	s.child, err = proc.StartChild(cmd, opts.Attached)
	if err != nil {
		return nil, fmt.Errorf("start azurite: %w", err)
	}
	timeout := time.NewTimer(opts.StartTimeout)
	defer timeout.Stop()
	for seen := 0; seen < 3; seen++ {
		select {
		case sv := <-ready:
			switch sv.name {
			case "Blob":
				s.BlobPort = sv.port
			case "Queue":
				s.QueuePort = sv.port
			case "Table":
				s.TablePort = sv.port
			}
		case <-s.child.Done():
			return nil, fmt.Errorf("azurite exited before listening (%v); its output:\n%s", s.child.Err(), s.Tail())
		case <-timeout.C:
			s.Stop()
			return nil, fmt.Errorf("azurite did not listen within %v; its output:\n%s", opts.StartTimeout, s.Tail())
		case <-ctx.Done():
			s.Stop()
			return nil, ctx.Err()
		}
	}
	return s, nil
}

type writerFunc func([]byte)

func (f writerFunc) Write(p []byte) (int, error) { f(p); return len(p), nil }

func (s *Server) keepTail(p []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tail = append(s.tail, p...)
	if len(s.tail) > 2*tailSize {
		s.tail = append(s.tail[:0], s.tail[len(s.tail)-tailSize:]...)
	}
}

// Tail is the end of what Azurite printed, for error messages.
func (s *Server) Tail() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := string(s.tail)
	if len(t) > tailSize {
		t = "…" + t[len(t)-tailSize:]
	}
	return t
}

// PID is Azurite's process id.
func (s *Server) PID() int { return s.child.Pid() }

// Done is closed once Azurite has exited.
func (s *Server) Done() <-chan struct{} { return s.child.Done() }

// ErrKilled reports an Azurite that did not stop when asked and was killed.
var ErrKilled = errors.New("azurite did not exit when asked to stop and was killed")

// Stop stops Azurite (a stop request, then a kill after the grace
// period) and returns its exit error: nil for a clean exit.
func (s *Server) Stop() error {
	if s.child.Exited() {
		return exitErr(s.child.Err())
	}
	if s.child.Stop(context.Background(), s.grace) {
		return fmt.Errorf("%w (grace %v)", ErrKilled, s.grace)
	}
	return exitErr(s.child.Err())
}

func exitErr(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("azurite exited: %w", err)
}

// ConnectionString is an AzureWebJobsStorage value for this Azurite.
func (s *Server) ConnectionString() string {
	return devstore.ConnectionString(s.BlobPort, s.QueuePort, s.TablePort)
}

// What [Probe] found on a port.
var (
	// ErrNothing: nothing accepts connections there.
	ErrNothing = errors.New("nothing listens")
	// ErrNotAzurite: something answers, but not as Azurite.
	ErrNotAzurite = errors.New("not Azurite")
	// ErrChecksAPIVersion: an Azurite started without
	// --skipApiVersionCheck, which refuses the Azure SDK for Go's requests.
	ErrChecksAPIVersion = errors.New("azurite checks API versions")
)

// futureVersion is an API version no Azurite knows: one that checks
// versions refuses it, saying so.
const futureVersion = "2099-01-01"

// Probe tells what listens on 127.0.0.1:blobPort: nil for an Azurite the
// Go SDK can use, else ErrNothing, ErrNotAzurite or ErrChecksAPIVersion.
// One unauthenticated request, refused either way: it writes nothing.
func Probe(ctx context.Context, blobPort int) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, devstore.Endpoint(blobPort)+"?comp=list", nil)
	if err != nil {
		return err
	}
	req.Header.Set("x-ms-version", futureVersion)
	client := &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		// A listener that accepts and says nothing HTTP is not Azurite;
		// a refused connection is nothing at all.
		if isRefused(err) {
			return ErrNothing
		}
		return fmt.Errorf("%w: %v", ErrNotAzurite, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if !strings.HasPrefix(strings.ToLower(resp.Header.Get("Server")), "azurite") {
		return ErrNotAzurite
	}
	if strings.Contains(resp.Status+string(body), "is not supported by Azurite") {
		return ErrChecksAPIVersion
	}
	return nil
}
