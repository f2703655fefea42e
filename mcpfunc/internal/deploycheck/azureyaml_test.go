package deploycheck

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"remote-mcp-functions-go/mcpfunc/internal/apppkg"
)

const (
	schemaFile = "testdata/azure.yaml.schema.json"
	// sha256 of azd's schema as published (Azure/azure-dev @ae35809): the copy
	// must stay byte-exact.
	schemaSHA256 = "ff8d40d0d84c4b5ab1a934e61553c8ce985a05da63e63c59f6abcd58ab73b998"
	schemaURL    = "https://raw.githubusercontent.com/Azure/azure-dev/main/schemas/v1.0/azure.yaml.json"
)

// offlineLoader serves azd's schema from testdata and answers any other URL
// with the empty schema: the schema's remote $refs describe AI service hosts
// only, which this project does not use, and nothing is fetched.
type offlineLoader struct{ asked []string }

func (l *offlineLoader) Load(url string) (any, error) {
	if url == schemaURL {
		f, err := os.Open(schemaFile)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return jsonschema.UnmarshalJSON(f)
	}
	l.asked = append(l.asked, url)
	return map[string]any{}, nil
}

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	l := &offlineLoader{}
	c.UseLoader(l)
	sch, err := c.Compile(schemaURL)
	require.NoError(t, err)
	for _, u := range l.asked {
		assert.True(t, strings.HasPrefix(u, "https://raw.githubusercontent.com/Azure/azure-dev/"), "unexpected remote schema %s", u)
	}
	return sch
}

// yamlToJSON decodes YAML into the JSON value model the validator expects.
func yamlToJSON(t *testing.T, src []byte) any {
	t.Helper()
	var v any
	require.NoError(t, yaml.Unmarshal(src, &v))
	b, err := json.Marshal(v)
	require.NoError(t, err)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	require.NoError(t, err)
	return inst
}

func TestSchemaCopyIsExact(t *testing.T) {
	b, err := os.ReadFile(schemaFile)
	require.NoError(t, err)
	sum := sha256.Sum256(b)
	assert.Equal(t, schemaSHA256, hex.EncodeToString(sum[:]))
}

func TestAzureYAMLValidatesAgainstSchema(t *testing.T) {
	sch := compileSchema(t)
	err := sch.Validate(yamlToJSON(t, []byte(read(t, "azure.yaml"))))
	assert.NoError(t, err)
}

// The validator is wired: broken variants of a valid azure.yaml fail.
func TestSchemaRejectsBrokenAzureYAML(t *testing.T) {
	sch := compileSchema(t)
	good := read(t, "azure.yaml")
	tests := []struct {
		name, old, new string
	}{
		{"no host", "    host: function\n", ""},
		{"hook with run beside posix and windows", "      prepackage:\n", "      prepackage:\n        run: make package\n"},
		{"unknown hook shell", "          shell: pwsh\n", "          shell: cmd\n"},
		{"postdeploy with run beside posix and windows", "      postdeploy:\n", "      postdeploy:\n        run: make verify\n"},
		{"postdeploy at an unknown stage", "      postdeploy:\n", "      postverify:\n"},
		{"requiredVersions unknown key", "requiredVersions:\n", "requiredVersions:\n  bicep: \">= 0.30\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Contains(t, good, tt.old)
			bad := strings.Replace(good, tt.old, tt.new, 1)
			assert.Error(t, sch.Validate(yamlToJSON(t, []byte(bad))))
		})
	}
}

// azureYAML is the part of azure.yaml the deployment depends on.
type azureYAML struct {
	Name             string `yaml:"name"`
	RequiredVersions struct {
		Azd string `yaml:"azd"`
	} `yaml:"requiredVersions"`
	Infra struct {
		Provider string `yaml:"provider"`
		Path     string `yaml:"path"`
	} `yaml:"infra"`
	Services map[string]struct {
		Project  string `yaml:"project"`
		Language string `yaml:"language"`
		Host     string `yaml:"host"`
		Dist     string `yaml:"dist"`
		Hooks    map[string]struct {
			Posix   *hook `yaml:"posix"`
			Windows *hook `yaml:"windows"`
		} `yaml:"hooks"`
	} `yaml:"services"`
}

