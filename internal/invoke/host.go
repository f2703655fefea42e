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
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file is the host's side of the contract: what the Functions host
// sends and how it reads the answer. The local stand-in for the host uses
// it, and the handler's contract tests use it to make their payloads.

// ToolInvocation is what the host knows about one tools/call when it
// invokes the handler.
type ToolInvocation struct {
	// Function is the function folder name: the URL path and sys.MethodName.
	Function string
	// Tool is the MCP tool name from the trigger.
	Tool string
	// Arguments are the call's arguments as the client sent them; nil when
	// the client sent no arguments object (then mcptoolargs is absent).
	Arguments map[string]json.RawMessage
	// Inputs are the input bindings' blob contents by binding name; a nil
	// slice is a missing blob.
	Inputs map[string][]byte
	// SessionID is the Mcp-Session-Id, if any.
	SessionID  string
	ClientInfo *ClientInfo
	// Transport is "http-streamable" or "http-sse".
	Transport string
	// Headers are the MCP request's headers, as the extension passes them
	// in transport.properties.headers.
	Headers map[string]string
	// Now and RandGUID fill the sys binding data.
	Now      time.Time
	RandGUID string
}

// SysData is the WebJobs sys binding data: {sys.MethodName} and friends in
// binding paths.
type SysData struct {
	MethodName string `json:"MethodName"`
	UtcNow     string `json:"UtcNow"`
	RandGuid   string `json:"RandGuid"`
}

// Sys returns the invocation's sys binding data.
func (inv *ToolInvocation) Sys() SysData {
	return SysData{
		MethodName: inv.Function,
		UtcNow:     inv.Now.UTC().Format("2006-01-02T15:04:05.0000000Z"),
		RandGuid:   inv.RandGUID,
	}
}

// ToolArgs returns mcptoolargs: every argument as text, the way the
// extension converts each JsonElement with ToString (strings bare, true as
// True, other values as their JSON text, null as empty).
func (inv *ToolInvocation) ToolArgs() map[string]string {
	if inv.Arguments == nil {
		return nil
	}
	out := make(map[string]string, len(inv.Arguments))
	for k, v := range inv.Arguments {
		out[k] = elementString(v)
	}
	return out
}

