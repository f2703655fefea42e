package selfhost

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/internal/mcpext"
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
// passes over a text. For a 1 MiB snippet that was most of the time of a
// call.
//
// So the bulk of a message goes around go-sdk, which keeps the protocol:
//
//   - Requests: [bypass] reads the body once, and when it is one
//     tools/call (not a batch) it takes the call's arguments out, with a
//     single strict scan (jsonscan.go), and hands go-sdk the message with
//     {} in their place. go-sdk decodes that small message as it decodes
//     any; [restoreArguments], a receiving middleware, puts the client's
//     arguments back in the request before any other middleware or the
//     tool sees it. Whatever the scanner does not accept as plainly valid
//     (a batch, escaped or repeated keys, invalid JSON or UTF-8, deep
//     nesting) reaches go-sdk exactly as it came.
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

// exchangeKey is the context key of a request's [exchange].
type exchangeKey struct{}

// exchange is what [bypass] holds for one HTTP request: the arguments it
// took out of the message, and the values the response is to carry.
type exchange struct {
	// args are the tools/call arguments as the client sent them; nil
	// when the message went to go-sdk whole.
	args json.RawMessage
	// members are args as mcpext.Arguments decodes them, from the same
	// scan; nil unless args is an object whose keys have no escapes.
	members map[string]json.RawMessage

	mu     sync.Mutex
	values []splice
}

// splice is one value for the response: data in place of placeholder.
type splice struct {
	placeholder []byte // the placeholder as a JSON string, quotes included
	data        []byte
}

// exchangeOf is the request's exchange, or nil for a handler run without
// [bypass] in front.
func exchangeOf(ctx context.Context) *exchange {
	x, _ := ctx.Value(exchangeKey{}).(*exchange)
	return x
}

// text returns what a result carries in place of the string s: a
// placeholder for s, encoded now; s itself without an exchange.
func (x *exchange) text(s string) string {
	if x == nil {
		return s
	}
	var buf bytes.Buffer
	buf.Grow(len(s) + len(s)/8 + 3)
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // as go-sdk encodes a message
	_ = enc.Encode(s)        // a string always encodes
	return x.add(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// json returns what a result carries in place of v, a valid JSON value: a
// placeholder for v; v itself without an exchange.
func (x *exchange) json(v json.RawMessage) any {
	if x == nil {
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

// bypass is the front of go-sdk's Streamable HTTP handler next; see the
// top of this file.
type bypass struct {
	next http.Handler
	// max caps a request body, as go-sdk's MaxRequestBodyBytes would.
	max int64
	// keep says to hand every message to go-sdk whole.
	keep bool
}

func (b *bypass) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Body == nil {
		b.next.ServeHTTP(w, r)
		return
	}
	x := &exchange{}
	body, err := readBody(http.MaxBytesReader(w, r.Body, b.max), r.ContentLength, b.max)
	r = r.WithContext(context.WithValue(r.Context(), exchangeKey{}, x))
	if err != nil {
		// go-sdk reads the same bytes and the same error, and answers it
		// as it does (413 for a body over the cap).
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{err}))
		b.next.ServeHTTP(w, r)
		return
	}
	if !b.keep {
		if rest, args, members, ok := takeArguments(body); ok {
			body, x.args, x.members = rest, args, members
		}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	b.next.ServeHTTP(&splicer{ResponseWriter: w, x: x}, r)
}

// readBody reads a whole body, in one allocation when its length is known.
func readBody(r io.Reader, length, max int64) ([]byte, error) {
	if length < 0 || length > max {
		length = 512
	}
	buf := bytes.NewBuffer(make([]byte, 0, length+1)) // +1: ReadFrom needs room to see EOF
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// takeArguments finds the arguments of a message that is one tools/call
// request, in one pass: rest is the message with {} in their place, args
// the arguments as sent, and members their members when args is an object
// whose keys have no escapes. ok is false, and the message is to go as it
// is, unless the whole message is valid JSON (see jsonscan.go) whose
// method is "tools/call" and whose params is an object with "arguments",
// the keys of both levels without escapes and none repeated: exactly the
// messages in which go-sdk's decoder finds those arguments, so that it
// decodes rest to the same request with {} for arguments.
func takeArguments(body []byte) (rest []byte, args json.RawMessage, members map[string]json.RawMessage, ok bool) {
	var method, params, found []int // spans: [start, end]
	once := func(span *[]int, start, end int) bool {
		if *span != nil {
			return false // a repeated key: which one wins is go-sdk's to say
		}
		*span = []int{start, end}
		return true
	}
	escaped := func(key []byte) bool { return bytes.IndexByte(key, '\\') >= 0 }
	// inArguments collects the members of an object, as encoding/json
	// decodes it into a map: the last of a repeated key wins.
	inArguments := func(key []byte, start, depth int) (int, bool) {
		end, ok := scanValue(body, start, depth)
		switch {
		case !ok:
			return 0, false
		case escaped(key):
			members = nil // mcpext.Arguments decodes the escapes
		case members != nil:
			members[string(key)] = body[start:end]
		}
		return end, true
	}
	inParams := func(key []byte, start, depth int) (end int, ok bool) {
		if escaped(key) {
			return 0, false
		}
		if string(key) != "arguments" {
			return scanValue(body, start, depth)
		}
		if start < len(body) && body[start] == '{' {
			members = map[string]json.RawMessage{}
			end, ok = eachMember(body, start, depth, inArguments)
		} else {
			end, ok = scanValue(body, start, depth)
		}
		return end, ok && once(&found, start, end)
	}
	top := func(key []byte, start, depth int) (end int, ok bool) {
		if escaped(key) {
			return 0, false
		}
		switch string(key) {
		case "params":
			if start < len(body) && body[start] == '{' {
				end, ok = eachMember(body, start, depth, inParams)
			} else {
				end, ok = scanValue(body, start, depth)
			}
			return end, ok && once(&params, start, end)
		case "method":
			end, ok = scanValue(body, start, depth)
			return end, ok && once(&method, start, end)
		}
		return scanValue(body, start, depth)
	}
	start := skipSpace(body, 0)
	if start >= len(body) || body[start] != '{' {
		return nil, nil, nil, false
	}
	end, ok := eachMember(body, start, 0, top)
	if !ok || skipSpace(body, end) != len(body) || method == nil || found == nil ||
		string(body[method[0]:method[1]]) != `"tools/call"` {
		return nil, nil, nil, false
	}
	a, z := found[0], found[1]
	rest = make([]byte, 0, len(body)-(z-a)+2)
	rest = append(append(append(rest, body[:a]...), "{}"...), body[z:]...)
	return rest, body[a:z], members, true
}

// arguments is mcpext.Arguments(raw): the members [bypass] found when raw
// is the arguments it took out (the same bytes), else decoded.
func arguments(ctx context.Context, raw json.RawMessage) (map[string]json.RawMessage, error) {
	if x := exchangeOf(ctx); x != nil && x.members != nil && len(raw) == len(x.args) && len(raw) > 0 && &raw[0] == &x.args[0] {
		return x.members, nil
	}
	return mcpext.Arguments(raw)
}

// restoreArguments is the receiving middleware that puts the arguments
// [bypass] took out of a tools/call back in the request.
func restoreArguments(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		if r, ok := req.(*mcp.CallToolRequest); ok && r.Params != nil {
			if x := exchangeOf(ctx); x != nil && x.args != nil {
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
