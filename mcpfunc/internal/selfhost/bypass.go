package selfhost

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"slices"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/mcpfunc/internal/rawjson"
	"remote-mcp-functions-go/mcpfunc/internal/rpcmsg"
)

// Large values bypass go-sdk's JSON passes.
//
// go-sdk (v1.8.0) goes over a message many times. Its Streamable HTTP
// handler decodes a request body whole four times (mcp/streamable.go
// ephemeralConnectOpts, then servePOST, each through mcp/transport.go
// readBatch, which tries the body as a batch before decoding it as one
// message), the params twice for their _meta (mcp/shared.go
// extractRequestMeta, from servePOST and from validateRequestMeta) and
// once more into the typed request; each of these seven decodes
// (internal/json.Unmarshal) is a depth scan, then segmentio/encoding's
// scan and parse. A result is encoded by encoding/json with each level's
// MarshalJSON output compacted again (mcp/content.go
// TextContent.MarshalJSON, mcp/protocol.go CallToolResult.MarshalJSON,
// internal/jsonrpc2/messages.go marshalToRaw and EncodeMessage): four
// passes over a text. For a 1 MiB argument that was most of the time of a
// call.
//
// So the bulk of a message goes around go-sdk, which keeps the protocol:
//
//   - Requests: [Server.bypass] gets the body the front read and what
//     its one pass over it found (rpcmsg.Peek): when it is one tools/call
//     (not a batch), the call's arguments are taken out, and go-sdk gets
//     the message with {} in their place. go-sdk decodes that small
//     message as it decodes any; [restoreArguments], a receiving
//     middleware, puts the client's arguments back in the request before
//     any other middleware or the tool sees it. A body Peek did not read
//     (not JSON-RPC), a batch, and a message naming its method, params or
//     arguments twice reach go-sdk exactly as they came.
//   - Results: a handler puts [exchange.text] and [exchange.json] in its
//     result: placeholders (random, so no client text can forge one) for
//     the values encoded once, here. go-sdk encodes the small result and
//     writes it; [splicer] puts each value in place of its placeholder as
//     the response goes out. go-sdk writes a JSON response in one Write
//     (mcp/streamable.go stream.deliverLocked), so a placeholder is never
//     cut in two.
//
// A tool whose input schema asks for arguments in headers (x-mcp-header,
// protocol 2026-07-28) has go-sdk read its arguments from the message, so
// a server with one keeps every message whole ([bypass].keep,
// [headerArguments]).

// headerArguments says whether a tool's input schema asks for arguments
// in headers (x-mcp-header), or may (it does not encode).
func headerArguments(schema any) bool {
	b, err := json.Marshal(schema)
	return err != nil || bytes.Contains(b, []byte(`"x-mcp-header"`))
}

// splice is one value for the response: data in place of placeholder.
type splice struct {
	placeholder []byte // the placeholder as a JSON string, quotes included
	data        []byte
}

// text returns what a result carries in place of the string s: a
// placeholder for s, encoded now; s itself without an exchange.
func (x *exchange) text(s string) string {
	if !x.splicing {
		return s
	}
	// As go-sdk encodes a message: no HTML escaping.
	buf := append(make([]byte, 0, len(s)+len(s)/8+2), '"')
	return x.add(append(rawjson.AppendEscaped(buf, s, 1), '"'))
}

// json returns what a result carries in place of v, a valid JSON value: a
// placeholder for v; v itself without an exchange.
func (x *exchange) json(v json.RawMessage) any {
	if !x.splicing {
		return v
	}
	return x.add(v)
}

func (x *exchange) add(data []byte) string {
	p := "bypass-" + rand.Text() // base32: nothing to escape
	x.mu.Lock()
	defer x.mu.Unlock()
	x.values = append(x.values, splice{placeholder: []byte(`"` + p + `"`), data: data})
	return p
}

// bypass hands body, a request to Path that the front has read and
// checked, to go-sdk's Streamable HTTP handler, taking a tools/call's
// arguments out of it first and putting the result's large values into
// the response as it goes out; see the top of this file. ms is what
// rpcmsg.Peek read of body, nil when it read nothing.
func (s *Server) bypass(w http.ResponseWriter, r *http.Request, body []byte, ms *rpcmsg.Messages) {
	bypassTo(s.streamable, s.headerArgs, w, r, body, ms)
}

// bypassTo is [Server.bypass] to next, keeping the message whole when
// keep says so; r has an exchange (withExchange).
func bypassTo(next http.Handler, keep bool, w http.ResponseWriter, r *http.Request, body []byte, ms *rpcmsg.Messages) {
	x := exchangeFrom(r.Context())
	x.splicing = true
	if !keep && ms != nil {
		if rest, args, ok := takeArguments(body, *ms); ok {
			body, x.args = rest, args
		}
	}
	r.Body = http.NoBody
	if len(body) > 0 {
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	r.ContentLength = int64(len(body))
	next.ServeHTTP(&splicer{ResponseWriter: w, x: x}, r)
}

// takeArguments takes the arguments out of body, a message ms was read
// from, when it is one tools/call request (not a batch) with arguments:
// rest is the message with {} in their place, args the arguments as sent.
// ok is false, and the message is to go as it is, unless it names its
// method, params and arguments once each (Message.Unambiguous): which
// duplicate wins is go-sdk's to say. Peek reads the names and the method
// as go-sdk's decoder does, so go-sdk decodes rest to the same request
// with {} for arguments.
func takeArguments(body []byte, ms rpcmsg.Messages) (rest []byte, args json.RawMessage, ok bool) {
	if ms.Batch || len(ms.List) != 1 {
		return nil, nil, false
	}
	m := &ms.List[0]
	if m.Method != "tools/call" || m.Arguments == nil || !m.Unambiguous() {
		return nil, nil, false
	}
	rest = ms.SetArguments(body, func(*rpcmsg.Message) ([]byte, bool) { return []byte("{}"), true })
	return rest, m.Arguments, true
}

// restoreArguments is the receiving middleware that puts the arguments
// [bypass] took out of a tools/call back in the request.
func restoreArguments(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		if r, ok := req.(*mcp.CallToolRequest); ok && r.Params != nil {
			if x := exchangeFrom(ctx); x.args != nil {
				r.Params.Arguments = x.args
			}
		}
		return next(ctx, method, req)
	}
}

// splicer writes the response with each of the exchange's values in place
// of its placeholder.
type splicer struct {
	http.ResponseWriter
	x *exchange
}

func (s *splicer) Write(p []byte) (int, error) {
	s.x.mu.Lock()
	defer s.x.mu.Unlock()
	rest := p
	for {
		at, which := -1, -1
		for k, v := range s.x.values {
			if i := bytes.Index(rest, v.placeholder); i >= 0 && (at < 0 || i < at) {
				at, which = i, k
			}
		}
		if at < 0 {
			break
		}
		v := s.x.values[which]
		if _, err := s.ResponseWriter.Write(rest[:at]); err != nil {
			return 0, err
		}
		if _, err := s.ResponseWriter.Write(v.data); err != nil {
			return 0, err
		}
		rest = rest[at+len(v.placeholder):]
		s.x.values = slices.Delete(s.x.values, which, which+1)
	}
	if _, err := s.ResponseWriter.Write(rest); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Unwrap lets http.ResponseController reach the connection.
func (s *splicer) Unwrap() http.ResponseWriter { return s.ResponseWriter }