type hook struct {
	Shell string `yaml:"shell"`
	Run   string `yaml:"run"`
}

func loadAzureYAML(t *testing.T) azureYAML {
	t.Helper()
	var y azureYAML
	require.NoError(t, yaml.Unmarshal([]byte(read(t, "azure.yaml")), &y))
	return y
}

func TestAzureYAMLDeploysThePackage(t *testing.T) {
	y := loadAzureYAML(t)
	assert.Equal(t, ">= 1.20.0", y.RequiredVersions.Azd, "custom language with a zip dist needs azd 1.20")
	assert.Equal(t, "bicep", y.Infra.Provider)
	assert.DirExists(t, filepath.Join(root, y.Infra.Path))
	assert.FileExists(t, filepath.Join(root, y.Infra.Path, "main.bicep"))

	require.Len(t, y.Services, 1)
	svc, ok := y.Services["api"]
	require.True(t, ok, "the service is named api")
	assert.Equal(t, ".", svc.Project)
	assert.Equal(t, "custom", svc.Language, "language go cannot ship function.json folders")
	assert.Equal(t, "function", svc.Host)
	assert.Equal(t, apppkg.DefaultOutput, svc.Dist, "dist is the packer's output")

	pre, ok := svc.Hooks["prepackage"]
	require.True(t, ok, "a prepackage hook builds the zip")
	for platform, h := range map[string]*hook{"posix": pre.Posix, "windows": pre.Windows} {
		require.NotNil(t, h, platform)
		assert.Contains(t, h.Run, "go run ./mcpfunc/cmd/pack -build", platform)
	}
	assert.Equal(t, "sh", pre.Posix.Shell)
	assert.Equal(t, "pwsh", pre.Windows.Shell)
}

// azd ends a deployment with the check: a service postdeploy hook, on both
// platforms, runs mcpfunc/cmd/postdeploy, which reads the deployment from
// the values azd gives hooks: its own AZURE_SUBSCRIPTION_ID, and outputs
// of infra/main.bicep for the rest.
func TestAzureYAMLVerifiesAfterDeploy(t *testing.T) {
	svc := loadAzureYAML(t).Services["api"]
	post, ok := svc.Hooks["postdeploy"]
	require.True(t, ok, "a postdeploy hook checks the deployment")
	require.NotNil(t, post.Posix)
	require.NotNil(t, post.Windows)
	assert.Equal(t, "sh", post.Posix.Shell)
	assert.Equal(t, "go run ./mcpfunc/cmd/postdeploy", post.Posix.Run)
	assert.Equal(t, "pwsh", post.Windows.Shell)
	// pwsh would not fail the hook on a native command's exit code alone.
	assert.Equal(t, "go run ./mcpfunc/cmd/postdeploy; exit $LASTEXITCODE", post.Windows.Run)

	src := read(t, "mcpfunc/cmd/postdeploy/main.go")
	outputs := find(read(t, "infra/main.bicep"), "output")
	for _, name := range []string{"AZURE_RESOURCE_GROUP", "AZURE_FUNCTION_NAME", "MCP_SERVER_URL", "AZURE_TENANT_ID", "AUTH_ENABLED"} {
		assert.Contains(t, src, `"`+name+`"`, "postdeploy reads %s", name)
		assert.Contains(t, outputs, name, "postdeploy reads %s: main.bicep must output it", name)
	}
	assert.Contains(t, src, `"AZURE_SUBSCRIPTION_ID"`, "set by azd itself")
	// The way to skip it is where a user looks for it.
	assert.Contains(t, src, `SkipSetting = "MCP_VERIFY_SKIP"`)
	assert.Contains(t, read(t, "azure.yaml"), "azd env set MCP_VERIFY_SKIP true")
	assert.Contains(t, read(t, "docs/deploy.md"), "azd env set MCP_VERIFY_SKIP true")
}
