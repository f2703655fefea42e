package testenv

import "testing"

// SkipIfShort skips tb under go test -short, which make test-unit runs:
// a test that needs Azurite is an end-to-end test, which make test runs.
// StartAzurite and SharedAzurite call it; so does what starts an end-to-end
// run before it looks for Azurite.
func SkipIfShort(tb testing.TB) {
	tb.Helper()
	if testing.Short() {
		tb.Skip("needs Azurite: an end-to-end test, which make test runs and make test-unit (go test -short) leaves out")
	}
}
