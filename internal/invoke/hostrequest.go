package invoke

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
)

// This file is the host's side of the request: what the Functions host
// sends for one tools/call. The local stand-in for the host uses it to
// invoke the handler; the handler's contract tests check it against
// payloads made by an encoder of their own.

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
		out[k] = ElementString(v)
	}
	return out
}

// ElementString is System.Text.Json's JsonElement.ToString of a raw value:
// a string's text, True or False for booleans, empty for null, and the JSON
// text of anything else. The host substitutes it for {mcptoolargs.x}.
func ElementString(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	switch string(v) {
	case "true":
		return "True"
	case "false":
		return "False"
	case "null":
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
// It fails when an argument is not valid JSON.
func NewToolRequest(inv *ToolInvocation) ([]byte, error) {
	names := slices.Sorted(maps.Keys(inv.Arguments))
	for _, k := range names {
		if !json.Valid(inv.Arguments[k]) {
			return nil, fmt.Errorf("invoke: argument %q is not valid JSON", k)
		}
	}
	contextJSON, err := toolContextJSON(inv, names)
	if err != nil {
		return nil, err
	}
	// The trigger value is a string holding contextJSON; the host encodes
	// that string once more (dotnetString) and the wire a third time.
	trigger := dotnetString(string(contextJSON))
	transport := wireTransport{Name: inv.Transport, SessionID: inv.SessionID, Properties: wireProperties{Headers: headersOf(inv)}}

	var body object
	body.open("Data")
	body.field(TriggerName, trigger)
	for _, name := range slices.Sorted(maps.Keys(inv.Inputs)) {
		if content := inv.Inputs[name]; content == nil {
			body.field(name, dotnetNull())
		} else {
			// The blob binding reads the stream as UTF-8 text.
			body.field(name, dotnetString(strings.ToValidUTF8(string(content), "\uFFFD")))
		}
	}
	body.close()
	body.open("Metadata")
	body.value("mcptoolcontext", pascalContext(inv, transport.Properties.Headers))
	body.field(TriggerName, trigger)
	if inv.SessionID != "" {
		body.field("mcpsessionid", dotnetString(inv.SessionID))
	}
	if inv.Arguments != nil {
		body.value("mcptoolargs", inv.ToolArgs())
	}
	body.value("sys", inv.Sys())
	body.field("name", dotnetString(inv.Tool))
	if inv.Arguments != nil {
		body.value("arguments", reparsedArguments(inv.Arguments))
	}
	if inv.SessionID != "" {
		body.field("sessionid", dotnetString(inv.SessionID))
	}
	if inv.ClientInfo != nil {
		body.value("clientinfo", inv.ClientInfo)
	}
	body.value("transport", transport)
	body.close()
	return body.bytes()
}

func headersOf(inv *ToolInvocation) map[string]string {
	if inv.Headers == nil {
		return map[string]string{}
	}
	return inv.Headers
}

// toolContextJSON is the trigger value: the extension's
// ToolInvocationContext as System.Text.Json writes it with the extension's
// options (camelCase, nulls left out, the default encoder: see stjString).
// Arguments are written back from the client's JSON elements.
func toolContextJSON(inv *ToolInvocation, names []string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"name":`)
	stjString(&b, inv.Tool)
	if inv.Arguments != nil {
		b.WriteString(`,"arguments":{`)
		for i, k := range names {
			if i > 0 {
				b.WriteByte(',')
			}
			stjString(&b, k)
			b.WriteByte(':')
			if err := stjValue(&b, inv.Arguments[k]); err != nil {
				return nil, fmt.Errorf("invoke: argument %q: %w", k, err)
			}
		}
		b.WriteByte('}')
	}
	if inv.SessionID != "" {
		b.WriteString(`,"sessionid":`)
		stjString(&b, inv.SessionID)
	}
	if c := inv.ClientInfo; c != nil {
		b.WriteString(`,"clientinfo":{"name":`)
		stjString(&b, c.Name)
		if c.Version != "" {
			b.WriteString(`,"version":`)
			stjString(&b, c.Version)
		}
		b.WriteByte('}')
	}
	b.WriteString(`,"transport":{"name":`)
	stjString(&b, inv.Transport)
	if inv.SessionID != "" {
		b.WriteString(`,"sessionId":`)
		stjString(&b, inv.SessionID)
	}
	b.WriteString(`,"properties":{"headers":{`)
	headers := headersOf(inv)
	for i, k := range slices.Sorted(maps.Keys(headers)) {
		if i > 0 {
			b.WriteByte(',')
		}
		stjString(&b, k)
		b.WriteByte(':')
		stjString(&b, headers[k])
	}
	b.WriteString(`}}}}`)
	return b.Bytes(), nil
}

// stjValue writes a JSON value compactly as System.Text.Json's
// JsonElement.WriteTo does: numbers and literals as they are, strings
// unescaped and escaped again by the writer's encoder.
func stjValue(b *bytes.Buffer, raw json.RawMessage) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	// needComma says a value was written at this level; isKey that the
	// next string in an object is a member name.
	type level struct{ object, needComma, isKey bool }
	var stack []level
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			b.WriteByte(byte(d))
			stack = stack[:len(stack)-1]
			continue
		}
		if n := len(stack); n > 0 {
			top := &stack[n-1]
			switch {
			case top.object && top.isKey:
				if top.needComma {
					b.WriteByte(',')
				}
				top.needComma, top.isKey = true, false
			case top.object:
				b.WriteByte(':')
				top.isKey = true
			default:
				if top.needComma {
					b.WriteByte(',')
				}
				top.needComma = true
			}
		}
		switch v := tok.(type) {
		case json.Delim:
			b.WriteByte(byte(v))
			stack = append(stack, level{object: v == '{', isKey: v == '{'})
		case string:
			stjString(b, v)
		case json.Number:
			b.WriteString(v.String())
		case bool:
			b.WriteString(fmt.Sprint(v))
		case nil:
			b.WriteString("null")
		}
	}
}

// stjString writes s as a JSON string the way System.Text.Json's default
// encoder (JavaScriptEncoder.Default) does: only printable ASCII passes;
// '"' and the HTML-sensitive characters & < > ' + ` become \u00XX, control
// characters their short escape or \u00XX, and everything beyond ASCII
// \uXXXX (two for a character outside the BMP), upper-case hex. This is
// what makes the trigger value the largest part of a payload.
func stjString(b *bytes.Buffer, s string) {
	const hex = "0123456789ABCDEF"
	u := func(r rune) {
		b.WriteString(`\u`)
		b.WriteByte(hex[r>>12&0xF])
		b.WriteByte(hex[r>>8&0xF])
		b.WriteByte(hex[r>>4&0xF])
		b.WriteByte(hex[r&0xF])
	}
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20 || r >= 0x7F || strings.ContainsRune("\"&<>'+`", r):
			if r > 0xFFFF {
				r -= 0x10000
				u(0xD800 + r>>10)
				u(0xDC00 + r&0x3FF)
			} else {
				u(r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// newtonsoftDate is the date text Newtonsoft's JObject.Parse turns into a
// DateTime (its default DateParseHandling.DateTime), in its UTC form.
var newtonsoftDate = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,7})?Z$`)

// reparsedArguments is Metadata.arguments: the host re-parses the trigger
// value with JObject.Parse and writes it again, so a date-looking string
// comes back in Newtonsoft's round-trip form (2026-01-01T00:00:00.000Z
// becomes 2026-01-01T00:00:00Z). Only the UTC form is mimicked. Handlers
// must read the trigger's arguments instead; this keeps a local host as
// lossy as the real one.
func reparsedArguments(args map[string]json.RawMessage) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(args))
	for k, raw := range args {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) != nil {
			out[k] = raw
			continue
		}
		b, err := marshalNoHTML(redate(v))
		if err != nil {
			out[k] = raw
			continue
		}
		out[k] = b
	}
	return out
}

func redate(v any) any {
	switch x := v.(type) {
	case string:
		if m := newtonsoftDate.FindStringSubmatch(x); m != nil {
			return m[1] + strings.TrimRight(strings.TrimRight(m[2], "0"), ".") + "Z"
		}
	case []any:
		for i := range x {
			x[i] = redate(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = redate(x[k])
		}
	}
	return v
}

// The extension's transport object as Newtonsoft writes it back in
// Metadata.transport: camelCase, as parsed from the trigger value.
type (
	wireTransport struct {
		Name       string         `json:"name"`
		SessionID  string         `json:"sessionId,omitempty"`
		Properties wireProperties `json:"properties"`
	}
	wireProperties struct {
		Headers map[string]string `json:"headers"`
	}
)

// object writes the request body: {"Data":{…},"Metadata":{…}}, each value
// JSON, in the order given. The first encoding error sticks.
type object struct {
	buf   bytes.Buffer
	first bool
	err   error
}

func (o *object) open(name string) {
	if o.buf.Len() == 0 {
		o.buf.WriteByte('{')
	} else {
		o.buf.WriteByte(',')
	}
	o.key(name)
	o.buf.WriteByte('{')
	o.first = true
}

func (o *object) key(name string) {
	k, _ := marshalNoHTML(name) // a string always encodes
	o.buf.Write(k)
	o.buf.WriteByte(':')
}

func (o *object) field(name string, value json.RawMessage) {
	if !o.first {
		o.buf.WriteByte(',')
	}
	o.first = false
	o.key(name)
	o.buf.Write(value)
}

// value writes v as Newtonsoft writes an object into the payload.
func (o *object) value(name string, v any) {
	b, err := marshalNoHTML(v)
	if err != nil && o.err == nil {
		o.err = fmt.Errorf("invoke: Metadata.%s: %w", name, err)
	}
	o.field(name, b)
}

func (o *object) close() { o.buf.WriteByte('}') }

func (o *object) bytes() ([]byte, error) {
	if o.err != nil {
		return nil, o.err
	}
	return append(o.buf.Bytes(), '}'), nil
}

// dotnetString is a .NET string value as it appears on the wire: its JSON
// text (JsonConvert.SerializeObject), written as a JSON string.
func dotnetString(s string) json.RawMessage {
	inner, _ := marshalNoHTML(s) // strings always encode
	outer, _ := marshalNoHTML(string(inner))
	return outer
}

// dotnetNull is a null value on the wire: the JSON text "null" as a string.
func dotnetNull() json.RawMessage { return json.RawMessage(`"null"`) }

// pascalContext mimics Metadata.mcptoolcontext, which the host builds with
// Newtonsoft from the extension's object: PascalCase names, nulls kept and
// arguments as opaque JsonElement shapes. Handlers must not depend on it;
// sending it keeps them honest.
func pascalContext(inv *ToolInvocation, headers map[string]string) pascalToolContext {
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
	// pascalClientInfo is the C# SDK's Implementation
	// (src/ModelContextProtocol.Core/Protocol/Implementation.cs
	// @v0.4.0-preview.3), every public property in declaration order.
	pascalClientInfo struct {
		Name       string   `json:"Name"`
		Title      *string  `json:"Title"`
		Version    string   `json:"Version"`
		Icons      []string `json:"Icons"`
		WebsiteURL *string  `json:"WebsiteUrl"`
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
