package selfhost

import (
	"bytes"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/mcpfunc/internal/invoke"
	"remote-mcp-functions-go/mcpfunc/internal/logval"
	"remote-mcp-functions-go/mcpfunc/internal/mcpext"
	"remote-mcp-functions-go/mcpfunc/internal/rawjson"
	"remote-mcp-functions-go/mcpfunc/internal/rpcmsg"
)

// What a request to Path goes through before go-sdk reads it. go-sdk
// (v1.8.0, mcp/streamable.go) answers some requests wrongly or not at all;
// the front answers them itself, as the MCP specification says:
//
//	the request                                   go-sdk                                   the front
//	a body over MaxMessageBytes                   reads it to the cap, then 413            413 before reading, when Content-Length says so
//	MCP-Protocol-Version unknown, ≥ 2026-07-28    -32602 "missing or invalid _meta field"  400, -32022 Unsupported protocol version
//	  ("2030-01-01", "garbage")                     (it takes it for the new protocol)       (transports: "MUST respond with 400")
//	nested deeper than 64 levels                  runs it                                  400, -32700, as the trigger hosting refuses it
//	an unknown method                             400, plain text                          -32601 Method not found (a notification: 202)
//	a batch reusing an id                         answers one of the two                   400, -32600 Invalid Request (ids are unique)
//	an id that is null, true, {} or []            runs it as a notification, or 400        400, -32600 Invalid Request
//	an id go-sdk cannot echo (2^70, 1.5, 1e3)     echoes int64(float64(id)): 2^70 is <0    echoes it as it came
//
// The bodies themselves are read within the server's budget (package
// bodylimit), which bounds the memory they take however many arrive at
// once. The answers are made in errors.go, with all the server's
// refusals; every refusal, the front's or go-sdk's, is logged once with
// its reason (refused.go).

// serveMCP serves one request to Path, the key already checked.
func (s *Server) serveMCP(w http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w}
	r, ex := withExchange(r)
	defer s.recoverHTTP(sw, r)
	defer s.logStatus(sw, r, ex)

	version := r.Header.Get(protocolVersionHeader)
	if r.Method != http.MethodPost {
		if version != "" && !slices.Contains(mcp.SupportedProtocolVersions(), version) {
			s.unsupportedVersion(sw, r, version, nil)
			return
		}
		s.streamable.ServeHTTP(sw, r) // 405, with Allow: POST
		return
	}
	body, release, err := s.bodies.Read(r, s.opts.MaxMessageBytes)
	defer release()
	if err != nil {
		s.bodyRefused(sw, r, err)
		return
	}
	ms, err := rpcmsg.Peek(body, invoke.MaxDepth)
	switch {
	case errors.Is(err, rawjson.ErrTooDeep):
		s.rpcRefuse(sw, r, http.StatusBadRequest, nil, errTooDeep)
		return
	case err != nil:
		// Not JSON, or not JSON-RPC: go-sdk's decoder says what is wrong.
		s.forward(sw, r, body, nil, nil)
		return
	}
	var single []byte // the id to answer with, for a single call
	if !ms.Batch && len(ms.List) == 1 && ms.List[0].IsCall() {
		single = ms.List[0].ID
	}
	if version != "" && !slices.Contains(mcp.SupportedProtocolVersions(), version) {
		s.unsupportedVersion(sw, r, version, single)
		return
	}
	for _, m := range ms.List {
		if m.ID != nil && rpcmsg.Kind(m.ID) == rpcmsg.Other {
			s.rpcRefuse(sw, r, http.StatusBadRequest, nil, badID(m.ID))
			return
		}
	}
	if dup := ms.Duplicate(); dup != nil {
		s.rpcRefuse(sw, r, http.StatusBadRequest, nil, duplicateID(dup))
		return
	}

	// Unknown methods are answered here; ids go-sdk cannot echo are
	// swapped for ones it can.
	var unknown []*rpcmsg.Message
	swaps := false
	for i := range ms.List {
		m := &ms.List[i]
		if m.HasMethod && !rpcmsg.GoSDKMethods[m.Method] {
			unknown = append(unknown, m)
		}
		swaps = swaps || mustSwap(m)
	}
	if len(unknown) == 0 && !swaps {
		s.forward(sw, r, body, &ms, nil)
		return
	}
	notFound := http.StatusOK
	if version >= newProtocol && !ms.Batch {
		notFound = http.StatusNotFound // SEP-2575, as go-sdk answers it
	}
	for _, m := range unknown {
		s.logRefused(r, ex, notFound, "method not found", "rpc_method", logval.Short(m.Method))
	}
	if !ms.Batch && len(unknown) == 1 {
		m := unknown[0]
		if !m.IsCall() {
			sw.WriteHeader(http.StatusAccepted) // a notification: nothing to answer
			return
		}
		writeRPC(sw, notFound, rpcError(m.ID, methodNotFound(m.Method)))
		return
	}
	known := func(m *rpcmsg.Message) bool { return !m.HasMethod || rpcmsg.GoSDKMethods[m.Method] }
	rebuilt, restorer := rpcmsg.Rebuild(body, ms, known, mustSwap)
	if !ms.Batch || len(unknown) == 0 {
		s.forward(sw, r, rebuilt, peeked(rebuilt), restorer)
		return
	}
	s.batchWithUnknown(sw, r, len(ms.List), unknown, rebuilt, restorer)
}

