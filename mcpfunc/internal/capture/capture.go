// Package capture records the raw invocations a custom handler receives
// from the Functions host, for comparing the host's real payloads with the
// modelled ones (the contract goldens in
// mcpfunc/internal/customhandler/testdata/contract, docs/contract.md).
// It is off unless the app setting MCP_CAPTURE_DIR names a folder; the CI
// job that runs the suites against func start turns it on and keeps the
// folder as an artifact.
//
// Each invocation becomes one txtar file, <pid>-NNNN-<function>.txtar
// (the handler's process id, the invocation's number), with the
// sections the goldens use: function, request.json (the host's body) and
// response.json (the handler's answer), and the answer's status in the
// comment. Bodies are indented with encoding/json's Indent, which keeps
// key order and every string as sent.
//
// The host copies every header the client sent, its key or Authorization
// header included, into the payload: transport.properties.headers, in
// Data.context and Metadata.context (JSON text inside JSON strings) and in
// Metadata.mcptoolcontext and Metadata.transport (docs/contract.md, "What
// Metadata holds"). Before anything is written, every member of a
// "headers" object, at any depth and inside JSON-in-string at any level,
// gets the value "REDACTED" (the names stay: which headers arrive is
// part of the contract), as does a member named x-functions-key,
// authorization or cookie anywhere else, and any code=, sig= or token= in
// a URL query ('&' written as \u0026 or percent-encoded included). Only the bytes that spell a secret value change, written
// with the escapes found in their place (redact.go): every other byte,
// every escape of the host's encoding levels included, is kept. A body
// that is not JSON is not written at all, only its size: it cannot be
// redacted with certainty; nor is one in which a credential header's
// value would survive.
//
// It is bounded: at most MCP_CAPTURE_MAX invocations (default 200) are
// recorded, and a body over 1 MiB is replaced by a note of its size.
package capture

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Settings that turn capture on and bound it.
const (
	DirSetting = "MCP_CAPTURE_DIR"
	MaxSetting = "MCP_CAPTURE_MAX"
)

// DefaultMax is how many invocations are recorded when MCP_CAPTURE_MAX is
// unset.
const DefaultMax = 200

// MaxBodyBytes is the largest body written; a larger one is replaced by a
// note of its size.
const MaxBodyBytes = 1 << 20

// Redacted replaces every secret value.
const Redacted = "REDACTED"

// Recorder writes invocations to a folder.
type Recorder struct {
	dir  string
	max  int64
	n    atomic.Int64
	once sync.Once
	// full is called once when the bound is reached.
	full func(max int64)
}

// FromEnv returns the Recorder the settings ask for, or nil when
// MCP_CAPTURE_DIR is unset. full, if not nil, is told once when the bound
// is reached. The folder is created if needed.
func FromEnv(lookup func(string) (string, bool), full func(max int64)) (*Recorder, error) {
	dir, ok := lookup(DirSetting)
	if !ok || strings.TrimSpace(dir) == "" {
		return nil, nil
	}
	max := int64(DefaultMax)
	if v, ok := lookup(MaxSetting); ok && strings.TrimSpace(v) != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n < 1 || n > 100000 {
			return nil, fmt.Errorf("%s=%q: want a number of invocations from 1 to 100000", MaxSetting, v)
		}
		max = n
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("%s: %w", DirSetting, err)
	}
	return &Recorder{dir: dir, max: max, full: full}, nil
}

// Dir is the folder written to.
func (r *Recorder) Dir() string { return r.dir }

// Record writes one invocation: the function's name, the host's request
// body, the status and body of the handler's answer. It returns the file
// written, or "" when the bound is reached.
func (r *Recorder) Record(function string, request []byte, status int, response []byte) (string, error) {
	n := r.n.Add(1)
	if n > r.max {
		r.once.Do(func() {
			if r.full != nil {
				r.full(r.max)
			}
		})
		return "", nil
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "captured invocation %d of %s: the handler answered %d\n", n, function, status)
	b.WriteString("-- function --\n" + function + "\n")
	b.WriteString("-- request.json --\n")
	b.Write(Redact(request))
	b.WriteString("-- response.json --\n")
	b.Write(Redact(response))
	// The process id keeps the files of handlers sharing a folder (one
	// per test in CI) apart.
	name := filepath.Join(r.dir, fmt.Sprintf("%d-%04d-%s.txtar", os.Getpid(), n, safeName(function)))
	if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
		return "", fmt.Errorf("capture: %w", err)
	}
	return name, nil
}

// safeName keeps a function name usable as part of a file name.
func safeName(s string) string {
	s = strings.Map(func(c rune) rune {
		if c == '-' || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') {
			return c
		}
		return '_'
	}, s)
	if s == "" || len(s) > 64 {
		s = "function"
	}
	return s
}
