package testenv

import "testing"

// skipIfShort skips tb under go test -short, which make test-unit runs:
// a test that needs Azurite is an end-to-end test, which make test runs.
func skipIfShort(tb testing.TB) {
	tb.Helper()
	if testing.Short() {
		tb.Skip("needs Azurite: an end-to-end test, which make test runs and make test-unit (go test -short) leaves out")
	}
}
