package selfhost

import (
	"context"
	"net/http"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/mcpfunc/internal/logval"
)

// A panic fails one request, never the process, and is answered as the
// trigger hosting answers it: there, the handler's recover answers the
// invocation with a 500, which the extension turns into "An error occurred
// invoking '<tool>'." (isError) for a tool and -32603 "An error occurred."
// for a resource or a prompt (the answers are made in errors.go). One log
// line has the panic and its stack, in the same words as the trigger
// hosting's (logval.PanicMsg).
//
// go-sdk runs each request's method handler, the functions included, in a
// goroutine of its own without recover, so a panic there would end the
// process; recoverCalls, the outermost receiving middleware, runs on that
// goroutine. recoverHTTP covers the request's own goroutine (the front,
// go-sdk's transport).

// recoverCalls answers a request whose handling panicked.
func (s *Server) recoverCalls(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (res mcp.Result, err error) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			exchangeFrom(ctx).logged.Store(true)
			kv := append([]any{"rpc_method", method}, requestNames(req)...)
			s.log.Error(logval.PanicMsg, append(kv, logval.Panic(v)...)...)
			res, err = panicked(req)
		}()
		return next(ctx, method, req)
	}
}

// recoverHTTP answers 500 for a panic on the request's goroutine, unless
// the answer has begun: then the connection is cut (http.ErrAbortHandler),
// which is all that can be done.
func (s *Server) recoverHTTP(w *statusWriter, r *http.Request) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	s.log.Error(logval.PanicMsg, append([]any{"method", r.Method, "path", r.URL.Path}, logval.Panic(v)...)...)
	if w.status != 0 {
		panic(http.ErrAbortHandler)
	}
	answerPanic(w)
}

// requestNames are the log line's key/value pairs naming what a request is
// for: the tool, the resource URI or the prompt. Never its arguments.
func requestNames(req mcp.Request) []any {
	switch r := req.(type) {
	case *mcp.CallToolRequest:
		if r.Params != nil {
			return []any{"tool", logval.Short(r.Params.Name)}
		}
	case *mcp.ReadResourceRequest:
		if r.Params != nil {
			return []any{"uri", logval.Short(r.Params.URI)}
		}
	case *mcp.GetPromptRequest:
		if r.Params != nil {
			return []any{"prompt", logval.Short(r.Params.Name)}
		}
	}
	return nil
}
