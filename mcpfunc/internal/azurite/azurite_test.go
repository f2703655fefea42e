package azurite

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"remote-mcp-functions-go/mcpfunc/internal/devstore"
	"remote-mcp-functions-go/mcpfunc/internal/freeport"
	"remote-mcp-functions-go/mcpfunc/internal/lines"
	"remote-mcp-functions-go/mcpfunc/internal/nodetool"
	"remote-mcp-functions-go/mcpfunc/internal/proc"
)

var root = func() string {
	p, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		panic(err)
	}
	return p
}()

// Start on free ports; Probe recognises it; Stop closes its ports and
// exits cleanly.
func TestStartProbeStop(t *testing.T) {
	out := &lines.Buffer{}
	s, err := Start(context.Background(), Options{Root: root, Dir: t.TempDir(), Output: out, Attached: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []int{s.BlobPort, s.QueuePort, s.TablePort} {
		if p == 0 || p == devstore.BlobPort {
			t.Fatalf("ports %d/%d/%d: want free ones, not the defaults", s.BlobPort, s.QueuePort, s.TablePort)
		}
	}
	if err := Probe(context.Background(), s.BlobPort); err != nil {
		t.Fatalf("Probe of our Azurite: %v", err)
	}
	if !strings.Contains(s.ConnectionString(), "BlobEndpoint=http://127.0.0.1:"+strconv.Itoa(s.BlobPort)+"/devstoreaccount1;") {
		t.Fatalf("connection string %q", s.ConnectionString())
	}
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := Probe(context.Background(), s.BlobPort); !errors.Is(err, ErrNothing) {
		t.Fatalf("Probe after Stop: %v, want ErrNothing", err)
	}
	if !strings.Contains(out.String(), "Blob service is successfully listening") {
		t.Fatalf("Output did not get Azurite's output: %q", out.String())
	}
}

// An Azurite started without --skipApiVersionCheck (as a developer may
// have one running) is told apart from a usable one.
func TestProbeSeesAPIVersionCheck(t *testing.T) {
	ports, err := freeport.GetN(3)
	if err != nil {
		t.Fatal(err)
	}
	cmd, err := nodetool.Command(root, "azurite", "", "--silent", "--disableTelemetry", "--location", t.TempDir(),
		"--blobPort", strconv.Itoa(ports[0]), "--queuePort", strconv.Itoa(ports[1]), "--tablePort", strconv.Itoa(ports[2]))
	if err != nil {
		t.Fatal(err)
	}
	c, err := proc.StartChild(cmd, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop(context.Background(), 20*time.Second) })
	for {
		err := Probe(context.Background(), ports[0])
		if errors.Is(err, ErrChecksAPIVersion) {
			break
		}
		if !errors.Is(err, ErrNothing) {
			t.Fatalf("Probe: %v, want ErrChecksAPIVersion", err)
		}
		if c.Exited() {
			t.Fatalf("azurite exited: %v", c.Err())
		}
		time.Sleep(20 * time.Millisecond) // still starting
	}
}

func TestProbeRefusesOthers(t *testing.T) {
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Server", "nginx")
		w.WriteHeader(http.StatusForbidden)
	}))
	defer web.Close()
	port := web.Listener.Addr().(*net.TCPAddr).Port
	if err := Probe(context.Background(), port); !errors.Is(err, ErrNotAzurite) {
		t.Fatalf("a web server: %v, want ErrNotAzurite", err)
	}

	// A listener that never speaks HTTP.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("SSH-2.0-OpenSSH\r\n"))
			c.Close()
		}
	}()
	if err := Probe(context.Background(), ln.Addr().(*net.TCPAddr).Port); !errors.Is(err, ErrNotAzurite) {
		t.Fatalf("a non-HTTP server: %v, want ErrNotAzurite", err)
	}

	free, err := freeport.Get()
	if err != nil {
		t.Fatal(err)
	}
	if err := Probe(context.Background(), free); !errors.Is(err, ErrNothing) {
		t.Fatalf("a free port: %v, want ErrNothing", err)
	}
}

func TestStartReportsAFailure(t *testing.T) {
	// Azurite cannot bind a port that is taken: it exits, and Start says so
	// with its output.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, err = Start(context.Background(), Options{Root: root, Dir: t.TempDir(), BlobPort: ln.Addr().(*net.TCPAddr).Port, Attached: true})
	if err == nil || !strings.Contains(err.Error(), "azurite exited before listening") {
		t.Fatalf("Start on a taken port: %v", err)
	}
}
