package devhost

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
)

func call(t *testing.T, cs *mcp.ClientSession, name string, args any) (*mcp.CallToolResult, error) {
	t.Helper()
	return cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
}

// requireRPCError checks a JSON-RPC error as the client received it.
func requireRPCError(t *testing.T, err error, code int64, msg string) {
	t.Helper()
	require.Error(t, err)
	var werr *jsonrpc.Error
	require.True(t, errors.As(err, &werr), "want a JSON-RPC error, got %T: %v", err, err)
	assert.Equal(t, code, werr.Code)
	assert.Equal(t, msg, werr.Message)
}

func TestRequiredArguments(t *testing.T) {
	tests := []struct {
		name string
		tool string
		args any
		want string
	}{
		{"no arguments object", "put", nil, "One or more required tool properties are missing values. Please provide: key, value"},
		{"empty object", "put", map[string]any{}, "One or more required tool properties are missing values. Please provide: key, value"},
		{"one missing", "put", map[string]any{"key": "a1"}, "One or more required tool properties are missing values. Please provide: value"},
		{"null counts as missing", "put", map[string]any{"key": nil, "value": "x"}, "One or more required tool properties are missing values. Please provide: key"},
		{"get", "get", map[string]any{"other": 1}, "One or more required tool properties are missing values. Please provide: key"},
	}
	for _, transport := range transports {
		t.Run(transport, func(t *testing.T) {
			e := newEnv(t, itemsApp())
			cs := e.connect(transport, nil)
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					_, err := call(t, cs, tt.tool, tt.args)
					requireRPCError(t, err, jsonrpc.CodeInvalidParams, tt.want)
				})
			}
			assert.Empty(t, e.handler.received(), "the handler is never called when arguments are missing")
			assert.Zero(t, e.store.Writes())
		})
	}
}

func TestUnknownTool(t *testing.T) {
	for _, transport := range transports {
		t.Run(transport, func(t *testing.T) {
			e := newEnv(t, itemsApp())
			_, err := call(t, e.connect(transport, nil), "nosuch", map[string]any{})
			requireRPCError(t, err, jsonrpc.CodeInvalidParams, "Unknown tool: 'nosuch'")
		})
	}
}

// A get call reaches the handler as the host sends it: the route is
// the function folder, the host's headers, the blob content double-encoded
// in Data, the arguments in Metadata, and the transport described.
func TestInvocationAsTheHostSendsIt(t *testing.T) {
	for _, transport := range transports {
		t.Run(transport, func(t *testing.T) {
			e := newEnv(t, itemsApp())
			e.store.Set("items/a1.txt", []byte("print(1)"))
			e.handler.answer = func(w http.ResponseWriter, r *received) {
				text, present, _ := r.Request.Input("file")
				resp := invoke.NewResponse()
				resp.Logs = append(resp.Logs, "got it")
				resp.ReturnValue = mustRich(invoke.CallToolResult{Content: []invoke.Content{{Type: "text", Text: text + "|" + boolText(present)}}})
				writeAnswer(w, resp)
			}
			hc := e.http.Client()
			hc.Transport = headerTransport{name: "X-Custom", value: "yes", base: hc.Transport}
			cs := e.connect(transport, hc)

			res, err := call(t, cs, "get", map[string]any{"key": "a1"})
			require.NoError(t, err)
			assert.False(t, res.IsError)
			assert.Equal(t, "print(1)|present", textOf(t, res))

			calls := e.handler.received()
			require.Len(t, calls, 1)
			got := calls[0]
			assert.Equal(t, "/get", got.Path)
			assert.Equal(t, "application/json; charset=utf-8", got.Header.Get("Content-Type"))
			assert.Len(t, got.Header.Get("X-Azure-Functions-InvocationId"), 36)
			assert.Equal(t, HostVersion, got.Header.Get("X-Azure-Functions-HostVersion"))
			assert.Equal(t, "Azure-Functions-Host/"+HostVersion, got.Header.Get("User-Agent"))

			assert.JSONEq(t, `"\"print(1)\""`, string(got.Data["file"]), "blob text is encoded one extra time")
			args, err := got.Request.Arguments()
			require.NoError(t, err)
			assert.JSONEq(t, `{"key":"a1"}`, string(args))
			assert.JSONEq(t, `{"key":"a1"}`, string(got.Metadata["mcptoolargs"]))
			assert.JSONEq(t, `{"MethodName":"get","UtcNow":"2026-01-02T03:04:05.0000000Z","RandGuid":"`+
				sysGUID(t, got.Metadata)+`"}`, string(got.Metadata["sys"]))

			tc, err := got.Request.Context()
			require.NoError(t, err)
			assert.Equal(t, "get", tc.Name)
			require.NotNil(t, tc.ClientInfo)
			assert.Equal(t, "unit-client", tc.ClientInfo.Name)
			assert.NotEmpty(t, tc.SessionID)
			var tr struct {
				Name       string `json:"name"`
				SessionID  string `json:"sessionId"`
				Properties struct {
					Headers map[string]string `json:"headers"`
				} `json:"properties"`
			}
			require.NoError(t, json.Unmarshal(tc.Transport, &tr))
			assert.Equal(t, transport, tr.Name)
			assert.Equal(t, tc.SessionID, tr.SessionID)
			assert.Equal(t, "yes", tr.Properties.Headers["X-Custom"], "the MCP request's headers reach the handler")
		})
	}
}

