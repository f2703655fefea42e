package decl

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Functions are an app's MCP functions, each one function folder.
type Functions struct {
	Tools     []*Tool
	Resources []*Resource
	Prompts   []*Prompt
}

// Names lists every function's folder name.
func (f Functions) Names() []string {
	var out []string
	for _, t := range f.Tools {
		out = append(out, t.Name)
	}
	for _, r := range f.Resources {
		out = append(out, r.Name)
	}
	for _, p := range f.Prompts {
		out = append(out, p.Name)
	}
	return out
}

// Connections lists the connection settings the blob bindings name, each
// once, in declaration order.
func (f Functions) Connections() []string {
	var out []string
	add := func(blobs []Blob) {
		for _, b := range blobs {
			if !slices.Contains(out, b.ConnectionName()) {
				out = append(out, b.ConnectionName())
			}
		}
	}
	for _, t := range f.Tools {
		add(t.Blobs)
	}
	for _, r := range f.Resources {
		add(r.Blobs)
	}
	for _, p := range f.Prompts {
		add(p.Blobs)
	}
	return out
}

// Check checks every declaration, and that no two share a folder.
func (f Functions) Check() error {
	var errs []error
	for _, t := range f.Tools {
		errs = append(errs, t.Check())
	}
	for _, r := range f.Resources {
		errs = append(errs, r.Check())
	}
	for _, p := range f.Prompts {
		errs = append(errs, p.Check())
	}
	errs = append(errs, f.checkViews()...)
	seen := map[string]bool{}
	for _, n := range f.Names() {
		if seen[strings.ToLower(n)] {
			errs = append(errs, fmt.Errorf("function %q is declared twice", n))
		}
		seen[strings.ToLower(n)] = true
	}
	return errors.Join(errs...)
}

// ServerInfo is how an app presents itself to MCP clients: the server
// name and version of initialize's serverInfo, and its instructions.
type ServerInfo struct {
	Name, Version, Instructions string
}
