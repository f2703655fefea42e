package funcapp

import "strings"

// Settings is local.settings.json, which `func start` (and the local
// stand-in for the host) read; it never goes into a deployment.
type Settings struct {
	IsEncrypted bool              `json:"IsEncrypted"`
	Values      map[string]string `json:"Values"`
}

func (s *Settings) check(path string, probs *problems) {
	if s.IsEncrypted {
		probs.add(path, "IsEncrypted", "encrypted settings are not supported locally")
	}
	if rt := s.Values["FUNCTIONS_WORKER_RUNTIME"]; !strings.EqualFold(rt, "custom") {
		probs.add(path, "Values.FUNCTIONS_WORKER_RUNTIME", "must be \"Custom\" for a custom handler, got %q", rt)
	}
}