// batchWithUnknown answers a batch of n messages, some of them unknown:
// go-sdk answers the rest (rebuilt), and the answer gets one -32601 per
// unknown call.
func (s *Server) batchWithUnknown(w http.ResponseWriter, r *http.Request, n int, unknown []*rpcmsg.Message, rebuilt []byte, restorer *rpcmsg.Restorer) {
	var errs [][]byte
	for _, m := range unknown {
		if m.IsCall() {
			errs = append(errs, rpcError(m.ID, methodNotFound(m.Method)))
		}
	}
	if len(unknown) == n { // nothing left for go-sdk
		if len(errs) == 0 {
			w.WriteHeader(http.StatusAccepted)
			return
		}
		writeRPC(w, http.StatusOK, joinBatch(nil, errs))
		return
	}
	c := newCapture()
	s.forward(c, r, rebuilt, peeked(rebuilt), nil)
	status, answer := c.status, c.body.Bytes()
	switch {
	case status == http.StatusAccepted && len(errs) > 0:
		// Only notifications were left for go-sdk.
		status, answer = http.StatusOK, joinBatch(nil, errs)
	case status == http.StatusOK && len(errs) > 0:
		answer = joinBatch(bytes.TrimSpace(answer), errs)
	}
	for k, v := range c.header {
		w.Header()[k] = v
	}
	w.Header().Del("Content-Length")
	w.WriteHeader(status)
	_, _ = w.Write(restorer.Restore(answer))
}

// forward hands body to go-sdk, with the ids restorer swapped put back
// into its answer; ms is what Peek read of body, nil when it read nothing.
func (s *Server) forward(w http.ResponseWriter, r *http.Request, body []byte, ms *rpcmsg.Messages, restorer *rpcmsg.Restorer) {
	if ms != nil {
		var changed bool
		// go-sdk would read a null prompt argument as "".
		if body, changed = mcpext.NullPromptArguments(body, *ms); changed {
			ms = nil // read before the change; a prompts/get has nothing to bypass
		}
	}
	s.bypass(restorer.Writer(w), r, body, ms)
}

// peeked is what Peek reads of a body the front rebuilt from one it read.
func peeked(body []byte) *rpcmsg.Messages {
	ms, err := rpcmsg.Peek(body, invoke.MaxDepth)
	if err != nil {
		return nil
	}
	return &ms
}

// protocolVersionHeader carries the protocol version on every request after
// initialize (transports, Protocol Version Header).
const protocolVersionHeader = "MCP-Protocol-Version"

// newProtocol is the first protocol version without the initialize
// handshake (SEP-2575), where JSON-RPC errors have HTTP statuses.
const newProtocol = "2026-07-28"

// mustSwap reports an id go-sdk would not echo as it came: it decodes a
// number into a float64 and keeps int64 of it (internal/jsonrpc2 MakeID
// @v1.8.0), which is exact only for an integer written plainly, of at most
// 2^53 in magnitude.
func mustSwap(m *rpcmsg.Message) bool {
	if m.ID == nil || rpcmsg.Kind(m.ID) != rpcmsg.Number {
		return false
	}
	digits := strings.TrimPrefix(string(m.ID), "-")
	if digits == "" || len(digits) > 16 || digits == "0" && len(m.ID) > 1 || len(digits) > 1 && digits[0] == '0' {
		return true
	}
	var v int64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return true
		}
		v = v*10 + int64(c-'0')
	}
	return v > 1<<53
}

// joinBatch appends responses to a batch answer (a JSON array), or makes
// one.
func joinBatch(batch []byte, responses [][]byte) []byte {
	if len(batch) < 2 || batch[0] != '[' {
		batch = []byte("[]")
	}
	out := append([]byte(nil), batch[:len(batch)-1]...)
	for i, resp := range responses {
		if i > 0 || len(bytes.TrimSpace(out)) > 1 {
			out = append(out, ',')
		}
		out = append(out, resp...)
	}
	return append(out, ']')
}

// capture keeps an answer for the front to finish.
type capture struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newCapture() *capture { return &capture{header: http.Header{}} }

func (c *capture) Header() http.Header { return c.header }
func (c *capture) Write(p []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(p)
}
func (c *capture) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}
