package proc

import "testing"

func TestParseStat(t *testing.T) {
	tests := []struct {
		stat  string
		ppid  int
		state string
		ok    bool
	}{
		{"123 (handler) S 45 123 45 0", 45, "S", true},
		{"123 (a) b (c)) Z 7 1 1 0", 7, "Z", true},
		{"123 (broken", 0, "", false},
		{"123 (x) S", 0, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.stat, func(t *testing.T) {
			ppid, state, ok := parseStat(tt.stat)
			if ppid != tt.ppid || state != tt.state || ok != tt.ok {
				t.Fatalf("parseStat = %d, %q, %v; want %d, %q, %v", ppid, state, ok, tt.ppid, tt.state, tt.ok)
			}
		})
	}
}
