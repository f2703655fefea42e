package selfhost

import (
	"context"
	"net/http"
)

// A call the client abandoned (it closed the connection, or gave up
// waiting) starts no blob output write after that: its function's context
// ends, and its outputs are dropped unless their write has begun. A write
// already under way goes on: once its request has reached storage it
// cannot be called back (cancelling it would only lose the answer), so it
// runs to its end within the storage budget and the log says how it
// ended. Being conditional on what the call saw when it started
// (tool.go), a write that lands late cannot overwrite a newer save. What
// a function does with storage itself (a Call.Storage delete) is its own
// business: its context ends, but a request it has sent may still take
// effect.
//
// go-sdk runs a call's handler on a context of its own. It cancels that
// context when the request goes away only for protocol 2026-07-28
// (StreamableHTTPOptions.PropagateRequestCancellation) and, for older
// versions, when it closes the request's one-off session, which it does
// only after the response is written. So ServeHTTP puts the request's own
// context in the handler's context values (which go-sdk passes on), and
// each handler ends its work with it.

type requestKey struct{}

// withRequest makes r's context reachable from the handlers it runs.
func withRequest(r *http.Request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), requestKey{}, r.Context()))
}

// untilAbandoned returns ctx, also cancelled when the client's HTTP
// request ends, with the cause context.Canceled.
func untilAbandoned(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	req, _ := ctx.Value(requestKey{}).(context.Context)
	if req == nil {
		return ctx, func() { cancel(nil) }
	}
	stop := context.AfterFunc(req, func() { cancel(errAbandoned) })
	return ctx, func() { stop(); cancel(nil) }
}

// errAbandoned is the cause of a call's cancellation when its client went
// away.
var errAbandoned = abandonedError{}

type abandonedError struct{}

func (abandonedError) Error() string { return "the client abandoned the call" }
