package customhandler_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// This file is the contract goldens' own encoder of the host's payload:
// written from docs/contract.md#the-request-body,
// docs/contract.md#the-encodings and docs/contract.md#what-metadata-holds,
// independently of package invoke (which encodes the same payload for
// devhost), so that the goldens are not the output of the code they
// check, and a test can compare the two encoders byte for byte.
//
// The host's layers, innermost first:
//
//  1. the MCP extension serializes its ToolInvocationContext with
//     System.Text.Json (default encoder: only printable ASCII stays, minus
//     " & ' + < > `; upper-case \uXXXX for the rest, short escapes for
//     \n \r \t \b \f and \\);
//  2. the host's JsonConvert.SerializeObject turns each .NET string into
//     JSON text (Newtonsoft: escapes only quotes, backslashes and control
//     characters);
//  3. the payload writer writes that text as a JSON string once more.

// hostCall is one golden's input: the section call.json.
type hostCall struct {
	// Kind is "tool" (when empty), "resource" or "prompt".
	Kind string `json:"kind,omitempty"`
	// Tool is the tool's or the prompt's name.
	Tool string `json:"tool,omitempty"`
	// URI and Params are a resources/read's URI and template parameters.
	URI       string                      `json:"uri,omitempty"`
	Params    map[string]string           `json:"params,omitempty"`
	Arguments map[string]json.RawMessage  `json:"arguments"`
	Blobs     map[string]*json.RawMessage `json:"blobs"` // name → JSON string of the content, or null for a missing blob
	// Single makes a host that encodes strings only once (the docs'
	// custom handler example): no extra layer, no Newtonsoft extras.
	Single bool `json:"single"`
}

// The session every golden runs in.
const (
	goldenSession = "SID"
	goldenUtcNow  = "2026-01-01T00:00:00.0000000Z"
	goldenGUID    = "8c0d3f5e-2f0b-4c43-9a7e-6f1d2b3c4d5e"
)

var (
	goldenClient  = [][2]string{{"name", "mcp-inspector"}, {"version", "2.12.0"}}
	goldenHeaders = [][2]string{
		{"accept", "application/json, text/event-stream"},
		{"content-type", "application/json"},
		{"mcp-session-id", goldenSession},
		{"user-agent", "node"},
		{"x-functions-key", "REDACTED-KEY"},
	}
)

// hostPayload encodes c, a call of function, as the host sends it.
func hostPayload(function string, c hostCall) (string, error) {
	switch c.Kind {
	case "resource":
		return resourcePayload(function, c)
	case "prompt":
		return promptPayload(function, c)
	}
	return toolPayload(c)
}

// session is the trigger value's session members, System.Text.Json.
func session() string {
	return `,"sessionid":` + stj(goldenSession) +
		`,"clientinfo":` + pairs(goldenClient, stj) +
		`,"transport":{"name":"http-streamable","sessionId":` + stj(goldenSession) + `,"properties":{"headers":` + pairs(goldenHeaders, stj) + `}}}`
}

// sessionMetadata is what the host lifts out of the trigger value after the
// rest: the session id, the client, the transport (Newtonsoft).
func sessionMetadata() []string {
	return []string{
		`"sessionid":` + newtonsoft(newtonsoft(goldenSession)),
		`"clientinfo":` + pairs(goldenClient, newtonsoft),
		`"transport":{"name":"http-streamable","sessionId":` + newtonsoft(goldenSession) + `,"properties":{"headers":` + pairs(goldenHeaders, newtonsoft) + `}}`,
	}
}

// pascalSession is the session part of an mcp*context object as Newtonsoft
// writes it.
func pascalSession() string {
	return `,"SessionId":` + newtonsoft(goldenSession) +
		`,"ClientInfo":{"Name":"mcp-inspector","Title":null,"Version":"2.12.0","Icons":null,"WebsiteUrl":null}` +
		`,"Transport":{"Name":"http-streamable","SessionId":` + newtonsoft(goldenSession) + `,"Properties":{"headers":` + pairs(goldenHeaders, newtonsoft) + `}}}`
}

func sysOf(function string) string {
	return `"sys":{"MethodName":` + newtonsoft(function) + `,"UtcNow":"` + goldenUtcNow + `","RandGuid":"` + goldenGUID + `"}`
}

