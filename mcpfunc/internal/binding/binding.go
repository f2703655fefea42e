// Package binding does for one invocation what the Functions host does
// with a function's blob bindings: it fills in each path from the
// invocation's binding data, checks it as the blob extension does, reads
// the input blobs before the function runs and writes the output blobs
// after it succeeds.
//
// The host binds the inputs before the function runs and an output only
// after it, and only when the function gave that output a value
// (Azure/azure-functions-host
// src/WebJobs.Script/Description/Workers/WorkerFunctionInvoker.cs
// BindInputsAsync, BindOutputsAsync @89dc438d). So an input whose path
// breaks storage's rules fails the call before the function runs, and an
// output's path counts only when the function writes it: a function that
// refuses the arguments answers with its own message.
//
// The local stand-in for the host uses it around each call to the
// handler, writing outputs as the host does (unconditionally). A
// self-hosted MCP server uses it around each call to a Go function and
// also learns, before the function runs, what each output blob is
// ([Versions]): its writes then land only if nobody wrote the blob
// meanwhile, so a call that finishes late cannot overwrite a newer save.
// Paths are parsed by package funcapp, the one grammar of binding paths.
package binding

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"remote-mcp-functions-go/mcpfunc/internal/blobstore"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
)

// Store reads and writes the blobs of one storage connection
// (*blobstore.Account).
type Store interface {
	// Read returns the blob's bytes; found is false when the blob or its
	// container does not exist.
	Read(ctx context.Context, container, blob string) (data []byte, found bool, err error)
	// Current returns the blob's version now: the zero Version when it
	// does not exist.
	Current(ctx context.Context, container, blob string) (blobstore.Version, error)
	// Write stores the blob, creating its container when needed: with
	// cond, only while the blob is still at that version (else an error
	// matching blobstore.ErrChanged, and nothing written); without, as the
	// host's output binding writes, over whatever is there.
	Write(ctx context.Context, container, blob string, data []byte, cond *blobstore.Version) error
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
type Location struct {
	Container, Blob string
	// Err, for an output, is why it cannot be written: its path does not
	// resolve or breaks storage's rules (a *PathError), or its version
	// could not be learnt. It fails the call only if the function gives
	// the output a value, as the host binds an output only then.
	Err error
	// Version, for an output, is what the blob was before the function
	// ran ([Versions]): the write is made on condition of it. Nil writes
	// as the host does.
	Version *blobstore.Version
}

// PathError is a binding path that does not resolve from the invocation's
// data, or resolves to a path that breaks storage's naming rules: the
// arguments' fault, not the app's or storage's.
type PathError struct {
	Binding string
	Err     error
}

func (e *PathError) Error() string { return fmt.Sprintf("binding %q: %v", e.Binding, e.Err) }
func (e *PathError) Unwrap() error { return e.Err }

// Resolve locates every binding. An input whose path does not resolve or
// breaks storage's naming rules fails the call, before anything is read;
// such an output is kept with its error (Location.Err).
func Resolve(blobs []Blob, data Data) ([]Location, error) {
	locs := make([]Location, len(blobs))
	for i, b := range blobs {
		c, n, err := locate(b, data)
		if err != nil && !b.Out {
			return nil, err
		}
		locs[i] = Location{Container: c, Blob: n, Err: err}
	}
	return locs, nil
}

// locate resolves and checks one binding's path.
func locate(b Blob, data Data) (container, blob string, err error) {
	path, err := b.Path.Resolve(data)
	if err == nil {
		container, blob, err = blobstore.SplitPath(path)
	}
	if err == nil {
		err = blobstore.CheckName(container, blob)
	}
	if err != nil {
		return "", "", &PathError{Binding: b.Name, Err: err}
	}
	return container, blob, nil
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

// Versions learns what each output blob whose path resolved is now, so
// that WriteOutputs writes it only if it is still that. A lookup that
// fails becomes the output's error: it counts only if the function gives
// the output a value.
func Versions(ctx context.Context, blobs []Blob, locs []Location) {
	for i, b := range blobs {
		if !b.Out || locs[i].Err != nil {
			continue
		}
		v, err := b.Store.Current(ctx, locs[i].Container, locs[i].Blob)
		if err != nil {
			locs[i].Err = err
			continue
		}
		locs[i].Version = &v
	}
}

// OutputError is an output the call could not write, with the outputs
// written before it.
type OutputError struct {
	Binding         string
	Container, Blob string // empty when its path did not resolve
	// Written are the outputs written before this one failed.
	Written []Location
	Err     error
}

func (e *OutputError) Error() string { return fmt.Sprintf("output %q: %v", e.Binding, e.Err) }
func (e *OutputError) Unwrap() error { return e.Err }

// WriteOutputs writes each output binding that got bytes, in declaration
// order, on condition of its Version when it has one. It stops at the
// first that fails, with an *OutputError.
func WriteOutputs(ctx context.Context, blobs []Blob, locs []Location, outputs map[string][]byte) error {
	var written []Location
	for i, b := range blobs {
		data, ok := outputs[b.Name]
		if !b.Out || !ok {
			continue
		}
		err := locs[i].Err
		if err == nil {
			err = b.Store.Write(ctx, locs[i].Container, locs[i].Blob, data, locs[i].Version)
		}
		if err != nil {
			return &OutputError{Binding: b.Name, Container: locs[i].Container, Blob: locs[i].Blob, Written: written, Err: err}
		}
		written = append(written, locs[i])
	}
	return nil
}

// IsPathError reports whether err is a binding path the arguments made
// unusable (a *PathError).
func IsPathError(err error) bool {
	var pe *PathError
	return errors.As(err, &pe)
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
