package selfhost

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/decl"
)

// completingFunctions are testFunctions whose resource template and
// prompt complete "name" from a fixed list of names, numbered n000…
// n149, with prefixes that fail: "bad" (a *decl.Error) and "bug" (any
// other error); seen records each call.
func completingFunctions(seen *[]string) decl.Functions {
	var names []string
	for i := range 150 {
		names = append(names, fmt.Sprintf("n%03d", i))
	}
	complete := func(_ context.Context, call *decl.Call, arg, prefix string) ([]string, error) {
		*seen = append(*seen, call.Tool+" "+arg+" "+prefix)
		switch {
		case arg != "name":
			return nil, nil // an argument it has nothing for
		case prefix == "bad":
			return nil, decl.Errorf(decl.Invalid, "No name starts with %q.", prefix)
		case prefix == "bug":
			return nil, errors.New("details for the log only")
		}
		var out []string
		for _, n := range names {
			if strings.HasPrefix(n, prefix) {
				out = append(out, n)
			}
		}
		return out, nil
	}
	fns := testFunctions()
	fns.Resources[0].Complete = complete
	fns.Prompts[0].Complete = complete
	return fns
}

func completeParams(ref *mcp.CompleteReference, arg, value string) *mcp.CompleteParams {
	return &mcp.CompleteParams{Ref: ref, Argument: mcp.CompleteParamsArgument{Name: arg, Value: value}}
}

// TestComplete: a template parameter and a prompt argument complete
// through their declarations' functions, at both protocol generations;
// at most 100 values go back (the MCP specification's cap), with the
// total and hasMore; a reference or an argument nothing completes gets
// no values; a failing function answers as a failed prompts/get does.
func TestComplete(t *testing.T) {
	var seen []string
	e := newEnv(t, completingFunctions(&seen))
	resource := &mcp.CompleteReference{Type: "ref/resource", URI: "note://{name}"}
	prompt := &mcp.CompleteReference{Type: "ref/prompt", Name: "reviewnote"}

	for _, version := range []string{"", "2025-11-25"} {
		t.Run("protocol "+version, func(t *testing.T) {
			c := mcp.NewClient(&mcp.Implementation{Name: "unit-client", Version: "0.0.1"}, nil)
			var opts *mcp.ClientSessionOptions
			if version != "" {
				opts = &mcp.ClientSessionOptions{ProtocolVersion: version}
			}
			cs, err := c.Connect(t.Context(), &mcp.StreamableClientTransport{Endpoint: e.http.URL + Path, MaxRetries: -1}, opts)
			require.NoError(t, err)
			defer cs.Close()
			if version == "" {
				assert.Equal(t, "2026-07-28", cs.InitializeResult().ProtocolVersion)
			}
			assert.NotNil(t, cs.InitializeResult().Capabilities.Completions, "completions advertised")

			res, err := cs.Complete(t.Context(), completeParams(resource, "name", "n14"))
			require.NoError(t, err)
			assert.Equal(t, mcp.CompletionResultDetails{Values: []string{"n140", "n141", "n142", "n143", "n144", "n145", "n146", "n147", "n148", "n149"}, Total: 10}, res.Completion)

			res, err = cs.Complete(t.Context(), completeParams(prompt, "name", "n"))
			require.NoError(t, err)
			require.Len(t, res.Completion.Values, 100)
			assert.Equal(t, "n000", res.Completion.Values[0])
			assert.Equal(t, "n099", res.Completion.Values[99])
			assert.Equal(t, 150, res.Completion.Total)
			assert.True(t, res.Completion.HasMore)

			for _, p := range []*mcp.CompleteParams{
				completeParams(prompt, "focus", "n"),                                                    // an argument it does not complete
				completeParams(resource, "other", "n"),                                                  // not a parameter
				completeParams(&mcp.CompleteReference{Type: "ref/prompt", Name: "nosuch"}, "name", "n"), // no such prompt
				completeParams(&mcp.CompleteReference{Type: "ref/resource", URI: "note://x"}, "name", "n"),
				completeParams(resource, "name", "zzz"), // nothing matches
			} {
				res, err := cs.Complete(t.Context(), p)
				require.NoError(t, err)
				assert.Equal(t, mcp.CompletionResultDetails{Values: []string{}}, res.Completion, "%+v %+v", p.Ref, p.Argument)
			}

			_, err = cs.Complete(t.Context(), completeParams(prompt, "name", "bad"))
			assert.Equal(t, "-32602", fmt.Sprint(rpcCode(err)), "%v", err)
			assert.ErrorContains(t, err, `No name starts with "bad".`)
			_, err = cs.Complete(t.Context(), completeParams(resource, "name", "bug"))
			assert.Equal(t, "-32603", fmt.Sprint(rpcCode(err)), "%v", err)
			assert.ErrorContains(t, err, "An error occurred.")
			assert.NotContains(t, err.Error(), "details")
		})
	}
	assert.Contains(t, seen, "noteresource name n14")
	assert.Contains(t, seen, "reviewnote name n")
	assert.Contains(t, seen, "reviewnote focus n", "every declared argument reaches the function, which may have nothing for it")
	assert.NotContains(t, strings.Join(seen, "\n"), "other", "a name that is no parameter never reaches the function")
	assert.Contains(t, e.logs.String(), "details for the log only")

	// An empty result is "values":[] on the wire: the field is required.
	status, body, err := e.post(t.Context(), `{"jsonrpc":"2.0","id":1,"method":"completion/complete","params":{"ref":{"type":"ref/prompt","name":"nosuch"},"argument":{"name":"x","value":""}}}`, map[string]string{"Mcp-Protocol-Version": "2025-06-18"})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, status, body)
	assert.JSONEq(t, `{"jsonrpc":"2.0","id":1,"result":{"completion":{"values":[]}}}`, body)
}

