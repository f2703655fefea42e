// Command memload measures a server's memory under load, from outside:
// connections that each announce a large body (Content-Length) and send it
// slowly, or many initialize requests that open sessions and never close
// them. It reads the server process's resident memory from
// /proc/<pid>/status (Linux) every 50 ms and prints the peak, the
// resident memory when the load ends, and after an idle wait.
//
// The figures in docs/hostings.md#memory-under-load were measured so, against
// the staged handler (go run ./mcpfunc/cmd/pack -local -app DIR) in each hosting
// and against devhost, with Azurite on ports 20000-20002:
//
//	FUNCTIONS_CUSTOMHANDLER_PORT=21001 DIR/handler &
//	memload -pid $! -url http://127.0.0.1:21001/put -kind invocation -announce 50331648
//	MCP_HOSTING=self AzureWebJobsStorage=… MCP_EXTENSION_KEY=K DIR/handler -listen 127.0.0.1:21002 &
//	memload -pid $! -url http://127.0.0.1:21002/mcp -key K -announce 15728640 -tool put -args key,value
//	AzureWebJobsStorage=… MCP_EXTENSION_KEY=K devhost -app DIR -addr 127.0.0.1:21003 &
//	memload -pid $! -url http://127.0.0.1:21003/runtime/webhooks/mcp -key K -sessions 20000
//
// It is a measurement, never a test: the figures depend on the machine.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func rss(pid int) (cur, hwm int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1, -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			cur = v << 10
		case "VmHWM:":
			hwm = v << 10
		}
	}
	return
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

func main() {
	target := flag.String("url", "", "endpoint URL")
	kind := flag.String("kind", "mcp", "mcp (a tools/call) or invocation (the host's payload)")
	tool := flag.String("tool", "put", "with -kind mcp: the tool called, and its two string arguments (-args), the second one large")
	args := flag.String("args", "key,value", "with -kind mcp: the tool's two string arguments, name,text")
	key := flag.String("key", "", "x-functions-key")
	pid := flag.Int("pid", 0, "pid to watch")
	conns := flag.Int("conns", 40, "connections")
	announce := flag.Int64("announce", 48<<20, "Content-Length announced")
	rate := flag.Int64("rate", 2<<20, "bytes per second each connection sends")
	sessions := flag.Int("sessions", 0, "instead: this many initialize requests (no body load)")
	idle := flag.Duration("idle", 60*time.Second, "idle wait after the load")
	limit := flag.Duration("limit", 90*time.Second, "longest a connection sends")
	flag.Parse()

	base, _ := rss(*pid)
	fmt.Printf("baseline RSS %s\n", mib(base))
	var peak atomic.Int64
	stop := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Add(1)
	go func() {
		defer sampler.Done()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if c, _ := rss(*pid); c > peak.Load() {
				peak.Store(c)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	start := time.Now()
	statuses := map[string]int{}
	var mu sync.Mutex
	note := func(s string) { mu.Lock(); statuses[s]++; mu.Unlock() }
	if *sessions > 0 {
		runSessions(*target, *key, *sessions, note)
	} else {
		u, _ := url.Parse(*target)
		var wg sync.WaitGroup
		for i := range *conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				note(slowPost(u, *kind, *tool, *args, *key, *announce, *rate, *limit, i))
			}()
		}
		wg.Wait()
	}
	close(stop)
	sampler.Wait()
	end, hwm := rss(*pid)
	fmt.Printf("load took %v; answers: %v\n", time.Since(start).Round(time.Second), sorted(statuses))
	fmt.Printf("peak RSS %s (VmHWM %s); at the end %s\n", mib(peak.Load()), mib(hwm), mib(end))
	time.Sleep(*idle)
	after, _ := rss(*pid)
	fmt.Printf("after %v idle RSS %s\n", *idle, mib(after))
}

func sorted(m map[string]int) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	var b strings.Builder
	for _, k := range ks {
		fmt.Fprintf(&b, "%s×%d ", k, m[k])
	}
	return b.String()
}

// slowPost announces n bytes and sends them at rate, until the server
// answers or closes, or limit passes.
func slowPost(u *url.URL, kind, tool, args, key string, n, rate int64, limit time.Duration, i int) string {
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		return "dial error"
	}
	defer conn.Close()
	var prefix, suffix string
	if kind == "mcp" {
		name, text, _ := strings.Cut(args, ",")
		prefix = fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":%q,"arguments":{%q:"big%d",%q:"`, i, tool, name, i, text)
		suffix = `"}}}`
	} else {
		prefix = `{"Data":{"x":"`
		suffix = `"}}`
	}
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2025-06-18\r\nContent-Length: %d\r\n", u.RequestURI(), u.Host, n)
	if key != "" {
		head += "x-functions-key: " + key + "\r\n"
	}
	head += "\r\n"
	answered := make(chan string, 1)
	go func() {
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			answered <- "closed"
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		answered <- strconv.Itoa(resp.StatusCode)
	}()
	if _, err := io.WriteString(conn, head+prefix); err != nil {
		return "write error"
	}
	sent := int64(len(prefix))
	chunk := rate / 10
	deadline := time.After(limit)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	buf := bytes.Repeat([]byte("a"), int(chunk))
	for sent < n {
		select {
		case s := <-answered:
			return s
		case <-deadline:
			return "gave up sending"
		case <-tick.C:
		}
		m := min(chunk, n-sent-int64(len(suffix)))
		var out []byte
		if m <= 0 {
			out = []byte(suffix)
		} else {
			out = buf[:m]
		}
		if _, err := conn.Write(out); err != nil {
			select {
			case s := <-answered:
				return s
			case <-time.After(5 * time.Second):
				return "write error"
			}
		}
		sent += int64(len(out))
	}
	select {
	case s := <-answered:
		return s
	case <-time.After(60 * time.Second):
		return "no answer"
	}
}

// runSessions sends n initialize requests, 32 at a time, and never
// deletes the sessions.
func runSessions(target, key string, n int, note func(string)) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var wg sync.WaitGroup
	work := make(chan int)
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				body := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"load%d","version":"1"}}}`, i, i)
				req, _ := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept", "application/json, text/event-stream")
				if key != "" {
					req.Header.Set("x-functions-key", key)
				}
				resp, err := client.Do(req)
				if err != nil {
					note("error")
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				note(strconv.Itoa(resp.StatusCode))
			}
		}()
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
}
