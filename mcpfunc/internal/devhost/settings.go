package devhost

import (
	"sort"
	"strings"

	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
)

// KeyEnv is the environment variable that sets devhost's MCP key. It is
// devhost's own: it never reaches the handler.
const KeyEnv = "MCP_EXTENSION_KEY"

// Settings are the app settings as the host presents them: the process
// environment, then local.settings.json Values for names the environment
// does not set (func start skips a Value the environment already defines),
// and an explicit storage override on top. Both the handler's environment
// and the bindings' connections are read from here, so they always agree.
type Settings struct {
	values map[string]string
	// fromFile names the settings that came from local.settings.json, for
	// messages that say where a value came from.
	fromFile map[string]bool
}

// NewSettings merges environ (KEY=value lines, as os.Environ returns) with
// the app's local.settings.json Values. A non-empty storage replaces
// AzureWebJobsStorage wherever it came from. KeyEnv is left out: the key
// guards devhost's MCP endpoint and is none of the handler's business.
func NewSettings(app *funcapp.App, environ []string, storage string) *Settings {
	s := &Settings{values: map[string]string{}, fromFile: map[string]bool{}}
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if ok && k != "" {
			s.values[k] = v
		}
	}
	if app.Settings != nil {
		for k, v := range app.Settings.Values {
			if _, set := s.values[k]; !set {
				s.values[k] = v
				s.fromFile[k] = true
			}
		}
	}
	if storage != "" {
		s.values[funcapp.StorageSetting] = storage
		delete(s.fromFile, funcapp.StorageSetting)
	}
	delete(s.values, KeyEnv)
	return s
}

// Lookup returns a setting.
func (s *Settings) Lookup(name string) (string, bool) {
	v, ok := s.values[name]
	return v, ok
}

// FromFile reports whether a setting came from local.settings.json.
func (s *Settings) FromFile(name string) bool { return s.fromFile[name] }

// Environ is the handler's environment: every setting as KEY=value, sorted.
func (s *Settings) Environ() []string {
	out := make([]string, 0, len(s.values))
	for k, v := range s.values {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}
