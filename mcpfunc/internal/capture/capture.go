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
// a URL query. A string that had to change is encoded again
// (encoding/json, without HTML escaping), so its escaping is Go's, not
// the host's; every other byte is kept. A body that is not JSON is not
// written at all, only its size: it cannot be redacted with certainty.
//
// It is bounded: at most MCP_CAPTURE_MAX invocations (default 200) are
// recorded, and a body over 1 MiB is replaced by a note of its size.
package capture

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
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

// Redact returns body, indented and with its secrets replaced by
// "REDACTED", followed by a newline; or a note of its size when it is
// empty, too large or not JSON.
func Redact(body []byte) []byte {
	switch {
	case len(body) == 0:
		return []byte("(empty)\n")
	case len(body) > MaxBodyBytes:
		return fmt.Appendf(nil, "(%d bytes, over the %d written: not recorded)\n", len(body), MaxBodyBytes)
	}
	body = bytes.TrimSpace(body)
	out, _, err := redactValue(body, 0)
	if err != nil || !json.Valid(body) {
		return fmt.Appendf(nil, "(%d bytes that are not JSON: not recorded, they cannot be redacted with certainty)\n", len(body))
	}
	out = queryCredential.ReplaceAll(out, []byte("${1}"+Redacted))
	var ind bytes.Buffer
	if json.Indent(&ind, out, "", "  ") != nil {
		return fmt.Appendf(nil, "(%d bytes: not recorded)\n", len(body))
	}
	ind.WriteByte('\n')
	return ind.Bytes()
}

// queryCredential is a credential in a URL query: the function key
// (code=) or a signature or token.
var queryCredential = regexp.MustCompile(`(?i)([?&](?:code|sig|token|access_token)=)[^&"\\\s#]*`)

// secretName is a member whose value is a credential wherever it is: the
// headers that carry one, should they appear outside a headers object.
// (Argument names such as key or code are the app's own and are kept.)
func secretName(name string) bool {
	switch strings.ToLower(name) {
	case "x-functions-key", "authorization", "proxy-authorization", "cookie", "set-cookie":
		return true
	}
	return false
}

// maxDepth bounds the recursion, as the handler bounds a payload's depth.
const maxDepth = 128

var errDepth = errors.New("too deep")

// redactValue returns v (one JSON value) with its secrets redacted, and
// whether it changed; unchanged values come back as the same bytes.
func redactValue(v []byte, depth int) ([]byte, bool, error) {
	if depth > maxDepth {
		return nil, false, errDepth
	}
	if len(v) == 0 {
		return nil, false, errors.New("no value")
	}
	switch v[0] {
	case '{':
		return redactObject(v, depth, false)
	case '[':
		var elems []json.RawMessage
		if err := json.Unmarshal(v, &elems); err != nil {
			return nil, false, err
		}
		changed := false
		for i, e := range elems {
			ne, c, err := redactValue(bytes.TrimSpace(e), depth+1)
			if err != nil {
				return nil, false, err
			}
			if c {
				elems[i], changed = ne, true
			}
		}
		if !changed {
			return v, false, nil
		}
		return join('[', ']', elems), true, nil
	case '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, false, err
		}
		t := strings.TrimSpace(s)
		if t == "" || !strings.ContainsAny(t[:1], `{["`) || !json.Valid([]byte(t)) {
			return v, false, nil
		}
		// JSON text inside a string (the host's context), at any level.
		inner, c, err := redactValue([]byte(t), depth+1)
		if err != nil || !c {
			return v, false, err
		}
		return encodeString(string(inner)), true, nil
	}
	return v, false, nil
}

// redactObject redacts an object's members in order; all says every
// member's value is a secret (the members of a headers object).
func redactObject(v []byte, depth int, all bool) ([]byte, bool, error) {
	dec := json.NewDecoder(bytes.NewReader(v))
	if _, err := dec.Token(); err != nil { // {
		return nil, false, err
	}
	var members []json.RawMessage
	changed := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false, err
		}
		name, _ := tok.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil, false, err
		}
		val = bytes.TrimSpace(val)
		switch {
		case all || secretName(name):
			if string(val) != `"`+Redacted+`"` && string(val) != "null" {
				val, changed = encodeString(Redacted), true
			}
		case strings.EqualFold(name, "headers") && len(val) > 0 && val[0] == '{':
			nv, c, err := redactObject(val, depth+1, true)
			if err != nil {
				return nil, false, err
			}
			if c {
				val, changed = nv, true
			}
		default:
			nv, c, err := redactValue(val, depth+1)
			if err != nil {
				return nil, false, err
			}
			if c {
				val, changed = nv, true
			}
		}
		members = append(members, append(append(encodeString(name), ':'), val...))
	}
	if !changed {
		return v, false, nil
	}
	return join('{', '}', members), true, nil
}

func join(open, close byte, parts []json.RawMessage) []byte {
	out := []byte{open}
	for i, p := range parts {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, p...)
	}
	return append(out, close)
}

// encodeString is s as a JSON string, without encoding/json's HTML
// escaping.
func encodeString(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return bytes.TrimRight(b.Bytes(), "\n")
}