func boolText(b bool) string {
	if b {
		return "present"
	}
	return "missing"
}

func sysGUID(t *testing.T, meta map[string]json.RawMessage) string {
	var sys invoke.SysData
	require.NoError(t, json.Unmarshal(meta["sys"], &sys))
	assert.Len(t, sys.RandGuid, 36)
	return sys.RandGuid
}

// A missing blob reaches the handler as the host's null ("null"), and an
// empty blob as an empty string: present.
func TestMissingAndEmptyBlob(t *testing.T) {
	e := newEnv(t, itemsApp())
	e.store.Set("items/empty.txt", nil) // found, with nil bytes: what a store may return for an empty blob
	cs := e.connect(TransportStreamable, nil)
	for name, want := range map[string]string{"nope": `"null"`, "empty": `"\"\""`} {
		_, err := call(t, cs, "get", map[string]any{"key": name})
		require.NoError(t, err)
		calls := e.handler.received()
		assert.JSONEq(t, want, string(calls[len(calls)-1].Data["file"]), name)
	}
}

// put's output is base64-decoded as the host does and written to
// the resolved blob path; a plain (no useResultSchema) return value is one
// text block.
func TestOutputsWritten(t *testing.T) {
	app := itemsApp()
	app.Functions[2].ToolTrigger().UseResultSchema = false
	e := newEnv(t, app)
	e.handler.answer = func(w http.ResponseWriter, r *received) {
		resp := invoke.NewResponse()
		resp.SetOutput("file", []byte("test")) // valid base64 as text: must arrive as bytes "test"
		resp.ReturnValue = "Put 'a1'"
		writeAnswer(w, resp)
	}
	res, err := call(t, e.connect(TransportStreamable, nil), "put", map[string]any{"key": "a1", "value": "test"})
	require.NoError(t, err)
	assert.False(t, res.IsError)
	assert.Equal(t, "Put 'a1'", textOf(t, res))
	got, ok := e.store.Get("items/a1.txt")
	require.True(t, ok)
	assert.Equal(t, "test", string(got))
	_, hasFile := e.handler.received()[0].Data["file"]
	assert.False(t, hasFile, "output bindings never appear in Data")
}

