package deploycheck

import (
	"archive/zip"
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/apppkg"
	"remote-mcp-functions-go/mcpfunc/internal/hosting"
)

// TestPackage builds the real handler, stages and packs it as `make
// package` and azd's prepackage hook do, for each hosting, then reads the
// zip back with archive/zip and debug/elf alone, trusting nothing the
// packer says.
func TestPackage(t *testing.T) {
	for _, mode := range []hosting.Mode{hosting.Triggers, hosting.Self} {
		t.Run(string(mode), func(t *testing.T) { checkPackage(t, mode) })
	}
}

func checkPackage(t *testing.T, mode hosting.Mode) {
	stage := filepath.Join(t.TempDir(), "app")
	_, err := apppkg.Stage(context.Background(), apppkg.StageOptions{Root: root, Dir: stage, Output: io.Discard, Platform: apppkg.Target, Hosting: mode})
	require.NoError(t, err)
	var pkg bytes.Buffer
	_, err = apppkg.Pack(&pkg, apppkg.PackOptions{Dir: stage})
	require.NoError(t, err)

	zr, err := zip.NewReader(bytes.NewReader(pkg.Bytes()), int64(pkg.Len()))
	require.NoError(t, err)
	entries := map[string]*zip.File{}
	var names []string
	for _, f := range zr.File {
		entries[f.Name] = f
		names = append(names, f.Name)
	}
	content := func(t *testing.T, name string) []byte {
		t.Helper()
		f, ok := entries[name]
		require.True(t, ok, "%s is in the package", name)
		rc, err := f.Open()
		require.NoError(t, err)
		defer rc.Close()
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		return b
	}

	var host struct {
		CustomHandler struct {
			Description struct {
				DefaultExecutablePath string `json:"defaultExecutablePath"`
			} `json:"description"`
		} `json:"customHandler"`
	}
	require.NoError(t, json.Unmarshal(content(t, "host.json"), &host))
	exe := host.CustomHandler.Description.DefaultExecutablePath

	t.Run("entry set", func(t *testing.T) {
		want := []string{exe, "host.json"}
		fns, err := filepath.Glob(filepath.Join(root, "functions", "*", "function.json"))
		require.NoError(t, err)
		require.NotEmpty(t, fns)
		for _, fn := range fns {
			name := filepath.Base(filepath.Dir(fn))
			if mode == hosting.Triggers {
				want = append(want, name+"/", name+"/function.json")
			}
		}
		slices.Sort(want)
		assert.Equal(t, want, names, "exactly the binary, host.json and (triggers) the function folders, sorted")
		assert.NotContains(t, names, "local.settings.json")
	})

	if mode == hosting.Triggers {
		t.Run("files are the repository's", func(t *testing.T) {
			assert.Equal(t, read(t, "host.json"), string(content(t, "host.json")))
			for _, name := range names {
				if filepath.Base(name) == "function.json" {
					assert.Equal(t, read(t, "functions/"+name), string(content(t, name)), name)
				}
			}
		})
	} else {
		t.Run("host.json has the profile and nothing of the extension", func(t *testing.T) {
			assert.Empty(t, selfHostProblems(content(t, "host.json"), []byte(read(t, "host.json"))))
		})
	}

	t.Run("host.json names the binary", func(t *testing.T) {
		assert.Equal(t, "handler", exe)
		f, ok := entries[exe]
		require.True(t, ok, "host.json's executable %q is an entry", exe)
		assert.True(t, f.Mode().IsRegular())
	})

	t.Run("binary keeps its +x bit", func(t *testing.T) {
		f := entries[exe]
		require.NotNil(t, f)
		assert.Equal(t, fs.FileMode(0o755), f.Mode())
		assert.Equal(t, uint16(3), f.CreatorVersion>>8, "Unix attributes, which unzip and Flex Consumption read")
	})

	t.Run("binary is static linux/amd64", func(t *testing.T) {
		ef, err := elf.NewFile(bytes.NewReader(content(t, exe)))
		require.NoError(t, err, "an ELF file")
		defer ef.Close()
		assert.Equal(t, elf.ELFCLASS64, ef.Class)
		assert.Equal(t, elf.EM_X86_64, ef.Machine)
		for _, p := range ef.Progs {
			assert.NotEqual(t, elf.PT_INTERP, p.Type, "statically linked: no dynamic loader")
		}
	})

	t.Run("fixed timestamps", func(t *testing.T) {
		for _, f := range zr.File {
			assert.True(t, f.Modified.Equal(apppkg.DefaultModTime), "%s: %v", f.Name, f.Modified)
		}
	})

	t.Run("reproducible", func(t *testing.T) {
		var again bytes.Buffer
		_, err := apppkg.Pack(&again, apppkg.PackOptions{Dir: stage})
		require.NoError(t, err)
		assert.True(t, bytes.Equal(pkg.Bytes(), again.Bytes()), "same staged app, same bytes")

		// Another copy of the staged files, with other times and a path of its own.
		other := filepath.Join(t.TempDir(), "elsewhere")
		require.NoError(t, os.CopyFS(other, os.DirFS(stage)))
		again.Reset()
		_, err = apppkg.Pack(&again, apppkg.PackOptions{Dir: other})
		require.NoError(t, err)
		assert.True(t, bytes.Equal(pkg.Bytes(), again.Bytes()), "same files elsewhere, same bytes")
	})
}

