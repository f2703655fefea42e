package invoke

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"mime"
	"strconv"
	"strings"
)

// This file is the host's side of the answer: how the Functions host reads
// a handler's response (Azure/azure-functions-host
// src/WebJobs.Script/Workers/Http/DefaultHttpWorkerService.cs and
// HttpScriptInvocationResultExtensions.cs @89dc438d).

// HostResult is a handler's answer as the host reads it.
type HostResult struct {
	// Outputs are the bytes for each declared output binding that got a
	// non-null value.
	Outputs map[string][]byte
	Logs    []string
	// ReturnValue is the raw JSON ReturnValue; nil when absent.
	ReturnValue json.RawMessage
}

// ErrInvocationFailed is the host's view of a failed invocation: the MCP
// client sees only "An error occurred invoking '<tool>'.".
var ErrInvocationFailed = errors.New("invocation failed")

// DecodeResponse reads a handler's answer as the host does: a non-2xx
// status, a body that is not JSON or a missing JSON content type fails the
// invocation, and each declared output is converted by the host's rules
// (base64 decoded when the string is valid base64).
func DecodeResponse(status int, contentType string, body []byte, outputs []string) (*HostResult, error) {
	if status < 200 || status > 299 {
		return nil, fmt.Errorf("%w: handler answered HTTP %d", ErrInvocationFailed, status)
	}
	if len(body) == 0 {
		// The real host never completes such an invocation: it waits until
		// the function timeout. Failing fast is kinder and still an error.
		return nil, fmt.Errorf("%w: empty response body (the Functions host would hang until functionTimeout)", ErrInvocationFailed)
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil || !(mt == "application/json" || strings.HasSuffix(mt, "+json") || mt == "text/json") {
		return nil, fmt.Errorf("%w: response content type %q is not JSON", ErrInvocationFailed, contentType)
	}
	var wire struct {
		Outputs     map[string]json.RawMessage `json:"Outputs"`
		Logs        []string                   `json:"Logs"`
		ReturnValue json.RawMessage            `json:"ReturnValue"`
	}
	if err := json.Unmarshal(body, &wire); err != nil {
		return nil, fmt.Errorf("%w: invalid response body: %v", ErrInvocationFailed, err)
	}
	res := &HostResult{Outputs: map[string][]byte{}, Logs: wire.Logs, ReturnValue: wire.ReturnValue}
	if string(bytes.TrimSpace(res.ReturnValue)) == "null" {
		res.ReturnValue = nil
	}
	for _, name := range outputs {
		v, ok := LookupFold(wire.Outputs, name)
		if !ok || string(bytes.TrimSpace(v)) == "null" {
			continue
		}
		b, err := outputBytes(v)
		if err != nil {
			return nil, fmt.Errorf("%w: output %q: %v", ErrInvocationFailed, name, err)
		}
		res.Outputs[name] = b
	}
	return res, nil
}

// LookupFold finds a binding name, or a binding data key, in m
// case-insensitively, as the host does: an exact match first.
func LookupFold[V any](m map[string]V, name string) (V, bool) {
	if v, ok := m[name]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	var zero V
	return zero, false
}

// outputBytes converts one output value to the bytes a blob output writes:
// a string is base64-decoded when it is valid base64 and otherwise written
// as UTF-8; objects and arrays as compact JSON; numbers and booleans as
// their .NET BitConverter bytes (which is why handlers must never send them).
func outputBytes(v json.RawMessage) ([]byte, error) {
	v = bytes.TrimSpace(v)
	var s string
	if json.Unmarshal(v, &s) == nil {
		if b, ok := dotnetFromBase64(s); ok {
			return b, nil
		}
		return []byte(s), nil
	}
	switch v[0] {
	case '{', '[':
		var buf bytes.Buffer
		if err := json.Compact(&buf, v); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	case 't', 'f':
		if string(v) == "true" {
			return []byte{1}, nil
		}
		return []byte{0}, nil
	}
	if n, err := strconv.ParseInt(string(v), 10, 64); err == nil {
		return binary.LittleEndian.AppendUint64(nil, uint64(n)), nil
	}
	f, err := strconv.ParseFloat(string(v), 64)
	if err != nil {
		return nil, fmt.Errorf("unsupported output value %s", v)
	}
	return binary.LittleEndian.AppendUint64(nil, math.Float64bits(f)), nil
}

// dotnetFromBase64 mimics Convert.FromBase64String: whitespace ignored,
// padding required, strict alphabet.
func dotnetFromBase64(s string) ([]byte, bool) {
	clean := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
	b, err := base64.StdEncoding.Strict().DecodeString(clean)
	if err != nil {
		return nil, false
	}
	return b, true
}
