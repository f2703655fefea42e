package azurite

import (
	"errors"
	"net"
)

// isRefused reports a connection nobody accepted. Any failed dial that is
// not a timeout counts: the error code differs by OS (ECONNREFUSED on
// Unix, WSAECONNREFUSED on Windows), the meaning does not.
func isRefused(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial" && !op.Timeout()
}
