package customhandler_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"remote-mcp-functions-go/mcpfunc/internal/capture"
)

var captured = flag.String("captured", "", "a folder of invocations the handler captured from a real host (MCP_CAPTURE_DIR): compare their shapes with the goldens'")

// TestCapturedShapes compares host payloads the handler captured
// (package capture) with the goldens' of the same function: the members of
// each object in order, the kind of each value, and how many times each
// string holds JSON text (the host's encoding levels). Argument values and
// header sets vary by call and client, so the arguments and headers
// objects count as leaves. Each difference is a place where the goldens'
// model of the host is wrong (docs/testing.md).
//
// Without -captured it checks itself on what it can: every golden,
// captured (redacted) as the handler would, has its golden's shape, and a
// payload with one encoding level fewer does not.
func TestCapturedShapes(t *testing.T) {
	goldens := map[string][]map[string]string{} // function → shapes
	files, _ := filepath.Glob("testdata/contract/*.txtar")
	require.NotEmpty(t, files)
	for _, f := range files {
		s := sections(t, f)
		fn := strings.TrimSpace(s["function"])
		sh, err := shapeOf([]byte(s["request.json"]))
		require.NoError(t, err, f)
		goldens[fn] = append(goldens[fn], sh)

		// The redaction keeps the shape.
		red, err := shapeOf(capture.Redact([]byte(s["request.json"])))
		require.NoError(t, err, f)
		assert.Empty(t, shapeDiff(sh, red), "%s captured", f)
	}

	// One encoding level fewer in Data.context is found, and named.
	s := sections(t, "testdata/contract/echo.txtar")
	var req map[string]map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(s["request.json"]), &req))
	var once string
	require.NoError(t, json.Unmarshal(req["Data"]["context"], &once))
	req["Data"]["context"] = json.RawMessage(once)
	fewer, err := json.Marshal(req)
	require.NoError(t, err)
	got, err := shapeOf(fewer)
	require.NoError(t, err)
	diff := shapeDiff(goldens["echo"][0], got)
	require.NotEmpty(t, diff)
	assert.Contains(t, diff[0], "Data.context>: the model has JSON text in a string, the host an object {name,sessionid,clientinfo,transport}")

	if *captured == "" {
		return
	}
	caps, err := filepath.Glob(filepath.Join(*captured, "*.txtar"))
	require.NoError(t, err)
	require.NotEmpty(t, caps, "no captured invocations in %s", *captured)
	for _, f := range caps {
		s := sections(t, f)
		fn := strings.TrimSpace(s["function"])
		model, ok := goldens[fn]
		if !ok {
			t.Logf("%s: no golden for %s", filepath.Base(f), fn)
			continue
		}
		if strings.HasPrefix(s["request.json"], "(") { // a note: too large, not JSON
			t.Logf("%s: %s", filepath.Base(f), strings.TrimSpace(s["request.json"]))
			continue
		}
		host, err := shapeOf([]byte(s["request.json"]))
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		// The closest golden of the function: the fewest differences.
		best := shapeDiff(model[0], host)
		for _, m := range model[1:] {
			if d := shapeDiff(m, host); len(d) < len(best) {
				best = d
			}
		}
		for _, d := range best {
			t.Errorf("%s (%s): %s", filepath.Base(f), fn, d)
		}
	}
}

func sections(t *testing.T, file string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	out := map[string]string{}
	for _, f := range txtar.Parse(b).Files {
		out[f.Name] = string(f.Data)
	}
	return out
}

// leaves are members whose contents vary by call or client; byCall are
// present or not as the client sends arguments, and are left out.
var (
	leaves = map[string]bool{"arguments": true, "mcptoolargs": true, "mcppromptargs": true, "headers": true}
	byCall = map[string]bool{"arguments": true, "mcptoolargs": true, "mcppromptargs": true}
)

// shapeOf maps each path of a JSON value to what is there.
func shapeOf(v []byte) (map[string]string, error) {
	out := map[string]string{}
	return out, walkShape(bytes.TrimSpace(v), "", out, 0)
}

func walkShape(v []byte, path string, out map[string]string, depth int) error {
	if depth > 64 || len(v) == 0 {
		return fmt.Errorf("%s: too deep or empty", path)
	}
	name := path[strings.LastIndexAny(path, ".>")+1:]
	switch v[0] {
	case '{':
		if leaves[strings.ToLower(name)] {
			out[path] = "an object"
			return nil
		}
		dec := json.NewDecoder(bytes.NewReader(v))
		_, _ = dec.Token()
		var keys []string
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			var val json.RawMessage
			if err := dec.Decode(&val); err != nil {
				return err
			}
			key, _ := tok.(string)
			if byCall[strings.ToLower(key)] {
				continue
			}
			keys = append(keys, key)
			if err := walkShape(val, join(path, ".", key), out, depth+1); err != nil {
				return err
			}
		}
		out[path] = "an object {" + strings.Join(keys, ",") + "}"
	case '[':
		out[path] = "an array"
		var elems []json.RawMessage
		if err := json.Unmarshal(v, &elems); err != nil {
			return err
		}
		for _, e := range elems {
			if err := walkShape(e, path+"[]", out, depth+1); err != nil {
				return err
			}
		}
	case '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return err
		}
		// A string in a string is an encoding level wherever it is; an
		// object in a string is structure only in the context (elsewhere,
		// a blob's content, it is the call's).
		t := strings.TrimSpace(s)
		base := strings.ToLower(strings.TrimRight(name, ">"))
		if base == "" {
			base = strings.ToLower(strings.TrimRight(path, ">"))
			base = base[strings.LastIndex(base, ".")+1:]
		}
		if t != "" && (t[0] == '"' || (base == "context" && (t[0] == '{' || t[0] == '['))) && json.Valid([]byte(t)) {
			out[path] = "JSON text in a string"
			return walkShape([]byte(t), path+">", out, depth+1)
		}
		out[path] = "a string"
	case 't', 'f':
		out[path] = "a boolean"
	case 'n':
		out[path] = "null"
	default:
		out[path] = "a number"
	}
	return nil
}

func join(path, sep, key string) string {
	if path == "" {
		return key
	}
	return path + sep + key
}

// shapeDiff lists the paths where two shapes differ, in path order; an
// absent path reads "nothing".
func shapeDiff(model, host map[string]string) []string {
	var paths []string
	for p := range model {
		paths = append(paths, p)
	}
	for p := range host {
		if _, ok := model[p]; !ok {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	var out []string
	for _, p := range paths {
		m, h := or(model[p]), or(host[p])
		if m != h {
			out = append(out, fmt.Sprintf("%s: the model has %s, the host %s", or2(p), m, h))
		}
	}
	return out
}

func or(s string) string {
	if s == "" {
		return "nothing"
	}
	return s
}

func or2(p string) string {
	if p == "" {
		return "(the body)"
	}
	return p
}
