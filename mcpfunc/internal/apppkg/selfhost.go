package apppkg

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/hosting"
)

// The self hosting's files are made from the repository's, so that
// host.json and local.settings.json stay the one source of both hostings'
// settings (logging, timeouts, the executable, app settings).

// SelfHostJSON is the self hosting's host.json made from the repository's
// (trigger) host.json: the same members in the same order, but
//
//   - "configurationProfile": "mcp-custom-handler" after "version";
//   - no "extensionBundle": it would load the MCP extension;
//   - no "extensions": extensions.mcp is the extension's, and an
//     extensions.http.routePrefix would override the profile's empty one,
//     moving /mcp;
//   - customHandler without enableForwardingHttpRequest, and with "port"
//     (hosting.Port, as a string, as the documented host.json has it).
//
// Keys stay on: whether the host asks for them is an app setting of the
// deployment (see infra/app/api.bicep), not part of the package.
func SelfHostJSON(repo []byte) ([]byte, error) {
	top, err := objectMembers(repo)
	if err != nil {
		return nil, fmt.Errorf("host.json: %w", err)
	}
	var out []member
	for _, m := range top {
		switch m.key {
		case "extensionBundle", "extensions", "configurationProfile":
			continue
		case "customHandler":
			ch, err := objectMembers(m.value)
			if err != nil {
				return nil, fmt.Errorf("host.json customHandler: %w", err)
			}
			var kept []member
			for _, c := range ch {
				if c.key != "enableForwardingHttpRequest" && c.key != "port" {
					kept = append(kept, c)
				}
			}
			port, _ := json.Marshal(strconv.Itoa(hosting.Port))
			m.value = encodeMembers(append(kept, member{"port", port}))
		}
		out = append(out, m)
		if m.key == "version" {
			profile, _ := json.Marshal(hosting.Profile)
			out = append(out, member{"configurationProfile", profile})
		}
	}
	var b bytes.Buffer
	if err := json.Indent(&b, encodeMembers(out), "", "  "); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// SelfSettings is the self hosting's local.settings.json, for func start
// and local runs: the repository's (repo; nil when it has none) with
// FUNCTIONS_WORKER_RUNTIME "custom", the feature flag that turns the
// preview on (AzureWebJobsFeatureFlags; Core Tools 4.5.0 and later also
// read it), and MCP_HOSTING=self for the handler.
func SelfSettings(repo []byte) ([]byte, error) {
	var s funcapp.Settings
	if repo != nil {
		if err := json.Unmarshal(repo, &s); err != nil {
			return nil, fmt.Errorf("local.settings.json: %w", err)
		}
	}
	if s.Values == nil {
		s.Values = map[string]string{}
	}
	s.Values[hosting.WorkerRuntime] = hosting.CustomRuntime
	s.Values[hosting.FeatureFlags] = withFlag(s.Values[hosting.FeatureFlags], hosting.FeatureFlag)
	s.Values[hosting.Setting] = string(hosting.Self)
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// withFlag adds flag to a comma-separated AzureWebJobsFeatureFlags value.
func withFlag(flags, flag string) string {
	for _, f := range bytes.Split([]byte(flags), []byte(",")) {
		if string(bytes.TrimSpace(f)) == flag {
			return flags
		}
	}
	if flags == "" {
		return flag
	}
	return flags + "," + flag
}

// member is one member of a JSON object, its value compact.
type member struct {
	key   string
	value json.RawMessage
}

// objectMembers lists a JSON object's members in their order.
func objectMembers(raw []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object")
	}
	var out []member
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		var c bytes.Buffer
		if err := json.Compact(&c, v); err != nil {
			return nil, err
		}
		out = append(out, member{t.(string), c.Bytes()})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return out, nil
}

// encodeMembers writes members as a compact JSON object.
func encodeMembers(ms []member) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(m.key)
		b.Write(k)
		b.WriteByte(':')
		b.Write(m.value)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// HostingOf is the hosting the staged app in dir is for, as its host.json
// says.
func HostingOf(dir string) (hosting.Mode, error) {
	app, err := funcapp.Load(dir)
	if err != nil {
		return "", err
	}
	if app.Host.SelfHosted() {
		return hosting.Self, nil
	}
	return hosting.Triggers, nil
}
