// Package logval keeps values that go into log lines readable: a client's
// argument can reach an error message (a name in a blob path), and a
// megabyte of it in one line helps nobody.
package logval

import (
	"fmt"
	"unicode/utf8"
)

// Max is how many bytes of a value Short keeps.
const Max = 512

// Short is s, or its first Max bytes (cut at a character boundary) and how
// long it was.
func Short(s string) string {
	if len(s) <= Max {
		return s
	}
	cut := Max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes in all)", s[:cut], len(s))
}