func elementString(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	switch {
	case string(v) == "true":
		return "True"
	case string(v) == "false":
		return "False"
	case string(v) == "null":
		return ""
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	return string(v)
}

// NewToolRequest encodes the request body the host sends for inv, with the
// host's encoding levels (see the package documentation) and its key order.
// Pieces that appear more than once (headers, transport, arguments, the
// trigger) are encoded once and reused.
func NewToolRequest(inv *ToolInvocation) ([]byte, error) {
	headers := newtonsoft(inv.Headers)
	transport := newtonsoft(wireTransport{Name: inv.Transport, SessionID: inv.SessionID, Properties: wireProperties{headers}})
	var args json.RawMessage
	if inv.Arguments != nil {
		args = newtonsoft(inv.Arguments)
	}
	contextJSON := newtonsoft(wireContext{
		Name:       inv.Tool,
		Arguments:  args,
		SessionID:  inv.SessionID,
		ClientInfo: inv.ClientInfo,
		Transport:  transport,
	})
	// The trigger value is a string holding contextJSON; the host encodes
	// that string once more (dotnetString) and the wire a third time.
	trigger := dotnetString(string(contextJSON))

	var body object
	body.open("Data")
	body.field(TriggerName, trigger)
	for _, name := range sortedKeys(inv.Inputs) {
		if content := inv.Inputs[name]; content == nil {
			body.field(name, dotnetNull())
		} else {
			// The blob binding reads the stream as UTF-8 text.
			body.field(name, dotnetString(strings.ToValidUTF8(string(content), "\uFFFD")))
		}
	}
	body.close()
	body.open("Metadata")
	body.field("mcptoolcontext", newtonsoft(pascalContext(inv, headers)))
	body.field(TriggerName, trigger)
	if inv.SessionID != "" {
		body.field("mcpsessionid", dotnetString(inv.SessionID))
	}
	if args != nil {
		body.field("mcptoolargs", newtonsoft(inv.ToolArgs()))
	}
	body.field("sys", newtonsoft(inv.Sys()))
	body.field("name", dotnetString(inv.Tool))
	if args != nil {
		body.field("arguments", args)
	}
	if inv.SessionID != "" {
		body.field("sessionid", dotnetString(inv.SessionID))
	}
	if inv.ClientInfo != nil {
		body.field("clientinfo", newtonsoft(inv.ClientInfo))
	}
	body.field("transport", transport)
	body.close()
	return body.bytes(), nil
}

// The extension's objects as its serializer writes them: camelCase, nulls
// left out.
type (
	wireContext struct {
		Name       string          `json:"name"`
		Arguments  json.RawMessage `json:"arguments,omitempty"`
		SessionID  string          `json:"sessionid,omitempty"`
		ClientInfo *ClientInfo     `json:"clientinfo,omitempty"`
		Transport  json.RawMessage `json:"transport"`
	}
	wireTransport struct {
		Name       string         `json:"name"`
		SessionID  string         `json:"sessionId,omitempty"`
		Properties wireProperties `json:"properties"`
	}
	wireProperties struct {
		Headers json.RawMessage `json:"headers"`
	}
)

// object writes the request body: {"Data":{…},"Metadata":{…}}, each value
// already JSON, in the order given.
type object struct {
	buf   bytes.Buffer
	first bool
}

func (o *object) open(name string) {
	if o.buf.Len() == 0 {
		o.buf.WriteByte('{')
	} else {
		o.buf.WriteByte(',')
	}
	o.buf.Write(newtonsoft(name))
	o.buf.WriteString(":{")
	o.first = true
}

func (o *object) field(name string, value json.RawMessage) {
	if !o.first {
		o.buf.WriteByte(',')
	}
	o.first = false
	o.buf.Write(newtonsoft(name))
	o.buf.WriteByte(':')
	o.buf.Write(value)
}

func (o *object) close() { o.buf.WriteByte('}') }

func (o *object) bytes() []byte { return append(o.buf.Bytes(), '}') }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// dotnetString is a .NET string value as it appears on the wire: its JSON
// text, written as a JSON string.
func dotnetString(s string) json.RawMessage {
	return newtonsoft(string(newtonsoft(s)))
}

// dotnetNull is a null value on the wire: the JSON text "null" as a string.
func dotnetNull() json.RawMessage { return json.RawMessage(`"null"`) }

// pascalContext mimics Metadata.mcptoolcontext, which the host builds with
// Newtonsoft from the extension's object: PascalCase names, nulls kept and
// arguments as opaque JsonElement shapes. Handlers must not depend on it;
// sending it keeps them honest.
func pascalContext(inv *ToolInvocation, headers json.RawMessage) pascalToolContext {
	c := pascalToolContext{
		Name:      inv.Tool,
		Arguments: make(map[string]valueKindOf, len(inv.Arguments)),
		SessionID: nullable(inv.SessionID),
		Transport: pascalTransport{Name: inv.Transport, SessionID: nullable(inv.SessionID), Properties: wireProperties{headers}},
	}
	for k, v := range inv.Arguments {
		c.Arguments[k] = valueKindOf{valueKind(v)}
	}
	if inv.ClientInfo != nil {
		c.ClientInfo = &pascalClientInfo{Name: inv.ClientInfo.Name, Version: inv.ClientInfo.Version}
	}
	return c
}

type (
	pascalToolContext struct {
		Name       string                 `json:"Name"`
		Arguments  map[string]valueKindOf `json:"Arguments"`
		SessionID  *string                `json:"SessionId"`
		ClientInfo *pascalClientInfo      `json:"ClientInfo"`
		Transport  pascalTransport        `json:"Transport"`
	}
	pascalClientInfo struct {
		Name    string  `json:"Name"`
		Title   *string `json:"Title"`
		Version string  `json:"Version"`
	}
	pascalTransport struct {
		Name       string         `json:"Name"`
		SessionID  *string        `json:"SessionId"`
		Properties wireProperties `json:"Properties"`
	}
	valueKindOf struct {
		ValueKind int `json:"ValueKind"`
	}
)

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// valueKind is System.Text.Json's JsonValueKind of a raw value.
func valueKind(v json.RawMessage) int {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return 0
	}
	switch v[0] {
	case '{':
		return 1
	case '[':
		return 2
	case '"':
		return 3
	case 't':
		return 5
	case 'f':
		return 6
	case 'n':
		return 7
	default:
		return 4
	}
}

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
		v, ok := lookupFold(wire.Outputs, name)
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

