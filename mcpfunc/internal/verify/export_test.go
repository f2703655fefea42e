package verify

import (
	"testing"
	"time"
)

// ShortenLimits sets every limit to d for the test.
func ShortenLimits(t *testing.T, d time.Duration) {
	r, p, c, g := requestLimit, probeLimit, cleanupLimit, returnGrace
	requestLimit, probeLimit, cleanupLimit, returnGrace = d, d, d, d
	t.Cleanup(func() { requestLimit, probeLimit, cleanupLimit, returnGrace = r, p, c, g })
}

// AsExtensionLists is l as the MCP extension lists it.
func AsExtensionLists(l *Listing) *Listing { return l.asExtensionLists() }
