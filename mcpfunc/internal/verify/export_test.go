package verify

import (
	"testing"
	"time"
)

// ShortenLimits sets every limit to d for the test.
func ShortenLimits(t *testing.T, d time.Duration) {
	r, p, c := requestLimit, probeLimit, cleanupLimit
	requestLimit, probeLimit, cleanupLimit = d, d, d
	t.Cleanup(func() { requestLimit, probeLimit, cleanupLimit = r, p, c })
}
