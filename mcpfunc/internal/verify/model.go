package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/mcpfunc/internal/binding"
	"remote-mcp-functions-go/mcpfunc/internal/blobstore"
	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/selfhost"
)

// Listing is what a server lists: its initialize answer and every
// function, as the go-sdk client decodes them (compared as the JSON they
// encode to).
type Listing struct {
	Init      *mcp.InitializeResult
	Tools     []*mcp.Tool
	Resources []*mcp.Resource
	Templates []*mcp.ResourceTemplate
	Prompts   []*mcp.Prompt
}

// List reads everything s lists, every page.
func List(ctx context.Context, s *mcp.ClientSession) (*Listing, error) {
	l := &Listing{Init: s.InitializeResult()}
	caps := &mcp.ServerCapabilities{}
	if l.Init != nil && l.Init.Capabilities != nil {
		caps = l.Init.Capabilities
	}
	var err error
	if caps.Tools != nil {
		if l.Tools, err = collect(s.Tools(ctx, nil)); err != nil {
			return l, fmt.Errorf("tools/list: %w", err)
		}
	}
	if caps.Resources != nil {
		if l.Resources, err = collect(s.Resources(ctx, nil)); err != nil {
			return l, fmt.Errorf("resources/list: %w", err)
		}
		if l.Templates, err = collect(s.ResourceTemplates(ctx, nil)); err != nil {
			return l, fmt.Errorf("resources/templates/list: %w", err)
		}
	}
	if caps.Prompts != nil {
		if l.Prompts, err = collect(s.Prompts(ctx, nil)); err != nil {
			return l, fmt.Errorf("prompts/list: %w", err)
		}
	}
	return l, nil
}

func collect[T any](seq func(func(T, error) bool)) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Declared is what a server of fns and info lists: the self hosting's own
// server built from them, in process, listed through a go-sdk client.
// Both hostings list a declaration alike (the end-to-end parity tests
// check it), so one model serves for both; using the server itself keeps
// a single implementation of how a declaration is listed.
func Declared(ctx context.Context, fns decl.Functions, info decl.ServerInfo) (*Listing, error) {
	stores := map[string]binding.Store{}
	for _, name := range fns.Connections() {
		stores[name] = noStore{}
	}
	srv, err := selfhost.New(fns, selfhost.Options{
		Server: info,
		Stores: stores,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		return nil, err
	}
	client := mcp.NewClient(&mcp.Implementation{Name: "verify", Version: "1.0.0"}, nil)
	s, err := client.Connect(ctx, &mcp.StreamableClientTransport{
		Endpoint:   "http://declared" + selfhost.Path,
		HTTPClient: &http.Client{Transport: inProcess{srv}},
		MaxRetries: -1,
	}, nil)
	if err != nil {
		return nil, fmt.Errorf("listing the declarations: %w", err)
	}
	defer s.Close()
	l, err := List(ctx, s)
	if err != nil {
		return nil, fmt.Errorf("listing the declarations: %w", err)
	}
	return l, nil
}

// inProcess answers requests with a handler, in process: the self-hosted
// server is stateless and answers in JSON, so each answer is whole when
// ServeHTTP returns.
type inProcess struct{ h http.Handler }

func (p inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	p.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// noStore is the storage of the model server, which is only listed.
type noStore struct{}

var errNoStore = errors.New("the declarations' model has no storage")

func (noStore) Read(context.Context, string, string) ([]byte, bool, error) {
	return nil, false, errNoStore
}

func (noStore) Current(context.Context, string, string) (blobstore.Version, error) {
	return blobstore.Version{}, errNoStore
}

func (noStore) Write(context.Context, string, string, []byte, *blobstore.Version) error {
	return errNoStore
}

// asExtensionLists is l as the MCP extension lists it: its tools without
// title or annotations, which it has no field for
// (docs/hostings.md#titles-and-annotations).
func (l *Listing) asExtensionLists() *Listing {
	c := *l
	c.Tools = make([]*mcp.Tool, len(l.Tools))
	for i, t := range l.Tools {
		t2 := *t
		t2.Title, t2.Annotations = "", nil
		c.Tools[i] = &t2
	}
	return &c
}
