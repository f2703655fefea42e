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
	main    bool     // Main runs the tests
	dir     string   // made on first use; removed when the binary ends
	azurite *Azurite // started on first use
	azErr   error
}

// Main runs the package's tests and benchmarks, then stops the shared
// Azurite and removes the builds. Call it from TestMain:
//
//	func TestMain(m *testing.M) { testenv.Main(m) }
func Main(m *testing.M) {
	shared.mu.Lock()
	shared.main = true
	shared.mu.Unlock()

	code := m.Run()

	shared.mu.Lock()
	az, dir := shared.azurite, shared.dir
	shared.mu.Unlock()
	if az != nil {
		if err := az.stop(); err != nil {
			fmt.Fprintln(os.Stderr, "testenv: stopping the shared Azurite:", err)
		}
	}
	if dir != "" {
		_ = os.RemoveAll(dir)
	}
	os.Exit(code)
}

// workDir returns the binary's work folder, made on first use under Main.
func workDir() (string, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	return workDirLocked()
}

func workDirLocked() (string, error) {
	if !shared.main {
		return "", errNotMain
	}
	if shared.dir == "" {
		dir, err := os.MkdirTemp("", "testenv-")
		if err != nil {
			return "", err
		}
		shared.dir = dir
	}
	return shared.dir, nil
}

// SharedAzurite returns the test binary's Azurite, starting it on first use.
// Tests that share it must not stop it, and use blob names of their own.
// Under go test -short (make test-unit) it skips the test.
func SharedAzurite(tb testing.TB) *Azurite {
	tb.Helper()
	SkipIfShort(tb)
	shared.mu.Lock()
	defer shared.mu.Unlock()
	dir, err := workDirLocked()
	if err != nil {
		tb.Fatal(err)
	}
	if shared.azurite == nil && shared.azErr == nil {
		shared.azurite, shared.azErr = startAzurite(dir + "/azurite-shared")
	}
	if shared.azErr != nil {
		tb.Fatalf("shared Azurite: %v", shared.azErr)
	}
	return shared.azurite
}

// Shared reports whether the test binary runs under [Main], which makes
// [SharedAzurite] and the builds shared by its tests.
func Shared() bool {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	return shared.main
}
