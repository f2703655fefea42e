// Package binding does for one invocation what the Functions host does
// with a function's blob bindings: it fills in each path from the
// invocation's binding data, checks it as the blob extension does, reads
// the input blobs before the function runs and writes the output blobs
// after it succeeds.
//
// The local stand-in for the host uses it around each call to the
// handler; a self-hosted MCP server uses it around each call to a Go
// function. Paths are parsed by package funcapp, the one grammar of
// binding paths.
package binding

import (
	"context"
	"fmt"
	"strings"

	"remote-mcp-functions-go/internal/blobstore"
	"remote-mcp-functions-go/internal/funcapp"
	"remote-mcp-functions-go/internal/invoke"
)

// Store reads and writes the blobs of one storage connection.
type Store interface {
	// Read returns the blob's bytes; found is false when the blob or its
	// container does not exist.
	Read(ctx context.Context, container, blob string) (data []byte, found bool, err error)
	// Write stores the blob, creating its container when needed.
	Write(ctx context.Context, container, blob string, data []byte) error
}

// Blob is one blob binding of a function.
type Blob struct {
	Name  string
	Out   bool
	Path  *funcapp.PathTemplate
	Store Store
}

// Data is an invocation's binding data as path expressions read it; false
// when it has nothing for an expression.
type Data func(funcapp.Expr) (string, bool)

// sys answers {sys.MethodName}, {sys.UtcNow} and {sys.RandGuid}.
func sys(e funcapp.Expr, s invoke.SysData) (string, bool) {
	switch strings.ToLower(e.Member) {
	case "methodname":
		return s.MethodName, true
	case "utcnow":
		return s.UtcNow, true
	case "randguid":
		return s.RandGuid, true
	}
	return "", false
}

// ToolData is a tools/call's binding data: {mcptoolargs.<name>} (the
// arguments as mcptoolargs holds them) and {sys.…}.
func ToolData(args map[string]string, s invoke.SysData) Data {
	return func(e funcapp.Expr) (string, bool) {
		switch strings.ToLower(e.Source) {
		case "mcptoolargs":
			return invoke.LookupFold(args, e.Member)
		case "sys":
			return sys(e, s)
		}
		return "", false
	}
}

// ResourceData is a resources/read's binding data: each template parameter
// under its own name, {mcpresourceuri}, and {sys.…}.
func ResourceData(params map[string]string, uri string, s invoke.SysData) Data {
	return func(e funcapp.Expr) (string, bool) {
		switch {
		case strings.EqualFold(e.Source, "sys"):
			return sys(e, s)
		case e.Member != "":
			return "", false
		case strings.EqualFold(e.Source, "mcpresourceuri"):
			return uri, true
		}
		return invoke.LookupFold(params, e.Source)
	}
}

// PromptData is a prompts/get's binding data: {mcppromptargs.<name>} and
// {sys.…}.
func PromptData(args map[string]string, s invoke.SysData) Data {
	return func(e funcapp.Expr) (string, bool) {
		switch strings.ToLower(e.Source) {
		case "mcppromptargs":
			return invoke.LookupFold(args, e.Member)
		case "sys":
			return sys(e, s)
		}
		return "", false
	}
}

// Location is where one binding's blob is for this invocation.
type Location struct{ Container, Blob string }

// Resolve locates every binding, inputs and outputs alike: the host binds
// them all before the function runs, so a path that does not resolve, or
// breaks storage's naming rules, fails the call before anything is read.
func Resolve(blobs []Blob, data Data) ([]Location, error) {
	locs := make([]Location, len(blobs))
	for i, b := range blobs {
		path, err := b.Path.Resolve(data)
		if err != nil {
			return nil, fmt.Errorf("binding %q: %w", b.Name, err)
		}
		c, n, err := blobstore.SplitPath(path)
		if err == nil {
			err = blobstore.CheckName(c, n)
		}
		if err != nil {
			return nil, fmt.Errorf("binding %q: %w", b.Name, err)
		}
		locs[i] = Location{c, n}
	}
	return locs, nil
}

// ReadInputs reads the input blobs, by binding name: a nil slice for a
// blob that does not exist, an empty one for an empty blob.
func ReadInputs(ctx context.Context, blobs []Blob, locs []Location) (map[string][]byte, error) {
	var out map[string][]byte
	for i, b := range blobs {
		if b.Out {
			continue
		}
		if out == nil {
			out = map[string][]byte{}
		}
		data, found, err := b.Store.Read(ctx, locs[i].Container, locs[i].Blob)
		if err != nil {
			return nil, fmt.Errorf("input %q: %w", b.Name, err)
		}
		if found && data == nil {
			data = []byte{}
		}
		out[b.Name] = data
	}
	return out, nil
}

// WriteOutputs writes each output binding that got bytes.
func WriteOutputs(ctx context.Context, blobs []Blob, locs []Location, outputs map[string][]byte) error {
	for i, b := range blobs {
		data, ok := outputs[b.Name]
		if !b.Out || !ok {
			continue
		}
		if err := b.Store.Write(ctx, locs[i].Container, locs[i].Blob, data); err != nil {
			return fmt.Errorf("output %q: %w", b.Name, err)
		}
	}
	return nil
}

// FromFunction makes the blob bindings of a function.json, with the store
// of each binding's connection.
func FromFunction(f *funcapp.Function, stores map[string]Store) ([]Blob, error) {
	var out []Blob
	for _, dir := range []string{funcapp.In, funcapp.Out} {
		for _, b := range f.Blobs(dir) {
			p := b.Template
			if p == nil { // an app that was not loaded through funcapp
				var err error
				if p, err = funcapp.ParsePath(b.Path); err != nil {
					return nil, fmt.Errorf("%s: binding %q: %w", f.Path, b.Name, err)
				}
			}
			store := stores[b.Connection]
			if store == nil {
				return nil, fmt.Errorf("%s: binding %q: no storage for connection %q", f.Path, b.Name, b.Connection)
			}
			out = append(out, Blob{Name: b.Name, Out: dir == funcapp.Out, Path: p, Store: store})
		}
	}
	return out, nil
}