// TestCompleteNotDeclared: with no declaration that completes, the
// server advertises no completions and answers completion/complete as
// the MCP extension does: method not found.
func TestCompleteNotDeclared(t *testing.T) {
	e := newEnv(t, testFunctions())
	cs := e.connect(nil)
	assert.Nil(t, cs.InitializeResult().Capabilities.Completions)
	_, err := cs.Complete(t.Context(), completeParams(&mcp.CompleteReference{Type: "ref/prompt", Name: "reviewnote"}, "name", ""))
	assert.Equal(t, "-32601", fmt.Sprint(rpcCode(err)), "%v", err)
}

// TestCompleteNeedsSomethingToComplete: Complete on a resource without
// template parameters, or on a prompt without arguments, is a mistake
// the declaration check names.
func TestCompleteNeedsSomethingToComplete(t *testing.T) {
	none := func(context.Context, *decl.Call, string, string) ([]string, error) { return nil, nil }
	fns := testFunctions()
	fns.Resources = append(fns.Resources, &decl.Resource{Name: "fixed", URI: "fixed://one", ResourceName: "fixed", Description: "Fixed.",
		Read: func(context.Context, *decl.Call, decl.ResourceRead) (string, error) { return "", nil }, Complete: none})
	fns.Prompts = append(fns.Prompts, &decl.Prompt{Name: "bare", Description: "No arguments.",
		Handler: decl.TypedPrompt(func(context.Context, *decl.Call, struct{}) (string, error) { return "", nil }), Complete: none})
	err := fns.Check()
	assert.ErrorContains(t, err, "Complete needs a template parameter to complete; fixed://one has none")
	assert.ErrorContains(t, err, `prompt "bare": Complete needs an argument to complete`)
}

// rpcCode is err's JSON-RPC error code, 0 when it has none.
func rpcCode(err error) int64 {
	var werr *jsonrpc.Error
	if errors.As(err, &werr) {
		return werr.Code
	}
	return 0
}
