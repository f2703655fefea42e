package logval

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestShort(t *testing.T) {
	if got := Short("short"); got != "short" {
		t.Fatalf("Short(short) = %q", got)
	}
	long := strings.Repeat("é", Max) // 2 bytes each: the cut falls inside one
	got := Short(long)
	if !utf8.ValidString(got) || !strings.HasSuffix(got, "… (1024 bytes in all)") || len(got) > Max+len("… (1024 bytes in all)") {
		t.Fatalf("Short(long) = %q", got)
	}
}
