package verify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/apphook"
	"remote-mcp-functions-go/mcpfunc/internal/fixture"
	"remote-mcp-functions-go/mcpfunc/internal/verify"
)

// The test doubles: go-sdk servers that play the fixture app, in memory,
// each wrong in one way a deployment can be.

// fixtureApp is the fixture's declarations and probes.
func fixtureApp(t *testing.T) *apphook.App {
	t.Helper()
	app, err := fixture.New()
	require.NoError(t, err)
	a, err := apphook.Of(app)
	require.NoError(t, err)
	return a
}

// double says how a double departs from the fixture.
type double struct {
	// key, when set, is required in x-functions-key (401 without).
	key string
	// forbidOthers answers another key 403, as the host answers a key of
	// the app that is not the one the path takes.
	forbidOthers bool
	// list changes what it lists (nil: as declared).
	list func(l *verify.Listing)
	// answer changes a tool's text (nil: as the fixture answers).
	answer func(tool, text string, r *mcp.CallToolRequest) string
	// structured changes a tool's structured content (nil: as the
	// fixture answers).
	structured func(tool string, sc any) any
}

// serve starts the double at the trigger hosting's paths (Streamable HTTP
// and legacy SSE) and at /mcp, and returns its base URL.
func (d double) serve(t *testing.T) (string, *store) {
	t.Helper()
	app := fixtureApp(t)
	l, err := verify.Declared(t.Context(), app.Functions, app.Server)
	require.NoError(t, err)
	if d.list != nil {
		d.list(l)
	}
	items := &store{m: map[string]string{}}
	// The trigger hosting's paths list as the MCP extension does (no tool
	// titles or annotations), /mcp as the self hosting does.
	self, ext := d.server(app, l, items), d.server(app, verify.AsExtensionLists(l), items)
	mux := http.NewServeMux()
	triggers := func(*http.Request) *mcp.Server { return ext }
	mux.Handle("/runtime/webhooks/mcp", mcp.NewStreamableHTTPHandler(triggers, nil))
	mux.Handle("/runtime/webhooks/mcp/sse", mcp.NewSSEHandler(triggers, nil))
	mux.Handle("/mcp", mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return self }, nil))
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("x-functions-key"); d.key != "" && got != d.key {
			if got != "" && d.forbidOthers {
				w.WriteHeader(http.StatusForbidden)
				return
			}
			w.Header().Set("WWW-Authenticate", "Bearer")
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		mux.ServeHTTP(w, r)
	}))
	srv.Config.ReadHeaderTimeout = 10 * time.Second
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL, items
}

// server is a go-sdk server listing l and answering from items.
func (d double) server(app *apphook.App, l *verify.Listing, items *store) *mcp.Server {
	s := mcp.NewServer(&mcp.Implementation{Name: app.Server.Name, Version: app.Server.Version}, &mcp.ServerOptions{Instructions: app.Server.Instructions})
	for _, tool := range l.Tools {
		s.AddTool(tool, func(ctx context.Context, r *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			res := items.call(tool.Name, r.Params.Arguments)
			if d.answer != nil {
				res.Content = []mcp.Content{&mcp.TextContent{Text: d.answer(tool.Name, text(res), r)}}
			}
			if d.structured != nil {
				res.StructuredContent = d.structured(tool.Name, res.StructuredContent)
			}
			return res, nil
		})
	}
	for _, rt := range l.Templates {
		s.AddResourceTemplate(rt, func(ctx context.Context, r *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
			v, ok := items.get(strings.TrimPrefix(r.Params.URI, "item://"))
			if !ok {
				return nil, mcp.ResourceNotFoundError(r.Params.URI)
			}
			return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: r.Params.URI, MIMEType: "text/plain", Text: v}}}, nil
		})
	}
	for _, r := range l.Resources {
		s.AddResource(r, func(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
			return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: r.URI, MIMEType: r.MIMEType, Text: "<!doctype html><title>view</title>"}}}, nil
		})
	}
	for _, p := range l.Prompts {
		s.AddPrompt(p, func(ctx context.Context, r *mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
			key := r.Params.Arguments["key"]
			v, _ := items.get(key)
			return &mcp.GetPromptResult{Messages: []*mcp.PromptMessage{{Role: "user", Content: &mcp.TextContent{Text: "Describe item '" + key + "' plainly:\n\n" + v}}}}, nil
		})
	}
	return s
}

func text(res *mcp.CallToolResult) string {
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String()
}

// store is the fixture's items, in memory.
type store struct {
	mu sync.Mutex
	m  map[string]string
}

func (s *store) get(k string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[k]
	return v, ok
}

// keys is what the store holds.
func (s *store) keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range s.m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// call answers the fixture's tools as the fixture does (package
// fixture): the same texts and structured content.
func (s *store) call(tool string, raw any) *mcp.CallToolResult {
	var args struct {
		Key, Value, Text, Prefix string
		RepeatCount              int
		Loud                     bool
		Tags                     []string
	}
	b, _ := json.Marshal(raw)
	_ = json.Unmarshal(b, &args)
	ok := func(text string, structured any) *mcp.CallToolResult {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: text}}, StructuredContent: structured}
	}
	notFound := &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: fmt.Sprintf("Item '%s' not found.", args.Key)}}}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch tool {
	case "hello":
		return ok("Hello from the fixture.", nil)
	case "echo":
		e := strings.Repeat(args.Text, max(args.RepeatCount, 1))
		if args.Loud {
			e = strings.ToUpper(e)
		}
		tags := append([]string{}, args.Tags...)
		return ok(strings.TrimSpace(e+" "+strings.Join(tags, ",")), map[string]any{"echoed": e, "tags": tags})
	case "put":
		s.m[args.Key] = args.Value
		return ok("Put '"+args.Key+"'", nil)
	case "get":
		v, found := s.m[args.Key]
		if !found {
			return notFound
		}
		return ok(v, map[string]any{"key": args.Key, "value": v})
	case "keys":
		keys := []string{}
		for k := range s.m {
			if strings.HasPrefix(k, args.Prefix) {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		b, _ := json.Marshal(map[string]any{"keys": keys})
		return ok(string(b), map[string]any{"keys": keys})
	case "remove":
		if _, found := s.m[args.Key]; !found {
			return notFound
		}
		delete(s.m, args.Key)
		return ok("Removed '"+args.Key+"'", nil)
	}
	return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: "unknown tool " + tool}}}
}
