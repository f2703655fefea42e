package lines

import (
	"strings"
	"testing"
)

func TestWriter(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		want   []string
	}{
		{"whole lines", []string{"a\nb\n"}, []string{"a", "b"}},
		{"a line across writes", []string{"he", "llo\nwor", "ld\n"}, []string{"hello", "world"}},
		{"CRLF", []string{"a\r\n"}, []string{"a"}},
		{"unterminated last line flushed", []string{"a\nb"}, []string{"a", "b"}},
		{"empty line kept", []string{"\n"}, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			w := NewWriter(func(l []byte) { got = append(got, string(l)) })
			for _, s := range tt.writes {
				n, err := w.Write([]byte(s))
				if err != nil || n != len(s) {
					t.Fatalf("Write(%q) = %d, %v", s, n, err)
				}
			}
			w.Flush()
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Fatalf("lines %q, want %q", got, tt.want)
			}
		})
	}
}

// A line that never ends is handed on in MaxLine pieces, not buffered
// without bound.
func TestWriterBoundsALine(t *testing.T) {
	var got []int
	w := NewWriter(func(l []byte) { got = append(got, len(l)) })
	chunk := []byte(strings.Repeat("x", 1000))
	for range 2*MaxLine/len(chunk) + 1 {
		_, _ = w.Write(chunk)
	}
	if len(got) != 2 || got[0] != MaxLine || got[1] != MaxLine {
		t.Fatalf("pieces %v, want two of %d", got, MaxLine)
	}
	if len(w.buf) >= MaxLine {
		t.Fatalf("buffered %d bytes", len(w.buf))
	}
	w.Flush()
	if total := got[0] + got[1] + got[2]; total != (2*MaxLine/len(chunk)+1)*len(chunk) {
		t.Fatalf("lost bytes: %d", total)
	}
}