// Every failure after the argument check gives the client the extension's
// generic tool error, writes nothing, and leaves a log line that names the
// tool but carries no headers, keys or contents.
func TestFailuresBecomeTheGenericToolError(t *testing.T) {
	unresolvable := itemsApp()
	// Not required, so the argument check lets a call without it through
	// and the path cannot be resolved (funcapp refuses such an app, but a
	// host running one fails at binding time).
	unresolvable.Functions[0].ToolTrigger().Properties[0].IsRequired = false

	tests := []struct {
		name    string
		app     *funcapp.App
		tool    string
		args    map[string]any
		setup   func(e *env)
		wantLog string
	}{
		{name: "handler answers 500", tool: "put",
			setup: func(e *env) {
				e.handler.answer = func(w http.ResponseWriter, _ *received) { http.Error(w, `{"error":"boom"}`, 500) }
			}, wantLog: "HTTP 500"},
		{name: "handler answers garbage", tool: "put",
			setup: func(e *env) {
				e.handler.answer = func(w http.ResponseWriter, _ *received) {
					w.Header().Set("Content-Type", "application/json")
					_, _ = w.Write([]byte("{not json"))
				}
			}, wantLog: "invalid response body"},
		{name: "handler answers an empty body", tool: "put",
			setup: func(e *env) {
				e.handler.answer = func(w http.ResponseWriter, _ *received) { w.WriteHeader(200) }
			}, wantLog: "empty response body"},
		{name: "handler down", tool: "put",
			setup:   func(e *env) { e.worker.down = errors.New("handler not ready") },
			wantLog: "handler unavailable"},
		{name: "handler connection refused", tool: "put",
			setup:   func(e *env) { e.worker.url = "http://127.0.0.1:1" },
			wantLog: "post to handler"},
		{name: "storage down on read", tool: "get",
			setup:   func(e *env) { e.store.FailReads(errStorageDown) },
			wantLog: "connection refused"},
		{name: "storage down on write", tool: "put",
			setup: func(e *env) {
				e.store.FailWrites(errStorageDown)
				e.handler.answer = func(w http.ResponseWriter, _ *received) {
					resp := invoke.NewResponse()
					resp.SetOutput("file", []byte("print(1)"))
					resp.ReturnValue = mustRich(invoke.CallToolResult{Content: []invoke.Content{{Type: "text", Text: "saved"}}})
					writeAnswer(w, resp)
				}
			}, wantLog: "connection refused"},
		{name: "useResultSchema without an McpToolResult", tool: "put",
			setup: func(e *env) {
				e.handler.answer = func(w http.ResponseWriter, _ *received) {
					resp := invoke.NewResponse()
					resp.ReturnValue = "plain text"
					writeAnswer(w, resp)
				}
			}, wantLog: "McpToolResult"},
		{name: "unresolvable binding path", app: unresolvable, tool: "get", args: map[string]any{},
			wantLog: `no binding data for {mcptoolargs.key}`},
	}
	for _, transport := range transports {
		for _, tt := range tests {
			t.Run(transport+"/"+tt.name, func(t *testing.T) {
				app := tt.app
				if app == nil {
					app = itemsApp()
				}
				e := newEnv(t, app)
				if tt.setup != nil {
					tt.setup(e)
				}
				args := tt.args
				if args == nil {
					args = map[string]any{"key": "a1", "value": "secret-content"}
				}
				hc := e.http.Client()
				hc.Transport = headerTransport{name: "Authorization", value: "Bearer top-secret", base: hc.Transport}
				res, err := call(t, e.connect(transport, hc), tt.tool, args)
				require.NoError(t, err, "a failed invocation is a tool result, not a protocol error")
				assert.True(t, res.IsError)
				assert.Equal(t, "An error occurred invoking '"+tt.tool+"'.", textOf(t, res))
				_, written := e.store.Get("items/a1.txt")
				assert.False(t, written, "nothing is written")

				logs := e.logs.String()
				assert.Contains(t, logs, "tool call failed")
				assert.Contains(t, logs, "tool="+tt.tool)
				assert.Contains(t, logs, tt.wantLog)
				for _, secret := range []string{"top-secret", "secret-content", "Authorization"} {
					assert.NotContains(t, logs, secret)
				}
			})
		}
	}
}

