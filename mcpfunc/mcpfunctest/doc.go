// Package mcpfunctest tests an app's MCP functions (package mcpfunc) in
// Go tests.
//
// [New] runs them in process, as the Functions host and its MCP
// extension run them: each call encoded as the host encodes it, served by
// the app's own handler, answered as an MCP client would see it, with an
// in-memory blob storage for the bindings and for [mcpfunc.Call.Storage].
// It needs no Azure, no network and no other process, so a function's
// every case fits in a unit test:
//
//	func TestShout(t *testing.T) {
//		h := mcpfunctest.New(t, &mcpfunc.App{Name: "test", Tools: []*mcpfunc.Tool{Shout}})
//		res, err := h.CallTool("shout", map[string]any{"text": "hi"})
//		require.NoError(t, err)
//		assert.Equal(t, "HI!", res.Text)
//	}
//
// The app's probes (the Probe of its functions, which make verify runs
// against a deployment) run in process too, with [Host.RunProbes]; and
// [Server.Verify] runs the handler's -verify against an app served end to
// end.
package mcpfunctest
