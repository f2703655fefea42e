package guid

import (
	"regexp"
	"testing"
)

// The form RFC 4122 gives a version-4 GUID, in lower case.
var v4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestNew(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		g := New()
		if !v4.MatchString(g) {
			t.Fatalf("%q is not a lower-case version-4 GUID", g)
		}
		if seen[g] {
			t.Fatalf("%q came twice", g)
		}
		seen[g] = true
	}
}
