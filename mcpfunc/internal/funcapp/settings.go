package funcapp

import "strings"

// StorageSetting is the app setting of the host's own storage
// (AzureWebJobsStorage): the connection a blob binding uses when it names
// none, and the one a function's Call.Storage("") lists and deletes through.
// Every part of the project that means it uses this name.
const StorageSetting = "AzureWebJobsStorage"

// Settings is local.settings.json, which `func start` (and the local
// stand-in for the host) read; it never goes into a deployment.
type Settings struct {
	IsEncrypted bool              `json:"IsEncrypted"`
	Values      map[string]string `json:"Values"`
	// Host holds func start's own options; nil when the file has no Host
	// section.
	Host *HostSettings `json:"Host,omitempty"`
}

// HostSettings is the Host section of local.settings.json: options of the
// local host itself, not app settings (Core Tools reads them into
// HostStartSettings, Azure/azure-functions-core-tools
// src/Cli/func/Common/HostStartSettings.cs @3ee97a6). On Azure the app's
// CORS settings play this part.
type HostSettings struct {
	// CORS is a comma-separated list of origins allowed to call the app
	// from a browser, with no spaces; "*" alone allows any origin. Empty
	// means no cross-origin access.
	CORS string `json:"CORS,omitempty"`
	// CORSCredentials lets those origins send credentials (cookies, the
	// Authorization header). It cannot be combined with CORS "*".
	CORSCredentials bool `json:"CORSCredentials,omitempty"`
}

func (s *Settings) check(path string, probs *problems) {
	if s.IsEncrypted {
		probs.add(path, "IsEncrypted", "encrypted settings are not supported locally")
	}
	if rt := s.Values["FUNCTIONS_WORKER_RUNTIME"]; !strings.EqualFold(rt, "custom") {
		probs.add(path, "Values.FUNCTIONS_WORKER_RUNTIME", "must be \"Custom\" for a custom handler, got %q", rt)
	}
}

// HostSection returns the Host section; nil when there is none or no
// local.settings.json at all.
func (s *Settings) HostSection() *HostSettings {
	if s == nil {
		return nil
	}
	return s.Host
}
