package logval

import "runtime/debug"

// PanicMsg is the message of the line that reports a recovered panic, in
// every hosting.
const PanicMsg = "panic serving request"

// Panic is the key/value pairs that go with PanicMsg: the value the code
// panicked with, and the stack of the goroutine that recovered it (call it
// in the deferred function, where the panicking frames are still on the
// stack).
func Panic(v any) []any {
	return []any{"panic", v, "stack", string(debug.Stack())}
}
