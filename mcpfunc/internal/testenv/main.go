package testenv

import (
	"fmt"
	"os"
	"sync"
	"testing"
)

// shared is what one test binary makes once: a work folder, the builds in
// it, and one Azurite.
var shared struct {
	mu      sync.Mutex
	dir     string   // set by Main; removed when the binary ends
	azurite *Azurite // started on first use
	azErr   error
}

// Main runs the package's tests and benchmarks, then stops the shared
// Azurite and removes the builds. Call it from TestMain:
//
//	func TestMain(m *testing.M) { testenv.Main(m) }
func Main(m *testing.M) {
	dir, err := os.MkdirTemp("", "testenv-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "testenv:", err)
		os.Exit(1)
	}
	shared.mu.Lock()
	shared.dir = dir
	shared.mu.Unlock()

	code := m.Run()

	shared.mu.Lock()
	az := shared.azurite
	shared.mu.Unlock()
	if az != nil {
		if err := az.stop(); err != nil {
			fmt.Fprintln(os.Stderr, "testenv: stopping the shared Azurite:", err)
		}
	}
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// workDir returns the binary's work folder, made by Main.
func workDir() (string, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.dir == "" {
		return "", errNotMain
	}
	return shared.dir, nil
}

// SharedAzurite returns the test binary's Azurite, starting it on first use.
// Tests that share it must not stop it, and use blob names of their own.
// Under go test -short (make test-unit) it skips the test.
func SharedAzurite(tb testing.TB) *Azurite {
	tb.Helper()
	SkipIfShort(tb)
	dir, err := workDir()
	if err != nil {
		tb.Fatal(err)
	}
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.azurite == nil && shared.azErr == nil {
		shared.azurite, shared.azErr = startAzurite(dir + "/azurite-shared")
	}
	if shared.azErr != nil {
		tb.Fatalf("shared Azurite: %v", shared.azErr)
	}
	return shared.azurite
}
