package deploycheck

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// goCommand is a go command in a script or config: go run, build, test,
// vet or list and its arguments, up to the end of the command.
var goCommand = regexp.MustCompile(`(?:\bgo|\$\(GO\))\s+(?:run|build|test|vet|list)\b([^\n;&|"]*)`)

// packageArg is a package argument given as a path: ./x/y, ./x/...
var packageArg = regexp.MustCompile(`(?:^|\s)(\./[\w./-]*)`)

// goPackagePaths returns, for each go command in text, the package paths
// it names that the repository at root does not have, and how many it
// names in all.
func goPackagePaths(root, text string) (missing []string, named int) {
	for _, cmd := range goCommand.FindAllStringSubmatch(text, -1) {
		for _, arg := range packageArg.FindAllStringSubmatch(cmd[1], -1) {
			p := strings.TrimSuffix(strings.TrimSuffix(arg[1], "..."), "/")
			named++
			if fi, err := os.Stat(filepath.Join(root, filepath.FromSlash(p))); err != nil || !fi.IsDir() {
				missing = append(missing, fmt.Sprintf("%s (in %q)", arg[1], strings.TrimSpace(cmd[0])))
			}
		}
	}
	return missing, named
}

// Every go command of the tooling (make, azd's hooks, the VS Code tasks,
// the dev container, CI) names a package folder the repository has: a
// moved package fails here, not on a user's machine.
func TestToolingNamesRealPackages(t *testing.T) {
	total := 0
	for _, file := range []string{"Makefile", "azure.yaml", ".vscode/tasks.json", ".devcontainer/devcontainer.json", ".github/workflows/ci.yml", ".ci/run"} {
		missing, named := goPackagePaths(root, read(t, file))
		assert.Empty(t, missing, "%s names packages the repository does not have", file)
		total += named
	}
	assert.Greater(t, total, 15, "the commands were found")
}

func TestGoPackagePaths(t *testing.T) {
	missing, named := goPackagePaths(root, "build:\n\t$(GO) run ./cmd/pack -local\n\tgo test -race ./mcpfunc/internal/e2e ./... && go vet ./nowhere/...\n\tgo run ./mcpfunc/cmd/start; exit $LASTEXITCODE\n")
	assert.Equal(t, 5, named)
	assert.Equal(t, []string{`./cmd/pack (in "$(GO) run ./cmd/pack -local")`, `./nowhere/... (in "go vet ./nowhere/...")`}, missing)
}
