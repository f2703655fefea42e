package devhost

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/mcpfunc/internal/binding"
	"remote-mcp-functions-go/mcpfunc/internal/guid"
	"remote-mcp-functions-go/mcpfunc/internal/invoke"
	"remote-mcp-functions-go/mcpfunc/internal/logval"
)

// This file is the hop every MCP call makes through the host: what the
// extension knows of the session, the POST to the handler, and the
// function timeout around it.

// HostVersion is what devhost reports as the host version in
// X-Azure-Functions-HostVersion and User-Agent.
const HostVersion = "4.1000.0-devhost"

// Transport names the extension passes in transport.name.
const (
	TransportStreamable = "http-streamable"
	TransportSSE        = "http-sse"
)

// maxResponseBytes caps a handler's answer; the host has no such cap, but
// a runaway handler must not take devhost's memory with it.
const maxResponseBytes = 256 << 20

// newInvocation is what the extension tells the handler about the MCP
// session a request came on: transport, session id, client and request
// headers.
func (s *Server) newInvocation(ctx context.Context, req mcp.Request, function string) invoke.Invocation {
	inv := invoke.Invocation{Function: function, Now: s.opts.Now(), RandGUID: guid.New()}
	session, _ := req.GetSession().(*mcp.ServerSession)
	if c := sseCallFrom(ctx); c != nil {
		// A message POST's headers do not reach the function; the
		// stream's are the ones this session has.
		inv.Transport, inv.SessionID, inv.Headers = TransportSSE, c.sessionID, c.headers
	} else {
		inv.Transport = TransportStreamable
		if extra := req.GetExtra(); extra != nil {
			inv.Headers = flatten(extra.Header)
		}
		if session != nil {
			inv.SessionID = session.ID()
		}
	}
	if inv.Headers == nil {
		inv.Headers = map[string]string{}
	}
	if session != nil {
		if p := session.InitializeParams(); p != nil && p.ClientInfo != nil {
			inv.ClientInfo = &invoke.ClientInfo{Name: p.ClientInfo.Name, Version: p.ClientInfo.Version}
		}
	}
	return inv
}

// run is the host's part of every invocation, whatever triggered it:
// resolve the function's blob paths from data, read its inputs, encode the
// request with them, post it, and write what the handler returned to its
// outputs. Nothing is written unless the handler answered with success;
// an output's path counts only when the handler gave it a value, and it
// is written as the host writes it, over whatever the blob holds by then
// (see blobstore.Account.Write).
func (s *Server) run(ctx context.Context, function, id string, blobs []binding.Blob, data binding.Data, encode func(inputs map[string][]byte) ([]byte, error)) (*invoke.HostResult, error) {
	locs, err := binding.Resolve(blobs, data)
	if err != nil {
		return nil, err
	}
	inputs, err := binding.ReadInputs(ctx, blobs, locs)
	if err != nil {
		return nil, err
	}
	body, err := encode(inputs)
	if err != nil {
		return nil, err
	}
	hr, err := s.post(ctx, function, id, body, blobs)
	if err != nil {
		return nil, err
	}
	if err := binding.WriteOutputs(ctx, blobs, locs, hr.Outputs); err != nil {
		return nil, err
	}
	return hr, nil
}

// post sends one invocation to the handler and reads the answer as the
// host does, for the function's declared outputs.
func (s *Server) post(ctx context.Context, function, id string, body []byte, blobs []binding.Blob) (*invoke.HostResult, error) {
	var outputs []string
	for _, b := range blobs {
		if b.Out {
			outputs = append(outputs, b.Name)
		}
	}
	base, err := s.opts.Worker.BaseURL(ctx)
	if err != nil {
		return nil, fmt.Errorf("handler unavailable: %w", err)
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/"+function, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	hreq.Header = http.Header{
		"Content-Type":                   {"application/json; charset=utf-8"},
		"X-Azure-Functions-Invocationid": {id},
		"X-Azure-Functions-Hostversion":  {HostVersion},
		"User-Agent":                     {"Azure-Functions-Host/" + HostVersion},
	}
	resp, err := s.client.Do(hreq)
	if err != nil {
		return nil, fmt.Errorf("post to handler: %w", err)
	}
	respBody, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	resp.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read handler answer: %w", err)
	}
	if len(respBody) > maxResponseBytes {
		return nil, fmt.Errorf("handler answer over %d bytes", maxResponseBytes)
	}
	hr, err := invoke.DecodeResponse(resp.StatusCode, resp.Header.Get("Content-Type"), respBody, outputs)
	if err != nil {
		// The host drops a failed answer's Logs; its body may still say why.
		s.logFailedAnswer(function, id, respBody)
		return nil, err
	}
	for _, line := range hr.Logs {
		s.log.Debug("function log", "function", function, "invocation", id, "line", logval.Short(line))
	}
	return hr, nil
}