// dataOf writes Data: the trigger, then each blob input, encoded twice.
func dataOf(trigger string, blobs map[string]*json.RawMessage) (string, error) {
	data := []string{`"context":` + trigger}
	names := make([]string, 0, len(blobs))
	for k := range blobs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		if blobs[name] == nil {
			data = append(data, newtonsoft(name)+`:"null"`)
			continue
		}
		var s string
		if err := json.Unmarshal(*blobs[name], &s); err != nil {
			return "", fmt.Errorf("blob %s: %v", name, err)
		}
		data = append(data, newtonsoft(name)+":"+newtonsoft(newtonsoft(s)))
	}
	return "{" + strings.Join(data, ",") + "}", nil
}

// resourcePayload is a resources/read: binding data mcpresourcecontext,
// the trigger, mcpsessionid, mcpresourceuri and each template parameter
// (McpResourceTriggerBinding.cs), sys, then uri and the session lifted out
// of the trigger value.
func resourcePayload(function string, c hostCall) (string, error) {
	trigger := newtonsoft(newtonsoft(`{"uri":` + stj(c.URI) + session()))
	data, err := dataOf(trigger, c.Blobs)
	if err != nil {
		return "", err
	}
	meta := []string{
		`"mcpresourcecontext":{"Uri":` + newtonsoft(c.URI) + pascalSession(),
		`"context":` + trigger,
		`"mcpsessionid":` + newtonsoft(newtonsoft(goldenSession)),
		`"mcpresourceuri":` + newtonsoft(newtonsoft(c.URI)),
	}
	names := make([]string, 0, len(c.Params))
	for k := range c.Params {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		meta = append(meta, newtonsoft(k)+":"+newtonsoft(newtonsoft(c.Params[k])))
	}
	meta = append(meta, sysOf(function), `"uri":`+newtonsoft(newtonsoft(c.URI)))
	meta = append(meta, sessionMetadata()...)
	return `{"Data":` + data + `,"Metadata":{` + strings.Join(meta, ",") + `}}`, nil
}

// promptPayload is a prompts/get: binding data mcppromptcontext, the
// trigger, mcpsessionid and mcppromptargs (McpPromptTriggerBinding.cs),
// sys, then name, arguments and the session lifted out of the trigger.
func promptPayload(function string, c hostCall) (string, error) {
	names := make([]string, 0, len(c.Arguments))
	for k := range c.Arguments {
		names = append(names, k)
	}
	sort.Strings(names)
	ctx := `{"name":` + stj(c.Tool)
	var args, strs, kinds []string
	for _, k := range names {
		v, err := stjValue(c.Arguments[k])
		if err != nil {
			return "", err
		}
		args = append(args, stj(k)+":"+v)
		strs = append(strs, newtonsoft(k)+":"+newtonsoft(elementToString(c.Arguments[k])))
		kinds = append(kinds, newtonsoft(k)+`:{"ValueKind":3}`)
	}
	if c.Arguments != nil {
		ctx += `,"arguments":{` + strings.Join(args, ",") + `}`
	}
	trigger := newtonsoft(newtonsoft(ctx + session()))
	data, err := dataOf(trigger, c.Blobs)
	if err != nil {
		return "", err
	}
	meta := []string{
		`"mcppromptcontext":{"Name":` + newtonsoft(c.Tool) + `,"Arguments":{` + strings.Join(kinds, ",") + `}` + pascalSession(),
		`"context":` + trigger,
		`"mcpsessionid":` + newtonsoft(newtonsoft(goldenSession)),
	}
	if c.Arguments != nil {
		meta = append(meta, `"mcppromptargs":{`+strings.Join(strs, ",")+`}`)
	}
	meta = append(meta, sysOf(function), `"name":`+newtonsoft(newtonsoft(c.Tool)))
	if c.Arguments != nil {
		var re []string
		for _, k := range names {
			re = append(re, newtonsoft(k)+":"+reparsed(c.Arguments[k]))
		}
		meta = append(meta, `"arguments":{`+strings.Join(re, ",")+`}`)
	}
	meta = append(meta, sessionMetadata()...)
	return `{"Data":` + data + `,"Metadata":{` + strings.Join(meta, ",") + `}}`, nil
}

