package hosting

import "testing"

func TestParse(t *testing.T) {
	for in, want := range map[string]Mode{"": Triggers, "triggers": Triggers, "self": Self, " Self ": Self, "TRIGGERS": Triggers} {
		got, err := Parse(in)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"selfhosted", "trigger", "1"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q): want an error", bad)
		}
	}
	if m, _ := FromEnv(func(k string) string { return map[string]string{Setting: "self"}[k] }); m != Self {
		t.Errorf("FromEnv reads %s", Setting)
	}
}
