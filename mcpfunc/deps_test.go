package mcpfunc_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runtimeModules are the modules the library brings into a handler: its
// chosen packages (chi, azblob and the Azure SDK it needs, go-sdk and its
// JSON schema package) and what they import. The tooling's modules (actionlint,
// staticcheck, yaml, testify, the JSON schema validator of the deployment
// checks, x/tools) must never reach it: a new module here is a decision,
// made by changing this list.
var runtimeModules = []string{
	"remote-mcp-functions-go",
	"github.com/Azure/azure-sdk-for-go/sdk/azcore",
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity",
	"github.com/Azure/azure-sdk-for-go/sdk/internal",
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob",
	"github.com/AzureAD/microsoft-authentication-library-for-go",
	"github.com/go-chi/chi/v5",
	"github.com/golang-jwt/jwt/v5",
	"github.com/google/jsonschema-go",
	"github.com/google/uuid",
	"github.com/kylelemons/godebug",
	"github.com/modelcontextprotocol/go-sdk",
	"github.com/pkg/browser",
	"github.com/segmentio/asm",
	"github.com/segmentio/encoding",
	"github.com/yosida95/uritemplate/v3",
	"golang.org/x/crypto",
	"golang.org/x/net",
	"golang.org/x/oauth2",
	"golang.org/x/sync",
	"golang.org/x/sys",
	"golang.org/x/text",
	"golang.org/x/time",
}

// foreignModules lists, for packages built for goos/goarch, each module
// outside runtimeModules they depend on, with the import chain that
// brings it in.
func foreignModules(t *testing.T, goos, goarch string, pkgs ...string) []string {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-deps", "-f", "{{.ImportPath}}\t{{with .Module}}{{.Path}}{{end}}\t{{join .Imports \" \"}}"}, pkgs...)...)
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "%s", stderr.String())
	module := map[string]string{}
	imports := map[string][]string{}
	var order []string
	for sc := bufio.NewScanner(bytes.NewReader(out)); sc.Scan(); {
		f := strings.Split(sc.Text(), "\t")
		require.Len(t, f, 3, sc.Text())
		module[f[0]], imports[f[0]] = f[1], strings.Fields(f[2])
		order = append(order, f[0])
	}
	// chain is how pkg is reached from the packages asked about.
	chain := func(pkg string) string {
		from := map[string]string{}
		queue := slices.Clone(pkgs)
		for _, p := range pkgs {
			from[p] = ""
		}
		for len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			if p == pkg {
				path := []string{p}
				for from[p] != "" {
					p = from[p]
					path = append([]string{p}, path...)
				}
				return strings.Join(path, " -> ")
			}
			for _, i := range imports[p] {
				if _, seen := from[i]; !seen {
					from[i] = p
					queue = append(queue, i)
				}
			}
		}
		return pkg
	}
	var foreign []string
	seen := map[string]bool{}
	for _, pkg := range order {
		m := module[pkg]
		if m == "" || slices.Contains(runtimeModules, m) || seen[m] {
			continue
		}
		seen[m] = true
		foreign = append(foreign, m+": "+chain(pkg))
	}
	return foreign
}

// A handler built on the library (the fixture's: an app's adds only what
// the app imports) links the runtime modules only, on every platform it is
// built for.
func TestRuntimeDependencies(t *testing.T) {
	for _, plat := range [][2]string{{"linux", "amd64"}, {"darwin", "arm64"}, {"windows", "amd64"}} {
		assert.Empty(t, foreignModules(t, plat[0], plat[1], "./mcpfunc", "./mcpfunc/internal/fixture/handler"), "%s/%s", plat[0], plat[1])
	}
}

// The check sees a tooling module when one is linked: staticcheck, built
// as a program, needs x/tools.
func TestRuntimeDependenciesCheckFails(t *testing.T) {
	foreign := foreignModules(t, "linux", "amd64", "honnef.co/go/tools/cmd/staticcheck")
	joined := strings.Join(foreign, "\n")
	assert.Contains(t, joined, "golang.org/x/tools: honnef.co/go/tools/cmd/staticcheck -> ")
	assert.Contains(t, joined, "honnef.co/go/tools: honnef.co/go/tools/cmd/staticcheck -> ")
}
