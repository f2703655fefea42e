package devhost

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"

	"remote-mcp-functions-go/mcpfunc/internal/bodylimit"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
	"remote-mcp-functions-go/mcpfunc/internal/logval"
	"remote-mcp-functions-go/mcpfunc/internal/mcpext"
	"remote-mcp-functions-go/mcpfunc/internal/rawjson"
	"remote-mcp-functions-go/mcpfunc/internal/rpcmsg"
)

// What a request goes through before go-sdk reads it, so that devhost
// answers as the Functions host and its MCP extension answer, where go-sdk
// would answer differently.
//
// The extension reads a POSTed message with ReadFromJsonAsync into the C#
// MCP SDK's JsonRpcMessage (Http/StreamableHttpRequestHandler.cs and
// SseRequestHandler.cs @cd0d1e8c) and catches nothing it throws: a
// JsonException goes up to the host's ExceptionMiddleware, which answers
// 500 with no body (Azure/azure-functions-host
// src/WebJobs.Script.WebHost/Middleware/ExceptionMiddleware.cs @89dc438d).
// System.Text.Json throws for:
//
//   - text that is not JSON;
//   - a message nested deeper than 64 levels (JsonSerializerOptions.MaxDepth
//     0 means 64; invoke.MaxDepth);
//   - anything but one JSON object: a batch (JSON array) included, the
//     converter's "Expected StartObject token" (JsonRpcMessage.Converter,
//     modelcontextprotocol/csharp-sdk
//     src/ModelContextProtocol.Core/Protocol/JsonRpcMessage.cs
//     @v0.4.0-preview.3);
//   - an id that is not a string or an integer within Int64
//     (RequestId.Converter: Utf8JsonReader.GetInt64, which refuses 1.5,
//     1e3 and 2^70; null, true, {} and [] are "requestId must be a string
//     or an integer").
//
// devhost answers these 500 too, with the reason in the body (the host's
// is empty) and a log line; one pass over the body finds them all
// (rpcmsg.Peek). Beyond them:
//
//   - an id within Int64 but beyond 2^53 comes back exactly, as the
//     extension echoes a long; go-sdk would round it (it decodes ids into
//     float64), so it is swapped for one go-sdk echoes and put back
//     (rpcmsg.Rebuild), in the answer or on the legacy session's stream;
//   - a method neither go-sdk nor the extension serves gets the C# SDK's
//     -32601 "Method '<method>' is not available." (McpSessionHandler) as
//     an event, in the answer or on the legacy session's stream; go-sdk
//     would answer a bare HTTP 400. The methods go-sdk serves and the
//     extension does not are answered in protocol.go;
//   - the extension never reads MCP-Protocol-Version, so a value devhost
//     does not negotiate is dropped before go-sdk, which would refuse it;
//   - bodies are read within a byte budget (package bodylimit): a
//     Content-Length over MaxMessageBytes is refused (413) before a byte is
//     read, as Kestrel refuses one over its MaxRequestBodySize.

