// Package bodylimittest has what the tests of the servers that read bodies
// with package bodylimit share: a request whose body is announced and not
// sent.
package bodylimittest

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Post sends the head of a POST to path on the server at url
// (http://host:port), announcing a body of length bytes, then as much of
// a body as given, and reads the answer: the server must answer without
// waiting for the rest, within 10 seconds. The head says Content-Type:
// application/json and accepts what an MCP client accepts.
func Post(t testing.TB, url, path string, length int, body string) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: %d\r\n\r\n%s", path, length, body); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer without the body: %v", err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}
