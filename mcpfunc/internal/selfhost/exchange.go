package selfhost

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"sync/atomic"
)

// exchange is what the server knows of one request to Path while serving
// it, reachable from the method handlers it runs (go-sdk passes the
// request's context values on to them).
type exchange struct {
	// logged says a line already explains the request's refusal
	// (refused.go).
	logged atomic.Bool

	// splicing says the response goes out through a splicer, so results
	// may carry placeholders for their large values (bypass.go).
	splicing bool
	// args are the tools/call arguments the bypass took out of the
	// message, as the client sent them; nil when the message went to
	// go-sdk whole.
	args json.RawMessage

	mu     sync.Mutex
	values []splice
}

type exchangeKey struct{}

// withExchange gives r an exchange.
func withExchange(r *http.Request) (*http.Request, *exchange) {
	ex := &exchange{}
	return r.WithContext(context.WithValue(r.Context(), exchangeKey{}, ex)), ex
}

func exchangeOf(r *http.Request) *exchange { return exchangeFrom(r.Context()) }

// exchangeFrom is the request's exchange; a fresh one, which splices
// nothing, when there is none.
func exchangeFrom(ctx context.Context) *exchange {
	if ex, ok := ctx.Value(exchangeKey{}).(*exchange); ok {
		return ex
	}
	return &exchange{}
}
