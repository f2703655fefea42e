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

	"remote-mcp-functions-go/mcpfunc/internal/rawjson"
)

// This file is the host's side of the request: what the Functions host
// sends for one tools/call, resources/read or prompts/get. The local stand-in for the host uses it to
// invoke the handler; the handler's contract tests check it against
// payloads made by an encoder of their own.

// Invocation is what the host knows about any MCP call when it invokes
// the handler: the function, the blobs its input bindings read, and the
// MCP session.
type Invocation struct {
	// Function is the function folder name: the URL path and sys.MethodName.
	Function string
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

// ToolInvocation is one tools/call.
type ToolInvocation struct {
	Invocation
	// Tool is the MCP tool name from the trigger.
	Tool string
	// Arguments are the call's arguments as the client sent them; nil when
	// the client sent no arguments object (then mcptoolargs is absent).
	Arguments map[string]json.RawMessage
}

// ResourceInvocation is one resources/read.
type ResourceInvocation struct {
	Invocation
	// URI is the URI the client asked for.
	URI string
	// Params are a resource template's parameters, as matched in URI.
	Params map[string]string
}

// PromptInvocation is one prompts/get.
type PromptInvocation struct {
	Invocation
	// Prompt is the prompt's name.
	Prompt string
	// Arguments are the prompt's arguments as the client sent them; nil
	// when it sent none.
	Arguments map[string]json.RawMessage
}

// SysData is the WebJobs sys binding data: {sys.MethodName} and friends in
// binding paths.
type SysData struct {
	MethodName string `json:"MethodName"`
	UtcNow     string `json:"UtcNow"`
	RandGuid   string `json:"RandGuid"`
}

// Sys returns the invocation's sys binding data.
func (inv *Invocation) Sys() SysData {
	return SysData{
		MethodName: inv.Function,
		UtcNow:     inv.Now.UTC().Format("2006-01-02T15:04:05.0000000Z"),
		RandGuid:   inv.RandGUID,
	}
}

// ToolArgs returns mcptoolargs: every argument as text, the way the
// extension converts each JsonElement with ToString (strings bare, true as
// True, other values as their JSON text, null as empty).
func (inv *ToolInvocation) ToolArgs() map[string]string { return elementStrings(inv.Arguments) }

// PromptArgs returns mcppromptargs, converted as mcptoolargs is.
func (inv *PromptInvocation) PromptArgs() map[string]string { return elementStrings(inv.Arguments) }

func elementStrings(args map[string]json.RawMessage) map[string]string {
	if args == nil {
		return nil
	}
	out := make(map[string]string, len(args))
	for k, v := range args {
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

// NewToolRequest encodes the request body the host sends for a tools/call,
// with the host's encoding levels (see the package documentation) and its
// key order. It fails when an argument is not valid JSON.
func NewToolRequest(inv *ToolInvocation) ([]byte, error) {
	args, err := stjArguments(inv.Arguments)
	if err != nil {
		return nil, err
	}
	var ctx bytes.Buffer
	ctx.WriteString(`{"name":`)
	stjString(&ctx, inv.Tool)
	if args != nil {
		ctx.WriteString(`,"arguments":`)
		ctx.Write(args)
	}
	e := inv.encoder(ctx.Bytes())
	e.start("mcptoolcontext", pascalToolContext{
		Name:      inv.Tool,
		Arguments: valueKinds(inv.Arguments),
		SessionID: nullable(inv.SessionID),
		Transport: inv.pascalTransport(), ClientInfo: inv.pascalClient(),
	})
	if inv.Arguments != nil {
		e.body.value("mcptoolargs", inv.ToolArgs())
	}
	e.body.value("sys", inv.Sys())
	// What the host lifts out of the trigger value (ApplyBindingData).
	e.body.field("name", dotnetString(inv.Tool))
	if inv.Arguments != nil {
		e.body.value("arguments", reparsedArguments(inv.Arguments))
	}
	return e.finish()
}

// NewResourceRequest encodes the request body the host sends for a
// resources/read: binding data mcpresourcecontext, the trigger,
// mcpsessionid, mcpresourceuri and each template parameter under its own
// name (Trigger/McpResourceTriggerBinding.cs @cd0d1e8c), then what the
// host lifts out of the trigger value (uri, sessionid, clientinfo,
// transport).
func NewResourceRequest(inv *ResourceInvocation) ([]byte, error) {
	var ctx bytes.Buffer
	ctx.WriteString(`{"uri":`)
	stjString(&ctx, inv.URI)
	e := inv.encoder(ctx.Bytes())
	e.start("mcpresourcecontext", pascalResourceContext{
		URI: inv.URI, SessionID: nullable(inv.SessionID),
		Transport: inv.pascalTransport(), ClientInfo: inv.pascalClient(),
	})
	e.body.field("mcpresourceuri", dotnetString(inv.URI))
	for _, k := range slices.Sorted(maps.Keys(inv.Params)) {
		e.body.field(k, dotnetString(inv.Params[k]))
	}
	e.body.value("sys", inv.Sys())
	e.body.field("uri", dotnetString(inv.URI))
	return e.finish()
}

// NewPromptRequest encodes the request body the host sends for a
// prompts/get: binding data mcppromptcontext, the trigger, mcpsessionid
// and mcppromptargs (Trigger/McpPromptTriggerBinding.cs @cd0d1e8c), then
// what the host lifts out of the trigger value (name, arguments,
// sessionid, clientinfo, transport).
func NewPromptRequest(inv *PromptInvocation) ([]byte, error) {
	args, err := stjArguments(inv.Arguments)
	if err != nil {
		return nil, err
	}
	var ctx bytes.Buffer
	ctx.WriteString(`{"name":`)
	stjString(&ctx, inv.Prompt)
	if args != nil {
		ctx.WriteString(`,"arguments":`)
		ctx.Write(args)
	}
	e := inv.encoder(ctx.Bytes())
	e.start("mcppromptcontext", pascalPromptContext{
		Name: inv.Prompt, Arguments: valueKinds(inv.Arguments), SessionID: nullable(inv.SessionID),
		Transport: inv.pascalTransport(), ClientInfo: inv.pascalClient(),
	})
	if inv.Arguments != nil {
		e.body.value("mcppromptargs", inv.PromptArgs())
	}
	e.body.value("sys", inv.Sys())
	e.body.field("name", dotnetString(inv.Prompt))
	if inv.Arguments != nil {
		e.body.value("arguments", reparsedArguments(inv.Arguments))
	}
	return e.finish()
}

// stjArguments writes a call's arguments as the extension writes them in
// the trigger value; nil when there are none.
func stjArguments(args map[string]json.RawMessage) ([]byte, error) {
	if args == nil {
		return nil, nil
	}
	names := slices.Sorted(maps.Keys(args))
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range names {
		if !json.Valid(args[k]) {
			return nil, fmt.Errorf("invoke: argument %q is not valid JSON", k)
		}
		if i > 0 {
			b.WriteByte(',')
		}
		stjString(&b, k)
		b.WriteByte(':')
		if err := stjValue(&b, args[k]); err != nil {
			return nil, fmt.Errorf("invoke: argument %q: %w", k, err)
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// encoder writes what every invocation has in common around the trigger's
// own members.
type encoder struct {
	inv     *Invocation
	trigger json.RawMessage
	body    object
}

// encoder starts a payload whose trigger value is head (the trigger
// object's own members, without the closing brace) followed by the
// session members.
func (inv *Invocation) encoder(head []byte) *encoder {
	ctx := bytes.NewBuffer(head)
	if inv.SessionID != "" {
		ctx.WriteString(`,"sessionid":`)
		stjString(ctx, inv.SessionID)
	}
	if c := inv.ClientInfo; c != nil {
		ctx.WriteString(`,"clientinfo":{"name":`)
		stjString(ctx, c.Name)
		if c.Version != "" {
			ctx.WriteString(`,"version":`)
			stjString(ctx, c.Version)
		}
		ctx.WriteByte('}')
	}
	ctx.WriteString(`,"transport":{"name":`)
	stjString(ctx, inv.Transport)
	if inv.SessionID != "" {
		ctx.WriteString(`,"sessionId":`)
		stjString(ctx, inv.SessionID)
	}
	ctx.WriteString(`,"properties":{"headers":{`)
	headers := inv.headers()
	for i, k := range slices.Sorted(maps.Keys(headers)) {
		if i > 0 {
			ctx.WriteByte(',')
		}
		stjString(ctx, k)
		ctx.WriteByte(':')
		stjString(ctx, headers[k])
	}
	ctx.WriteString(`}}}}`)
	// The trigger value is a string holding that JSON; the host encodes
	// that string once more (dotnetString) and the wire a third time.
	return &encoder{inv: inv, trigger: dotnetString(ctx.String())}
}

// start writes Data and the first members of Metadata: the extension's
// context object as Newtonsoft sees it, the trigger, and the session id.
func (e *encoder) start(contextKey string, pascal any) {
	e.body.open("Data")
	e.body.field(TriggerName, e.trigger)
	for _, name := range slices.Sorted(maps.Keys(e.inv.Inputs)) {
		if content := e.inv.Inputs[name]; content == nil {
			e.body.field(name, dotnetNull())
		} else {
			// The blob binding reads the stream as UTF-8 text.
			e.body.field(name, dotnetString(strings.ToValidUTF8(string(content), "\uFFFD")))
		}
	}
	e.body.close()
	e.body.open("Metadata")
	e.body.value(contextKey, pascal)
	e.body.field(TriggerName, e.trigger)
	if e.inv.SessionID != "" {
		e.body.field("mcpsessionid", dotnetString(e.inv.SessionID))
	}
}

// finish writes the lifted session members and closes the payload.
func (e *encoder) finish() ([]byte, error) {
	if e.inv.SessionID != "" {
		e.body.field("sessionid", dotnetString(e.inv.SessionID))
	}
	if e.inv.ClientInfo != nil {
		e.body.value("clientinfo", e.inv.ClientInfo)
	}
	e.body.value("transport", wireTransport{Name: e.inv.Transport, SessionID: e.inv.SessionID, Properties: wireProperties{Headers: e.inv.headers()}})
	e.body.close()
	return e.body.bytes()
}

func (inv *Invocation) headers() map[string]string {
	if inv.Headers == nil {
		return map[string]string{}
	}
	return inv.Headers
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
		b, err := rawjson.Marshal(redate(v))
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
	k, _ := rawjson.Marshal(name) // a string always encodes
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
	b, err := rawjson.Marshal(v)
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
	inner, _ := rawjson.Marshal(s) // strings always encode
	outer, _ := rawjson.Marshal(string(inner))
	return outer
}

// dotnetNull is a null value on the wire: the JSON text "null" as a string.
func dotnetNull() json.RawMessage { return json.RawMessage(`"null"`) }

// The extension's context objects as Newtonsoft writes them into
// Metadata (mcptoolcontext and friends): PascalCase names, nulls kept and
// arguments as opaque JsonElement shapes. Handlers must not depend on
// them; sending them keeps handlers honest.
type (
	pascalToolContext struct {
		Name       string                 `json:"Name"`
		Arguments  map[string]valueKindOf `json:"Arguments"`
		SessionID  *string                `json:"SessionId"`
		ClientInfo *pascalClientInfo      `json:"ClientInfo"`
		Transport  pascalTransport        `json:"Transport"`
	}
	pascalResourceContext struct {
		URI        string            `json:"Uri"`
		SessionID  *string           `json:"SessionId"`
		ClientInfo *pascalClientInfo `json:"ClientInfo"`
		Transport  pascalTransport   `json:"Transport"`
	}
	pascalPromptContext struct {
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

func (inv *Invocation) pascalTransport() pascalTransport {
	return pascalTransport{Name: inv.Transport, SessionID: nullable(inv.SessionID), Properties: wireProperties{inv.headers()}}
}

func (inv *Invocation) pascalClient() *pascalClientInfo {
	if inv.ClientInfo == nil {
		return nil
	}
	return &pascalClientInfo{Name: inv.ClientInfo.Name, Version: inv.ClientInfo.Version}
}

func valueKinds(args map[string]json.RawMessage) map[string]valueKindOf {
	out := make(map[string]valueKindOf, len(args))
	for k, v := range args {
		out[k] = valueKindOf{valueKind(v)}
	}
	return out
}

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
