package selfhost

import (
	"fmt"

	"remote-mcp-functions-go/mcpfunc/internal/binding"
	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/funcgen"
)

// function is what the trigger hosting would deploy for one declaration:
// its function.json, generated and read back as the host reads it, and its
// blob bindings with their stores. Listings and bindings come from it, so
// both hostings serve the same function from the same file.
type function struct {
	*funcapp.Function
	blobs []binding.Blob
}

// newFunction generates and reads the function.json of the declaration
// whose rendering is fj (from package funcgen), with the stores its
// bindings need.
func (s *Server) newFunction(name string, fj []byte, err error) (*function, error) {
	if err != nil {
		return nil, fmt.Errorf("selfhost: %s: %w", name, err)
	}
	f, err := funcapp.ParseFunction(name, "generated "+funcgen.FunctionsDir+"/"+name+"/function.json", fj)
	if err != nil {
		return nil, fmt.Errorf("selfhost: %w", err)
	}
	blobs, err := binding.FromFunction(f, s.opts.Stores)
	if err != nil {
		return nil, fmt.Errorf("selfhost: %w", err)
	}
	return &function{Function: f, blobs: blobs}, nil
}

// hasOutputs reports whether the function has a blob output.
func (f *function) hasOutputs() bool {
	for _, b := range f.blobs {
		if b.Out {
			return true
		}
	}
	return false
}