// logFailedAnswer logs, at debug level, the error and log lines of a
// handler's non-2xx answer, when it has them (this app's handler sends
// {"error":…,"Logs":[…]}).
func (s *Server) logFailedAnswer(function, id string, body []byte) {
	var failed struct {
		Error string   `json:"error"`
		Logs  []string `json:"Logs"`
	}
	if json.Unmarshal(body, &failed) != nil {
		return
	}
	for _, line := range failed.Logs {
		s.log.Debug("function log", "function", function, "invocation", id, "line", logval.Short(line))
	}
	if failed.Error != "" {
		s.log.Debug("handler's error", "function", function, "invocation", id, "error", logval.Short(failed.Error))
	}
}

// errFunctionTimeout is an invocation that ran past host.json's
// functionTimeout.
var errFunctionTimeout = errors.New("function timeout")

// errStopping answers an MCP call that arrives while devhost drains the
// calls in flight before it stops.
var errStopping = &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: "devhost is stopping"}

// timed runs one invocation of function with a new invocation id, within
// the function timeout (withTimeout), and returns its result and the id
// for the caller's log line.
//
// The invocation runs to its end when the MCP client goes away, as on the
// host: the extension passes the request's cancellation token to the
// function executor (Azure/azure-functions-mcp-extension
// src/Microsoft.Azure.Functions.Extensions.Mcp/Trigger/McpToolListener.cs
// @cd0d1e8c), but the host posts the invocation to the handler without it
// (Azure/azure-functions-host
// src/WebJobs.Script/Workers/Http/DefaultHttpWorkerService.cs
// SendInvocationRequestAsync @89dc438d), binds the outputs once the
// handler has answered (WorkerFunctionInvoker.cs BindOutputsAsync), and
// the WebJobs SDK flushes an output blob's stream without it
// (Azure/azure-webjobs-sdk
// src/Microsoft.Azure.WebJobs.Host/Bindings/BindingProviders/BindToStreamBindingProvider.cs
// SetValueAsync @f79ea0bf). So a save whose client gave up is still
// written. devhost logs when the client goes away, and how the invocation
// ended.
func timed[T any](s *Server, ctx context.Context, function string, call func(ctx context.Context, id string) (T, error)) (res T, id string, err error) {
	id = guid.New()
	left := make(chan struct{})
	watch := context.AfterFunc(ctx, func() {
		s.log.Warn("the MCP client went away; the invocation goes on, as on the host", "function", function, "invocation", id)
		close(left)
	})
	err = s.withTimeout(context.WithoutCancel(ctx), function, id, func(ctx context.Context) error {
		var err error
		res, err = call(ctx, id)
		return err
	})
	if !watch() {
		<-left
		outcome := "succeeded"
		if err != nil {
			outcome = "failed"
		}
		s.log.Warn("the invocation whose MCP client went away ran to its end, as on the host",
			"function", function, "invocation", id, "outcome", outcome)
	}
	return res, id, err
}

// logFailure logs a failed invocation: as a warning when the arguments
// made a blob path storage refuses (the client's input, refused as the
// host's blob binding refuses it), else as an error.
func (s *Server) logFailure(msg string, err error, kv ...any) {
	kv = append(kv, "err", logval.Short(err.Error()))
	if binding.IsPathError(err) {
		s.log.Warn(msg+" (the arguments make a blob path storage refuses)", kv...)
		return
	}
	s.log.Error(msg, kv...)
}

// withTimeout runs one invocation within the function timeout, as the host
// does: on expiry the call fails and the handler process is restarted,
// since it may be stuck (Azure/azure-functions-host
// src/WebJobs.Script.WebHost/WebScriptHostExceptionHandler.cs
// OnTimeoutExceptionAsync @89dc438d: "A function timeout has occurred.
// Restarting worker process executing invocationId …").
func (s *Server) withTimeout(ctx context.Context, function, id string, run func(context.Context) error) error {
	if s.opts.FunctionTimeout <= 0 {
		return run(ctx)
	}
	tctx, cancel := context.WithTimeoutCause(ctx, s.opts.FunctionTimeout, errFunctionTimeout)
	defer cancel()
	err := run(tctx)
	if err != nil && errors.Is(context.Cause(tctx), errFunctionTimeout) && ctx.Err() == nil {
		s.log.Error(fmt.Sprintf("Timeout value of %s exceeded by function '%s' (Id: '%s'). Initiating cancellation.",
			formatTimeSpan(s.opts.FunctionTimeout), function, id))
		if r, ok := s.opts.Worker.(Restarter); ok {
			s.log.Warn(fmt.Sprintf("A function timeout has occurred. Restarting worker process executing invocationId '%s'.", id))
			r.Restart()
		}
		return fmt.Errorf("%w after %v", errFunctionTimeout, s.opts.FunctionTimeout)
	}
	return err
}

// formatTimeSpan prints d as .NET prints a TimeSpan: [d.]hh:mm:ss, with
// seven digits of fraction when there is one.
func formatTimeSpan(d time.Duration) string {
	days, rest := d/(24*time.Hour), d%(24*time.Hour)
	s := fmt.Sprintf("%02d:%02d:%02d", rest/time.Hour, rest%time.Hour/time.Minute, rest%time.Minute/time.Second)
	if days > 0 {
		s = fmt.Sprintf("%d.%s", days, s)
	}
	if frac := rest % time.Second; frac > 0 {
		s += fmt.Sprintf(".%07d", frac/100)
	}
	return s
}
