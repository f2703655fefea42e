package funcapp

import (
	"fmt"
	"strconv"
	"strings"
)

// The extension bundle brings the MCP extension, and each bundle carries
// whatever MCP extension was newest when it was built: the bundle's
// extensions.json names MCP by major version only (Azure/azure-functions-extension-bundles
// build/BuildSteps.cs @d44ac016). So the bundle range in host.json decides
// which MCP features the host understands, and an older bundle silently
// ignores function.json members it does not know (useResultSchema on 1.0
// turns the whole envelope into text). A Requirement ties a feature to the
// first bundle known to carry an extension that has it: confirmed by a
// bundle's hotfix pin where one exists (4.33.0 pins extension 1.2.0, 4.35.0
// pins 1.5.0), else the bundle that first lists the trigger.
type Requirement struct {
	Feature   string // what the function.json uses
	Extension string // the MCP extension version that added it
	Bundle    string // the first extension bundle known to carry it
}

// Extension versions of the features this app can use, from the
// extension's release notes (src/release_notes.md at each release tag).
var (
	reqTools        = Requirement{"mcpToolTrigger", "1.0.0", "4.29.0"}
	reqEnums        = Requirement{"enumValues", "1.1.0", "4.33.0"}
	reqMetadata     = Requirement{"metadata (_meta)", "1.2.0", "4.33.0"}
	reqWorkerSchema = Requirement{"useWorkerInputSchema with inputSchema", "1.2.0", "4.33.0"}
	// The handler answers every rich tool with a call_tool_result, the
	// only way to say isError with its own text; 1.1 and 1.2 know
	// useResultSchema but not that type (ToolReturnValueBinder.cs @42e6c05).
	reqCallToolResult = Requirement{"useResultSchema with call_tool_result", "1.3.0", "4.35.0"}
	reqOutputSchema   = Requirement{"outputSchema", "1.5.0", "4.35.0"}
	reqResources      = Requirement{"mcpResourceTrigger", "1.2.0", "4.33.0"}
	reqTemplates      = Requirement{"a resource template", "1.4.0", "4.35.0"}
	// 4.35.0 is the first bundle that lists mcpPromptTrigger.
	reqPrompts = Requirement{"mcpPromptTrigger", "1.4.0", "4.35.0"}
)

// Requirements lists what the function's trigger needs of the MCP
// extension.
func (f *Function) Requirements() []Requirement {
	if r := f.ResourceTrigger(); r != nil {
		if len(r.TemplateParams()) > 0 {
			return []Requirement{reqTemplates}
		}
		return []Requirement{reqResources}
	}
	if f.PromptTrigger() != nil {
		return []Requirement{reqPrompts}
	}
	t := f.ToolTrigger()
	if t == nil {
		return nil
	}
	reqs := []Requirement{reqTools}
	for _, p := range t.Properties {
		if len(p.EnumValues) > 0 {
			reqs = append(reqs, reqEnums)
			break
		}
	}
	if len(t.Metadata) > 0 {
		reqs = append(reqs, reqMetadata)
	}
	if t.UseWorkerInputSchema {
		reqs = append(reqs, reqWorkerSchema)
	}
	if t.UseResultSchema {
		reqs = append(reqs, reqCallToolResult)
	}
	if len(t.OutputSchema) > 0 {
		reqs = append(reqs, reqOutputSchema)
	}
	return reqs
}

// BundleFloor is the lowest bundle version host.json's range admits:
// "[4.35.0, 5.0.0)" gives 4.35.0.
func (h *Host) BundleFloor() (string, error) {
	if h.ExtensionBundle == nil {
		return "", fmt.Errorf("no extensionBundle")
	}
	v := strings.TrimSpace(h.ExtensionBundle.Version)
	if !strings.HasPrefix(v, "[") {
		return "", fmt.Errorf("%q: want a range such as [4.35.0, 5.0.0)", v)
	}
	low, _, ok := strings.Cut(strings.TrimPrefix(v, "["), ",")
	low = strings.TrimSpace(low)
	if !ok || parseVersion(low) == nil {
		return "", fmt.Errorf("%q: want a range such as [4.35.0, 5.0.0)", v)
	}
	return low, nil
}

// checkBundle reports a bundle range whose floor lacks what a function
// uses.
func (a *App) checkBundle(hostPath string, probs *problems) {
	floor, err := a.Host.BundleFloor()
	if err != nil {
		if a.Host.ExtensionBundle != nil {
			probs.add(hostPath, "extensionBundle.version", "%v", err)
		}
		return
	}
	for _, f := range a.Functions {
		var need *Requirement
		for _, r := range f.Requirements() {
			if need == nil || versionLess(need.Extension, r.Extension) {
				need = &r
			}
		}
		if need != nil && versionLess(floor, need.Bundle) {
			probs.add(hostPath, "extensionBundle.version",
				"%s lets the host use bundle %s, but %s uses %s, which needs MCP extension %s, first known in bundle %s: raise the floor to [%s, 5.0.0)",
				a.Host.ExtensionBundle.Version, floor, f.Name, need.Feature, need.Extension, need.Bundle, need.Bundle)
		}
	}
}

func parseVersion(v string) []int {
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return nil
	}
	out := make([]int, 3)
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return nil
		}
		out[i] = n
	}
	return out
}

// versionLess compares two x.y.z versions.
func versionLess(a, b string) bool {
	va, vb := parseVersion(a), parseVersion(b)
	for i := range 3 {
		if va[i] != vb[i] {
			return va[i] < vb[i]
		}
	}
	return false
}