// toolPayload is a tools/call.
func toolPayload(c hostCall) (string, error) {
	argNames := make([]string, 0, len(c.Arguments))
	for k := range c.Arguments {
		argNames = append(argNames, k)
	}
	sort.Strings(argNames)

	// Layer 1: the trigger value, System.Text.Json.
	var ctx strings.Builder
	ctx.WriteString(`{"name":` + stj(c.Tool))
	if c.Arguments != nil {
		ctx.WriteString(`,"arguments":{`)
		for i, k := range argNames {
			if i > 0 {
				ctx.WriteString(",")
			}
			v, err := stjValue(c.Arguments[k])
			if err != nil {
				return "", err
			}
			ctx.WriteString(stj(k) + ":" + v)
		}
		ctx.WriteString("}")
	}
	ctx.WriteString(`,"sessionid":` + stj(goldenSession))
	ctx.WriteString(`,"clientinfo":` + pairs(goldenClient, stj))
	ctx.WriteString(`,"transport":{"name":"http-streamable","sessionId":` + stj(goldenSession) + `,"properties":{"headers":` + pairs(goldenHeaders, stj) + `}}}`)

	// Layers 2 and 3 for the trigger; a host that encodes once skips the
	// middle one.
	trigger := newtonsoft(newtonsoft(ctx.String()))
	text := func(s string) string { return newtonsoft(newtonsoft(s)) }
	if c.Single {
		trigger, text = newtonsoft(ctx.String()), newtonsoft
	}

	var data []string
	data = append(data, `"context":`+trigger)
	blobNames := make([]string, 0, len(c.Blobs))
	for k := range c.Blobs {
		blobNames = append(blobNames, k)
	}
	sort.Strings(blobNames)
	for _, name := range blobNames {
		content := c.Blobs[name]
		if content == nil {
			data = append(data, newtonsoft(name)+`:"null"`)
			continue
		}
		var s string
		if err := json.Unmarshal(*content, &s); err != nil {
			return "", fmt.Errorf("blob %s: %v", name, err)
		}
		data = append(data, newtonsoft(name)+":"+text(s))
	}

	// Metadata, in the host's order (docs/contract.md#what-metadata-holds).
	var meta []string
	if !c.Single {
		meta = append(meta, `"mcptoolcontext":`+pascalContext(c, argNames))
	}
	meta = append(meta, `"context":`+trigger)
	if !c.Single {
		meta = append(meta, `"mcpsessionid":`+text(goldenSession))
	}
	if c.Arguments != nil {
		var args, strs []string
		for _, k := range argNames {
			args = append(args, newtonsoft(k)+":"+reparsed(c.Arguments[k]))
			strs = append(strs, newtonsoft(k)+":"+newtonsoft(elementToString(c.Arguments[k])))
		}
		meta = append(meta, `"mcptoolargs":{`+strings.Join(strs, ",")+`}`)
		if c.Single {
			meta = append(meta, `"arguments":{`+strings.Join(args, ",")+`}`)
		} else {
			meta = append(meta, `"sys":{"MethodName":`+newtonsoft(c.Tool)+`,"UtcNow":"`+goldenUtcNow+`","RandGuid":"`+goldenGUID+`"}`)
			meta = append(meta, `"name":`+text(c.Tool))
			meta = append(meta, `"arguments":{`+strings.Join(args, ",")+`}`)
		}
	} else if !c.Single {
		meta = append(meta, `"sys":{"MethodName":`+newtonsoft(c.Tool)+`,"UtcNow":"`+goldenUtcNow+`","RandGuid":"`+goldenGUID+`"}`)
		meta = append(meta, `"name":`+text(c.Tool))
	}
	if !c.Single {
		meta = append(meta, `"sessionid":`+text(goldenSession))
		meta = append(meta, `"clientinfo":`+pairs(goldenClient, newtonsoft))
		meta = append(meta, `"transport":{"name":"http-streamable","sessionId":`+newtonsoft(goldenSession)+`,"properties":{"headers":`+pairs(goldenHeaders, newtonsoft)+`}}`)
	}
	return `{"Data":{` + strings.Join(data, ",") + `},"Metadata":{` + strings.Join(meta, ",") + `}}`, nil
}

// pascalContext is Metadata.mcptoolcontext: Newtonsoft's view of the
// extension's object, PascalCase, nulls kept, each argument an opaque
// JsonElement showing only its ValueKind.
func pascalContext(c hostCall, argNames []string) string {
	kinds := map[byte]int{'{': 1, '[': 2, '"': 3, 't': 5, 'f': 6, 'n': 7}
	var args []string
	for _, k := range argNames {
		v := bytes.TrimSpace(c.Arguments[k])
		kind, ok := kinds[v[0]]
		if !ok {
			kind = 4 // a number
		}
		args = append(args, fmt.Sprintf(`%s:{"ValueKind":%d}`, newtonsoft(k), kind))
	}
	return `{"Name":` + newtonsoft(c.Tool) + `,"Arguments":{` + strings.Join(args, ",") + `},"SessionId":` + newtonsoft(goldenSession) +
		`,"ClientInfo":{"Name":"mcp-inspector","Title":null,"Version":"2.12.0","Icons":null,"WebsiteUrl":null}` +
		`,"Transport":{"Name":"http-streamable","SessionId":` + newtonsoft(goldenSession) + `,"Properties":{"headers":` + pairs(goldenHeaders, newtonsoft) + `}}}`
}

