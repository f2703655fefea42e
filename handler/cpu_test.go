package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/invoke"
	"remote-mcp-functions-go/mcpfunc/internal/proc"
)

// BenchmarkCPUPerInvocation measures, from outside, the process CPU the
// handler spends per invocation, against the least a custom handler can
// do: command envelope (mcpfunc/internal/benchbase/envelope), which reads the body
// and json.Unmarshals it into a map[string]any. Both get the same
// payloads, encoded as the Functions host encodes them
// (invoke.NewToolRequest): a savesnippet of a few lines, and one of 1 MiB.
//
// Each iteration is one round: each server runs as a process of its own
// twice, once with the warm-up calls alone and once with the warm-up and
// the measured calls, one call at a time over keep-alive; the difference
// of the two processes' CPU (user and system, as the OS accounts it at
// exit) divided by the measured calls is its CPU per invocation. The
// servers take turns within a round. It reports the medians over the
// rounds: cpu-us/call for the handler, base-cpu-us/call for envelope, and
// cpu-ratio (handler / envelope, per round). Run it with -benchtime=5x or
// more: one round says little on a noisy machine.
func BenchmarkCPUPerInvocation(b *testing.B) {
	envelope := buildEnvelope(b)
	small := "def bench():\n    return \"a snippet of a typical size, a line or two of code\"\n"
	for _, c := range []struct {
		name        string
		content     string
		warm, calls int
	}{
		{"savesnippet-small", small, 200, 3000},
		{"savesnippet-1MiB", codeOfSize(1 << 20), 5, 40},
	} {
		payload := savePayload(b, c.content)
		b.Run(c.name, func(b *testing.B) {
			var handler, base, ratio []float64
			round := 0
			for b.Loop() {
				servers := []string{binary, envelope}
				if round%2 == 1 {
					slices.Reverse(servers)
				}
				round++
				perCall := map[string]float64{}
				for _, server := range servers {
					idle := processCPU(b, server, payload, c.warm, 0)
					busy := processCPU(b, server, payload, c.warm, c.calls)
					perCall[server] = float64((busy - idle).Microseconds()) / float64(c.calls)
				}
				handler = append(handler, perCall[binary])
				base = append(base, perCall[envelope])
				ratio = append(ratio, perCall[binary]/perCall[envelope])
			}
			b.ReportMetric(median(handler), "cpu-us/call")
			b.ReportMetric(median(base), "base-cpu-us/call")
			b.ReportMetric(median(ratio), "cpu-ratio")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// processCPU runs server (the handler or envelope) as the host runs the
// handler, posts payload warm+calls times, stops it and returns the CPU it
// used in all.
func processCPU(b *testing.B, server string, payload []byte, warm, calls int) time.Duration {
	b.Helper()
	port := freePort(b)
	cmd := exec.Command(server)
	cmd.Env = []string{"FUNCTIONS_CUSTOMHANDLER_PORT=" + port}
	require.NoError(b, proc.Start(cmd))
	exited := false
	defer func() {
		if !exited {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()
	url := "http://127.0.0.1:" + port
	require.NoError(b, waitReady(url, 10*time.Second))
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 1, DisableCompression: true}}
	defer client.CloseIdleConnections()
	for range warm + calls {
		resp, err := client.Post(url+"/savesnippet", "application/json", bytes.NewReader(payload))
		require.NoError(b, err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(b, err)
		require.Equal(b, http.StatusOK, resp.StatusCode, "%s", body)
	}
	client.CloseIdleConnections()
	require.NoError(b, proc.Terminate(cmd.Process))
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		exited = true
		require.NoError(b, err)
	case <-time.After(30 * time.Second):
		b.Fatalf("%s did not stop", filepath.Base(server))
	}
	return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

// savePayload is the host's invocation payload for a savesnippet of
// content, from a Streamable HTTP session with a client's usual headers.
func savePayload(b *testing.B, content string) []byte {
	b.Helper()
	str := func(s string) json.RawMessage { r, _ := json.Marshal(s); return r }
	body, err := invoke.NewToolRequest(&invoke.ToolInvocation{
		Invocation: invoke.Invocation{
			Function:   "savesnippet",
			SessionID:  "5b7c5a54-0f3c-4a4e-9c0e-1f1d3b1e6d55",
			ClientInfo: &invoke.ClientInfo{Name: "bench", Version: "1.0.0"},
			Transport:  "http-streamable",
			Headers: map[string]string{
				"Accept": "application/json, text/event-stream", "Content-Type": "application/json",
				"Host": "myapp.azurewebsites.net", "Mcp-Protocol-Version": "2025-06-18",
				"Mcp-Session-Id": "5b7c5a54-0f3c-4a4e-9c0e-1f1d3b1e6d55", "User-Agent": "bench/1.0",
			},
			Now:      time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
			RandGUID: "0f8fad5b-d9cb-469f-a165-70867728950e",
		},
		Tool:      "savesnippet",
		Arguments: map[string]json.RawMessage{"snippetname": str("bench"), "snippet": str(content)},
	})
	require.NoError(b, err)
	return body
}

// codeOfSize is n bytes of source code: quotes, newlines, tabs and the
// characters JSON encoders escape, as a snippet holds them.
func codeOfSize(n int) string {
	const block = "func handle(w http.ResponseWriter, r *http.Request) {\n" +
		"\tif r.Header.Get(\"Accept\") != \"application/json\" && len(r.URL.Query()) > 0 {\n" +
		"\t\thttp.Error(w, \"<not acceptable>\", 406) // 'quoted' & more\n\t}\n}\n"
	s := strings.Repeat(block, n/len(block)+1)
	return s[:n]
}

// buildEnvelope builds command envelope for this machine.
func buildEnvelope(b *testing.B) string {
	b.Helper()
	out := filepath.Join(b.TempDir(), "envelope")
	if runtime.GOOS == "windows" {
		out += ".exe"
	}
	build := exec.Command("go", "build", "-trimpath", "-o", out, "../internal/benchbase/envelope")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if o, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build envelope: %v\n%s", err, o)
	}
	return out
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}
