package mcpfunc

import (
	"errors"
	"fmt"

	"remote-mcp-functions-go/mcpfunc/internal/decl"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
)

// App is a function app's MCP server: how it presents itself to clients,
// and its functions. Make one in your app's New, which [Start] calls when
// the handler starts.
type App struct {
	// Name and Version are the server's name and version in initialize's
	// serverInfo; Instructions tell the model how to use the server. They
	// are host.json's extensions.mcp block in the trigger hosting (make
	// generate writes it).
	Name, Version, Instructions string
	// MaxContentBytes is the most text one argument or one blob of a call
	// carries: what the handler reads of a call is sized from it, so that
	// content within it always reaches the function, which says itself
	// what is too large. Zero means 1 MiB.
	MaxContentBytes int
	// Tools, Resources and Prompts are the app's functions, each one
	// folder under functions/.
	Tools     []*Tool
	Resources []*Resource
	Prompts   []*Prompt
}

// defaultMaxContentBytes is App.MaxContentBytes when it is zero.
const defaultMaxContentBytes = 1 << 20

func (a *App) maxContent() int64 {
	if a.MaxContentBytes > 0 {
		return int64(a.MaxContentBytes)
	}
	return defaultMaxContentBytes
}

// maxBodyBytes is what the trigger hosting's handler reads of one
// invocation: content at the limit in one argument (with room for the
// others) and in one blob input, in the host's worst-case encoding.
func (a *App) maxBodyBytes() int64 {
	n := a.maxContent()
	return invoke.MaxPayloadBytes(n+argumentsRoom, n)
}

// argumentsRoom is what a call's other arguments may add to its largest.
const argumentsRoom = 64 << 10

// decl checks a and returns its functions and server info as the hostings
// use them.
func (a *App) decl() (decl.Functions, decl.ServerInfo, error) {
	var fns decl.Functions
	if a == nil {
		return fns, decl.ServerInfo{}, errors.New("no app")
	}
	info := decl.ServerInfo{Name: a.Name, Version: a.Version, Instructions: a.Instructions}
	if a.Name == "" {
		return fns, info, errors.New("the app needs a Name: clients see it as the server's name")
	}
	tooLarge := fmt.Sprintf("The call is too large: this server takes arguments and blobs of up to %d bytes.", a.maxContent())
	for i, t := range a.Tools {
		if t == nil {
			return fns, info, fmt.Errorf("the app's Tools[%d] is nil", i)
		}
		fns.Tools = append(fns.Tools, t.decl(tooLarge))
	}
	for i, r := range a.Resources {
		if r == nil {
			return fns, info, fmt.Errorf("the app's Resources[%d] is nil", i)
		}
		fns.Resources = append(fns.Resources, r.decl())
	}
	for i, p := range a.Prompts {
		if p == nil {
			return fns, info, fmt.Errorf("the app's Prompts[%d] is nil", i)
		}
		fns.Prompts = append(fns.Prompts, p.decl())
	}
	if err := fns.Check(); err != nil {
		return fns, info, err
	}
	return fns, info, nil
}