// front reads a POSTed message for go-sdk, or answers it. ok is false when
// it answered; otherwise call release once go-sdk has answered.
func (s *Server) front(w http.ResponseWriter, r *http.Request, streamable bool) (_ http.ResponseWriter, _ *http.Request, release func(), ok bool) {
	if streamable {
		dropUnknownVersion(r)
	}
	if r.Method != http.MethodPost || r.Body == nil {
		return w, r, func() {}, true
	}
	body, release, err := s.bodies.Read(r, s.opts.MaxMessageBytes)
	if err != nil {
		release()
		s.refuse(w, r, bodylimit.Status(w.Header(), err), err.Error())
		return nil, nil, nil, false
	}
	fail := func(reason string) (http.ResponseWriter, *http.Request, func(), bool) {
		release()
		s.refuse(w, r, http.StatusInternalServerError, reason)
		return nil, nil, nil, false
	}
	ms, err := rpcmsg.Peek(body, invoke.MaxDepth)
	switch {
	case errors.Is(err, rawjson.ErrTooDeep):
		return fail(fmt.Sprintf("The JSON-RPC message nests deeper than %d levels, the Functions host's limit.", invoke.MaxDepth))
	case err != nil:
		return fail("The body is not a JSON-RPC message the Functions host can read.")
	case ms.Batch:
		return fail("The Functions host reads one JSON-RPC message per request, not a batch.")
	}
	m := &ms.List[0]
	if m.ID != nil && !hostID(m.ID) {
		return fail("The JSON-RPC id must be a string or an integer within Int64, as the Functions host reads it.")
	}
	if m.HasMethod && !rpcmsg.GoSDKMethods[m.Method] {
		release()
		s.notAvailable(w, r, m, streamable)
		return nil, nil, nil, false
	}
	body, rewritten := mcpext.NullPromptArguments(body, ms) // go-sdk would read a null prompt argument as ""
	if m.ID != nil && rpcmsg.Kind(m.ID) == rpcmsg.Number {
		if v, _ := strconv.ParseInt(string(m.ID), 10, 64); v > 1<<53 || v < -(1<<53) {
			if rewritten { // the id is swapped in the message as it now is
				if ms, err = rpcmsg.Peek(body, invoke.MaxDepth); err != nil {
					return fail("The body is not a JSON-RPC message the Functions host can read.")
				}
			}
			all := func(*rpcmsg.Message) bool { return true }
			var restorer *rpcmsg.Restorer
			body, restorer = rpcmsg.Rebuild(body, ms, all, all)
			if streamable {
				w = restorer.Writer(w)
			} else if ss := s.sse.session(r); ss != nil {
				ss.stream.restore(restorer) // the answer travels on the stream
			}
		}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	return w, r, release, true
}

// hostID reports an id the host reads: a string, or an integer within
// Int64.
func hostID(id []byte) bool {
	switch rpcmsg.Kind(id) {
	case rpcmsg.String:
		return true
	case rpcmsg.Number:
		_, err := strconv.ParseInt(string(id), 10, 64)
		return err == nil
	}
	return false
}

// notAvailable answers a method no SDK serves as the extension does: a
// request gets the C# SDK's -32601 as an event, on Streamable HTTP in the
// answer (McpHttpUtility.SetSseContext), on the legacy transport on the
// session's stream after a 202; a notification gets 202.
func (s *Server) notAvailable(w http.ResponseWriter, r *http.Request, m *rpcmsg.Message, streamable bool) {
	s.log.Warn("request refused", "status", http.StatusOK, "reason", "method not available", "rpc_method", logval.Short(m.Method), "method", r.Method, "path", loggedPath(r.URL.Path))
	var ss *sseSession
	if !streamable {
		if ss = s.sse.session(r); ss == nil {
			http.Error(w, "No active session. Please connect to the /sse endpoint to initiate your session.", http.StatusBadRequest)
			return
		}
	}
	if !m.IsCall() {
		w.WriteHeader(http.StatusAccepted)
		return
	}
	e, _ := json.Marshal(&jsonrpc.Error{Code: jsonrpc.CodeMethodNotFound, Message: methodNotAvailable(m.Method).Error()})
	msg := fmt.Appendf(nil, `{"jsonrpc":"2.0","id":%s,"error":%s}`, m.ID, e)
	if ss != nil {
		w.WriteHeader(http.StatusAccepted)
		ss.stream.event(msg)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache,no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = fmt.Fprintf(w, "event: message\ndata: %s\n\n", msg)
}

// dropUnknownVersion removes an MCP-Protocol-Version header with a version
// devhost does not negotiate: the extension never reads the header, and
// go-sdk would refuse the request.
func dropUnknownVersion(r *http.Request) {
	if v := r.Header.Get("MCP-Protocol-Version"); v != "" && !slices.Contains(ProtocolVersions, v) {
		r.Header.Del("MCP-Protocol-Version")
	}
}