// lookupFold finds a binding name case-insensitively, as the host does.
func lookupFold(m map[string]json.RawMessage, name string) (json.RawMessage, bool) {
	if v, ok := m[name]; ok {
		return v, true
	}
	for k, v := range m {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
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

// ToolResult maps a ReturnValue to the MCP result, as the extension's
// return value binders do. Without useResultSchema a value becomes one text
// block (objects as indented JSON text, booleans as True/False) and null
// becomes an empty result. With it the value must be a JSON string holding
// {"type":…,"content":"…"}.
func ToolResult(rv json.RawMessage, useResultSchema bool) (json.RawMessage, error) {
	if !useResultSchema {
		return simpleResult(rv)
	}
	var text string
	if err := json.Unmarshal(rv, &text); err != nil || len(rv) == 0 {
		return nil, fmt.Errorf("%w: with useResultSchema the ReturnValue must be a JSON string", ErrInvocationFailed)
	}
	var tr struct {
		Type              *string         `json:"type"`
		Content           json.RawMessage `json:"content"`
		StructuredContent json.RawMessage `json:"structuredContent"`
	}
	if err := json.Unmarshal([]byte(text), &tr); err != nil || tr.Type == nil {
		return nil, fmt.Errorf("%w: ReturnValue is not an McpToolResult with a type", ErrInvocationFailed)
	}
	// content (and structuredContent) are JSON carried as strings.
	unwrap := func(v json.RawMessage) (json.RawMessage, error) {
		var s string
		if json.Unmarshal(v, &s) == nil {
			if !json.Valid([]byte(s)) {
				return nil, errors.New("content is not JSON")
			}
			return json.RawMessage(s), nil
		}
		return v, nil
	}
	content, err := unwrap(tr.Content)
	if err != nil || len(content) == 0 {
		return nil, fmt.Errorf("%w: McpToolResult content is missing or not JSON", ErrInvocationFailed)
	}
	var blocks []json.RawMessage
	switch *tr.Type {
	case ResultTypeCallToolResult:
		var r struct {
			Content []json.RawMessage `json:"content"`
		}
		if json.Unmarshal(content, &r) != nil {
			return nil, fmt.Errorf("%w: call_tool_result content is not a CallToolResult", ErrInvocationFailed)
		}
		return content, nil
	case "multi_content_result":
		if json.Unmarshal(content, &blocks) != nil {
			return nil, fmt.Errorf("%w: multi_content_result content is not an array", ErrInvocationFailed)
		}
	default:
		blocks = []json.RawMessage{content}
	}
	if len(blocks) == 0 {
		return nil, fmt.Errorf("%w: McpToolResult has no content", ErrInvocationFailed)
	}
	out := map[string]any{"content": blocks}
	if len(tr.StructuredContent) > 0 {
		sc, err := unwrap(tr.StructuredContent)
		if err != nil {
			return nil, fmt.Errorf("%w: structuredContent is not JSON", ErrInvocationFailed)
		}
		out["structuredContent"] = sc
	}
	return marshalNoHTML(out)
}

func simpleResult(rv json.RawMessage) (json.RawMessage, error) {
	rv = bytes.TrimSpace(rv)
	if len(rv) == 0 || string(rv) == "null" {
		return json.RawMessage(`{"content":[]}`), nil
	}
	var text string
	switch rv[0] {
	case '"':
		if err := json.Unmarshal(rv, &text); err != nil {
			return nil, err
		}
	case '{', '[':
		var buf bytes.Buffer
		if err := json.Indent(&buf, rv, "", "  "); err != nil {
			return nil, err
		}
		text = buf.String()
	case 't':
		text = "True"
	case 'f':
		text = "False"
	default:
		text = string(rv)
	}
	return marshalNoHTML(CallToolResult{Content: []Content{{Type: "text", Text: text}}})
}

// newtonsoft encodes v as the host's serializer does: compact, without
// HTML escaping, for values that cannot fail to encode.
func newtonsoft(v any) []byte {
	b, err := marshalNoHTML(v)
	if err != nil {
		panic("invoke: " + err.Error())
	}
	return b
}

// marshalNoHTML encodes v as compact JSON without HTML escaping.
func marshalNoHTML(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
