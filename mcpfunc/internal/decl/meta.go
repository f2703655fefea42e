package decl

import (
	"fmt"
	"strings"

	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
	"remote-mcp-functions-go/mcpfunc/internal/rawjson"
)

// AppMimeType is the mime type of an MCP App's view: an HTML resource a
// host renders in a sandboxed iframe (MCP Apps, SEP-1865,
// modelcontextprotocol/ext-apps specification/2026-01-26/apps.mdx
// @1f84764: "mimeType MUST be text/html;profile=mcp-app").
const AppMimeType = "text/html;profile=mcp-app"

// MetaText is meta as the trigger's metadata member holds it: its compact
// JSON, members sorted; "" for none. The extension lists it as the _meta
// of the tool or resource (funcapp.ParseMetadata says how it reads it),
// and an error says what it would refuse.
func MetaText(meta map[string]any) (string, error) {
	if len(meta) == 0 {
		return "", nil
	}
	b, err := rawjson.Marshal(meta)
	if err != nil {
		return "", fmt.Errorf("its Meta is not JSON: %v", err)
	}
	if _, err := funcapp.ParseMetadata(string(b)); err != nil {
		return "", fmt.Errorf("its Meta: %v", err)
	}
	return string(b), nil
}

// viewURI is the MCP App view a tool's Meta links, _meta.ui.resourceUri
// (the 2026-01-26 spec's "Resource Discovery"), and whether it has one.
func viewURI(meta map[string]any) (uri string, linked bool, err error) {
	ui, ok := meta["ui"]
	if !ok {
		return "", false, nil
	}
	m, ok := ui.(map[string]any)
	if !ok {
		return "", false, fmt.Errorf("its Meta[\"ui\"] must be an object, such as {\"resourceUri\": \"ui://…\"}")
	}
	v, ok := m["resourceUri"]
	if !ok {
		return "", false, nil
	}
	s, ok := v.(string)
	if !ok {
		return "", false, fmt.Errorf("its Meta[\"ui\"][\"resourceUri\"] must be a string, the ui:// URI of the tool's view")
	}
	return s, true, nil
}

// checkApp checks a resource whose MimeType is AppMimeType: the spec's
// view is one fixed ui:// resource.
func (r *Resource) checkApp() error {
	if r.MimeType != AppMimeType {
		return nil
	}
	if !strings.HasPrefix(r.URI, "ui://") || len(r.Params()) > 0 {
		return fmt.Errorf("resource %q: an MCP App view (%s) has a fixed ui:// URI, not %q", r.Name, AppMimeType, r.URI)
	}
	return nil
}

// checkViews checks that every tool's view link names a view of the app.
func (f Functions) checkViews() []error {
	var errs []error
	for _, t := range f.Tools {
		uri, linked, err := viewURI(t.Meta)
		if err != nil {
			errs = append(errs, fmt.Errorf("tool %q: %v", t.Name, err))
		}
		if !linked {
			continue
		}
		var view *Resource
		for _, r := range f.Resources {
			if r.URI == uri {
				view = r
			}
		}
		switch {
		case view == nil:
			errs = append(errs, fmt.Errorf("tool %q: its view %q is no resource of the app: declare a Resource with that URI and MimeType %s", t.Name, uri, AppMimeType))
		case view.MimeType != AppMimeType:
			errs = append(errs, fmt.Errorf("tool %q: its view %q has MimeType %q: a view's is %s", t.Name, uri, view.MimeType, AppMimeType))
		}
	}
	return errs
}