// pairs writes an object of string members with the given string encoder.
func pairs(kv [][2]string, enc func(string) string) string {
	parts := make([]string, len(kv))
	for i, p := range kv {
		parts[i] = enc(p[0]) + ":" + enc(p[1])
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// stj is System.Text.Json's default escaping of a string.
func stj(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		short := map[rune]string{'\n': `\n`, '\r': `\r`, '\t': `\t`, '\b': `\b`, '\f': `\f`, '\\': `\\`}
		if e, ok := short[r]; ok {
			b.WriteString(e)
			continue
		}
		if r >= 0x20 && r < 0x7F && !strings.ContainsRune("\"&'+<>`", r) {
			b.WriteRune(r)
			continue
		}
		// UTF-16 code units, as .NET strings hold them.
		if r >= 0x10000 {
			r -= 0x10000
			fmt.Fprintf(&b, `\u%04X\u%04X`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
		} else {
			fmt.Fprintf(&b, `\u%04X`, r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// stjValue writes a client's JSON value back as the extension does
// (JsonElement.WriteTo): compact, numbers as written, strings re-escaped.
func stjValue(raw json.RawMessage) (string, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return "", err
	}
	var walk func(any) string
	walk = func(v any) string {
		switch x := v.(type) {
		case string:
			return stj(x)
		case json.Number:
			return x.String()
		case bool:
			return fmt.Sprint(x)
		case nil:
			return "null"
		case []any:
			parts := make([]string, len(x))
			for i, e := range x {
				parts[i] = walk(e)
			}
			return "[" + strings.Join(parts, ",") + "]"
		case map[string]any:
			// Key order: the goldens use objects with one key or sorted ones.
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			parts := make([]string, len(keys))
			for i, k := range keys {
				parts[i] = stj(k) + ":" + walk(x[k])
			}
			return "{" + strings.Join(parts, ",") + "}"
		}
		panic(fmt.Sprintf("unexpected %T", v))
	}
	return walk(v), nil
}

// newtonsoft is a string as JsonConvert writes it: the standard library's
// encoding without HTML escaping matches it for the characters the goldens
// use (quotes, backslashes, control characters; the rest as UTF-8).
func newtonsoft(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(strings.ToValidUTF8(s, "\uFFFD")); err != nil {
		panic(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// isoDate is what Newtonsoft's JObject.Parse takes for a date (its default
// DateParseHandling.DateTime), in the UTC form the goldens use.
var isoDate = regexp.MustCompile(`^"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z"$`)

// reparsed is an argument as it comes back in Metadata.arguments, which the
// host makes by parsing the trigger value with JObject.Parse and writing
// it again: a date-looking string becomes a date and is written in
// Newtonsoft's round-trip form, its fraction's trailing zeros dropped.
// Handlers must read the trigger's arguments instead.
func reparsed(raw json.RawMessage) string {
	v := compact(raw)
	if m := isoDate.FindStringSubmatch(v); m != nil {
		return `"` + m[1] + strings.TrimRight(strings.TrimRight(m[2], "0"), ".") + `Z"`
	}
	return v
}

func compact(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		panic(err)
	}
	return b.String()
}

// elementToString is JsonElement.ToString, the text of mcptoolargs: for
// an array or an object its raw text (GetRawText), as the client wrote
// it, spaces included.
func elementToString(raw json.RawMessage) string {
	switch t := strings.TrimSpace(string(raw)); {
	case t == "true":
		return "True"
	case t == "false":
		return "False"
	case t == "null":
		return ""
	case strings.HasPrefix(t, `"`):
		var s string
		if err := json.Unmarshal(raw, &s); err != nil || !utf8.ValidString(s) {
			panic(err)
		}
		return s
	case strings.HasPrefix(t, "[") || strings.HasPrefix(t, "{"):
		return t
	default:
		return compact(raw)
	}
}
