package lines

import (
	"strings"
	"sync"
	"testing"
)

// Writes from many goroutines arrive whole: every line is one of those
// written, and all of them are there.
func TestSyncKeepsWritesWhole(t *testing.T) {
	var buf Buffer
	w := Sync(&buf)
	const writers, each = 8, 200
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			line := strings.Repeat(string(rune('a'+i)), 100) + "\n"
			for range each {
				_, _ = w.Write([]byte(line))
			}
		}()
	}
	wg.Wait()
	got := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(got) != writers*each {
		t.Fatalf("%d lines, want %d", len(got), writers*each)
	}
	for _, l := range got {
		if len(l) != 100 || strings.Count(l, l[:1]) != 100 {
			t.Fatalf("a line mixes writes: %q", l)
		}
	}
}