// Storage that comes back serves calls again: devhost stays up through an
// outage.
func TestStorageOutageAndRecovery(t *testing.T) {
	e := newEnv(t, itemsApp())
	e.store.Set("items/a1.txt", []byte("print(1)"))
	e.handler.answer = func(w http.ResponseWriter, r *received) {
		text, _, _ := r.Request.Input("file")
		resp := invoke.NewResponse()
		resp.ReturnValue = mustRich(invoke.CallToolResult{Content: []invoke.Content{{Type: "text", Text: text}}})
		writeAnswer(w, resp)
	}
	cs := e.connect(TransportStreamable, nil)
	e.store.FailReads(errStorageDown)
	res, err := call(t, cs, "get", map[string]any{"key": "a1"})
	require.NoError(t, err)
	assert.True(t, res.IsError)

	e.store.FailReads(nil)
	res, err = call(t, cs, "get", map[string]any{"key": "a1"})
	require.NoError(t, err)
	assert.False(t, res.IsError)
	assert.Equal(t, "print(1)", textOf(t, res))
}

// Calls run in parallel: the fake handler holds every call until all of
// them are in flight, which can only happen if devhost does not serialize
// them. (The deadline only stops a broken build from hanging.)
func TestCallsRunInParallel(t *testing.T) {
	const n = 8
	e := newEnv(t, itemsApp())
	var arrived sync.WaitGroup
	arrived.Add(n)
	all := make(chan struct{})
	go func() { arrived.Wait(); close(all) }()
	e.handler.answer = func(w http.ResponseWriter, _ *received) {
		arrived.Done()
		select {
		case <-all:
		case <-time.After(20 * time.Second):
			http.Error(w, "calls were serialized", 500)
			return
		}
		resp := invoke.NewResponse()
		resp.ReturnValue = "Hello"
		writeAnswer(w, resp)
	}
	cs := e.connect(TransportStreamable, nil)
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for range n {
		wg.Go(func() {
			res, err := call(t, cs, "hello", map[string]any{})
			switch {
			case err != nil:
				errs <- err.Error()
			case res.IsError:
				errs <- textOf(t, res)
			}
		})
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
}

// A call without an arguments object gets no mcptoolargs (nor arguments),
// as in the host; with {} it gets empty ones. go-sdk's client always sends
// an object, so this one is written by hand.
func TestArgumentsAbsentOrEmpty(t *testing.T) {
	e := newEnv(t, itemsApp())
	s := e.rawConnect(nil)
	msg := s.call("tools/call", `{"name":"hello"}`)
	require.Contains(t, msg, "result", "%s", msg["error"])
	msg = s.call("tools/call", `{"name":"hello","arguments":{}}`)
	require.Contains(t, msg, "result", "%s", msg["error"])
	calls := e.handler.received()
	require.Len(t, calls, 2)
	for _, key := range []string{"mcptoolargs", "arguments"} {
		_, has := calls[0].Metadata[key]
		assert.False(t, has, key)
		assert.JSONEq(t, `{}`, string(calls[1].Metadata[key]), key)
	}
}

// Arguments that are not an object are invalid params.
func TestArgumentsNotAnObject(t *testing.T) {
	e := newEnv(t, itemsApp())
	msg := e.rawConnect(nil).call("tools/call", `{"name":"hello","arguments":[1]}`)
	require.Contains(t, msg, "error")
	assert.Contains(t, string(msg["error"]), `-32602`)
	assert.Empty(t, e.handler.received())
}

func TestNewRefusesAStorelessConnection(t *testing.T) {
	_, err := New(itemsApp(), Options{Worker: &fakeWorker{}, Blobs: map[string]BlobStore{}})
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), `no storage for connection "AzureWebJobsStorage"`), err.Error())
}