// selfHostProblems holds the self hosting's host.json to what the docs
// and samples show and the host's code needs, against the repository's
// host.json, not against the packer's code: version 2.0; the
// mcp-custom-handler profile, lower case (the host compares ordinally);
// customHandler.description as the repository's, with a port string; no
// extensionBundle (the MCP extension would load) and no extensions (a
// routePrefix would move /mcp); no enableForwardingHttpRequest (the
// profile proxies). MicrosoftDocs azure-docs
// articles/azure-functions/self-hosted-mcp-servers.md (ms.date
// 10/30/2025); Azure-Samples/mcp-sdk-functions-hosting-python host.json
// @3d022aa.
func selfHostProblems(b, repoHost []byte) []string {
	var probs []string
	add := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }
	show := func(raw json.RawMessage) string {
		if raw == nil {
			return "missing"
		}
		return string(raw)
	}
	var got, repo, ch, repoCH map[string]json.RawMessage
	if json.Unmarshal(b, &got) != nil || json.Unmarshal(repoHost, &repo) != nil || json.Unmarshal(repo["customHandler"], &repoCH) != nil {
		return []string{"host.json: not a JSON object"}
	}
	if string(got["version"]) != `"2.0"` {
		add("version %s, want \"2.0\"", show(got["version"]))
	}
	if string(got["configurationProfile"]) != `"mcp-custom-handler"` {
		add("configurationProfile %s, want \"mcp-custom-handler\"", show(got["configurationProfile"]))
	}
	for _, k := range []string{"extensionBundle", "extensions"} {
		if _, ok := got[k]; ok {
			add("%s is there", k)
		}
	}
	for k := range got {
		if !slices.Contains([]string{"version", "configurationProfile", "customHandler", "logging", "functionTimeout"}, k) {
			add("%s: a member the self-hosted host.json is not known to need", k)
		}
	}
	if json.Unmarshal(got["customHandler"], &ch) != nil {
		return append(probs, "customHandler is not an object")
	}
	if !bytes.Equal(ch["description"], repoCH["description"]) {
		add("customHandler.description %s, want the repository's %s", show(ch["description"]), repoCH["description"])
	}
	var port string
	if json.Unmarshal(ch["port"], &port) != nil || port != strconv.Itoa(hosting.Port) {
		add("customHandler.port %s, want the string \"%d\"", show(ch["port"]), hosting.Port)
	}
	if _, ok := ch["enableForwardingHttpRequest"]; ok {
		add("customHandler.enableForwardingHttpRequest is there: the profile proxies requests")
	}
	if _, ok := ch["http"]; ok {
		add("customHandler.http is there: keys stay on in the package; anonymous is the deployment's app setting")
	}
	return probs
}

// The check fails for the trigger hosting's host.json, and for a
// self-hosted one that lost what it needs.
func TestSelfHostJSONCheckFails(t *testing.T) {
	repo := []byte(read(t, "host.json"))
	probs := strings.Join(selfHostProblems(repo, repo), "\n")
	for _, want := range []string{"configurationProfile missing", "extensionBundle is there", "extensions is there", "customHandler.port missing", "customHandler.enableForwardingHttpRequest is there"} {
		assert.Contains(t, probs, want)
	}
	good, err := apppkg.SelfHostJSON(repo)
	require.NoError(t, err)
	require.Empty(t, selfHostProblems(good, repo))
	for old, new := range map[string]string{`"mcp-custom-handler"`: `"MCP-Custom-Handler"`, `"port": "8071"`: `"port": 8071`, `"handler"`: `"handler.exe"`} {
		assert.NotEmpty(t, selfHostProblems(bytes.Replace(good, []byte(old), []byte(new), 1), repo), new)
	}
}
