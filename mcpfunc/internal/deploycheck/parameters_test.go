package deploycheck

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/doccheck"
)

// envRef is azd's substitution in main.parameters.json: ${NAME}, or
// ${NAME=default} to use when NAME is unset or empty.
var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(=[^}]*)?\}`)

// checkParameters compares main.parameters.json with main.bicep's params.
func checkParameters(mainBicep, parametersJSON string) []string {
	var file struct {
		Parameters map[string]struct {
			Value any `json:"value"`
		} `json:"parameters"`
	}
	if err := json.Unmarshal([]byte(parametersJSON), &file); err != nil {
		return []string{"main.parameters.json: " + err.Error()}
	}
	declared := params(mainBicep)
	var problems []string
	for _, name := range sortedKeys(file.Parameters) {
		p, ok := declared[name]
		if !ok {
			problems = append(problems, fmt.Sprintf("main.parameters.json sets %s, which main.bicep does not declare", name))
			continue
		}
		s, isString := file.Parameters[name].Value.(string)
		if !isString {
			continue
		}
		if rest := envRef.ReplaceAllString(s, ""); strings.Contains(rest, "$") {
			problems = append(problems, fmt.Sprintf("%s: %q is not of the form ${NAME} or ${NAME=default}", name, s))
		}
		// azd turns "true"/"42" into a bool or an int, but an unset
		// variable gives "", which no bool or int parameter accepts.
		if p.typ != "string" {
			for _, m := range envRef.FindAllStringSubmatch(s, -1) {
				if m[2] == "" {
					problems = append(problems, fmt.Sprintf("%s is %s: give ${%s} a default, ${%s=…}", name, p.typ, m[1], m[1]))
				}
			}
		}
	}
	for _, name := range sortedKeys(declared) {
		// azd makes up a value for a parameter with its generate
		// metadata, once per environment, when no file sets it.
		if _, set := file.Parameters[name]; !set && !declared[name].hasDefault && !declared[name].generated {
			problems = append(problems, fmt.Sprintf("param %s has no default and main.parameters.json does not set it", name))
		}
	}
	return problems
}

// checkReferences checks what the Bicep files point at: local modules and
// loaded files exist; registry modules are Azure Verified Modules pinned to
// an exact version.
func checkReferences(files map[string]string) []string {
	moduleHead := regexp.MustCompile(`^module\s+\w+\s+'([^']+)'`)
	loads := regexp.MustCompile(`load(?:Json|Text|YamlContent|FileAsBase64)\w*\('([^']+)'`)
	pinned := regexp.MustCompile(`^br/public:avm/(res|ptn|utl)/[a-z0-9-]+(/[a-z0-9-]+)*:\d+\.\d+\.\d+$`)
	var problems []string
	for _, file := range sortedKeys(files) {
		src := files[file]
		var local []string
		for _, d := range declarations(src) {
			if d.kind != "module" {
				continue
			}
			m := moduleHead.FindStringSubmatch(d.head)
			if m == nil {
				problems = append(problems, fmt.Sprintf("%s: module %s: cannot read its source", file, d.name))
				continue
			}
			switch ref := m[1]; {
			case strings.HasPrefix(ref, "br/") || strings.HasPrefix(ref, "br:"):
				if !pinned.MatchString(ref) {
					problems = append(problems, fmt.Sprintf("%s: module %s: %s is not an Azure Verified Module at an exact version", file, d.name, ref))
				}
			default:
				local = append(local, ref)
			}
		}
		for _, m := range loads.FindAllStringSubmatch(src, -1) {
			local = append(local, m[1])
		}
		for _, ref := range local {
			p := path.Join(path.Dir(file), ref)
			if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(p))); err != nil {
				problems = append(problems, fmt.Sprintf("%s: %s does not exist", file, ref))
			}
		}
	}
	return problems
}

// checkAbbreviations: every abbrs.x that main.bicep uses is in
// abbreviations.json, and the file holds nothing else.
func checkAbbreviations(mainBicep, abbreviationsJSON string) []string {
	var abbrs map[string]string
	if err := json.Unmarshal([]byte(abbreviationsJSON), &abbrs); err != nil {
		return []string{"abbreviations.json: " + err.Error()}
	}
	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`\babbrs\.(\w+)`).FindAllStringSubmatch(mainBicep, -1) {
		used[m[1]] = true
	}
	var problems []string
	for _, k := range sortedKeys(used) {
		if _, ok := abbrs[k]; !ok {
			problems = append(problems, fmt.Sprintf("main.bicep uses abbrs.%s, missing from abbreviations.json", k))
		}
	}
	for _, k := range sortedKeys(abbrs) {
		if !used[k] {
			problems = append(problems, fmt.Sprintf("abbreviations.json: %s is unused", k))
		}
	}
	return problems
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestParametersMatchMainBicep(t *testing.T) {
	assert.Empty(t, checkParameters(read(t, "infra/main.bicep"), read(t, "infra/main.parameters.json")))
}

func TestParametersCheckFails(t *testing.T) {
	mainBicep := "param environmentName string\nparam location string\nparam vnetEnabled bool = false\nparam tier string = 'a'\n"
	tests := []struct {
		name, parameters, want string
	}{
		{"undeclared", `{"parameters":{"environmentName":{"value":"${AZURE_ENV_NAME}"},"location":{"value":"x"},"vnetEnable":{"value":"${VNET_ENABLED=false}"}}}`, "sets vnetEnable, which main.bicep does not declare"},
		{"required param unset", `{"parameters":{"environmentName":{"value":"${AZURE_ENV_NAME}"}}}`, "param location has no default"},
		{"bool without default", `{"parameters":{"environmentName":{"value":"e"},"location":{"value":"l"},"vnetEnabled":{"value":"${VNET_ENABLED}"}}}`, "vnetEnabled is bool: give ${VNET_ENABLED} a default"},
		{"malformed reference", `{"parameters":{"environmentName":{"value":"$AZURE_ENV_NAME"},"location":{"value":"l"}}}`, `"$AZURE_ENV_NAME" is not of the form`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			problems := checkParameters(mainBicep, tt.parameters)
			require.NotEmpty(t, problems)
			assert.Contains(t, strings.Join(problems, "\n"), tt.want)
		})
	}
}

// A parameter azd generates needs no value in main.parameters.json; one
// it only prompts for (a location) does.
func TestGeneratedParameterNeedsNoValue(t *testing.T) {
	metadata := func(typ string) string {
		return "@secure()\n@metadata({\n  azd: {\n    type: '" + typ + "'\n    config: {\n      length: 64\n    }\n  }\n})\nparam k string\n"
	}
	assert.Empty(t, checkParameters(metadata("generate"), `{"parameters":{}}`))
	assert.Contains(t, strings.Join(checkParameters(metadata("location"), `{"parameters":{}}`), "\n"), "param k has no default")
	assert.Contains(t, strings.Join(checkParameters("@secure()\nparam k string\n", `{"parameters":{}}`), "\n"), "param k has no default")
}

func TestBicepReferencesResolve(t *testing.T) {
	assert.Empty(t, checkReferences(bicepFiles(t)))
}

func TestReferencesCheckFails(t *testing.T) {
	files := map[string]string{
		"infra/main.bicep": `var abbrs = loadJsonContent('./missing.json')
module a 'app/nope.bicep' = {
  name: 'a'
}
module b 'br/public:avm/res/web/site:latest' = {
  name: 'b'
}
module c 'br/public:avm/res/web/site:0.21.0' = {
  name: 'c'
}
module d './app/api.bicep' = {
  name: 'd'
}
`,
	}
	problems := strings.Join(checkReferences(files), "\n")
	assert.Contains(t, problems, "app/nope.bicep does not exist")
	assert.Contains(t, problems, "./missing.json does not exist")
	assert.Contains(t, problems, "br/public:avm/res/web/site:latest is not an Azure Verified Module at an exact version")
	assert.NotContains(t, problems, "site:0.21.0")
	assert.NotContains(t, problems, "api.bicep")
}

func TestAbbreviationsMatch(t *testing.T) {
	assert.Empty(t, checkAbbreviations(read(t, "infra/main.bicep"), read(t, "infra/abbreviations.json")))

	problems := strings.Join(checkAbbreviations("var n = '${abbrs.webSitesFunctions}x'", `{"storageStorageAccounts":"st"}`), "\n")
	assert.Contains(t, problems, "abbrs.webSitesFunctions, missing")
	assert.Contains(t, problems, "storageStorageAccounts is unused")
}

// checkExtensions: every `extension X` a Bicep file declares is configured
// in bicepconfig.json, without which the compiler cannot resolve it.
func checkExtensions(files map[string]string, bicepconfig string) []string {
	var cfg struct {
		Extensions map[string]string `json:"extensions"`
	}
	if err := json.Unmarshal([]byte(bicepconfig), &cfg); err != nil {
		return []string{"bicepconfig.json: " + err.Error()}
	}
	var problems []string
	for _, file := range sortedKeys(files) {
		for _, d := range declarations(files[file]) {
			if d.kind == "extension" && cfg.Extensions[d.name] == "" {
				problems = append(problems, fmt.Sprintf("%s: extension %s is not in bicepconfig.json", file, d.name))
			}
		}
	}
	return problems
}

func TestBicepExtensionsConfigured(t *testing.T) {
	assert.Empty(t, checkExtensions(bicepFiles(t), read(t, "infra/bicepconfig.json")))

	problems := checkExtensions(map[string]string{"infra/x.bicep": "extension kubernetes\n"}, `{"extensions":{"microsoftGraphV1":"br:…"}}`)
	assert.Equal(t, []string{"infra/x.bicep: extension kubernetes is not in bicepconfig.json"}, problems)
}

// azdOwnVariables are the azd environment values azd itself sets; every
// other ${NAME} main.parameters.json reads is an option for the user.
var azdOwnVariables = map[string]bool{"AZURE_ENV_NAME": true, "AZURE_LOCATION": true, "AZURE_PRINCIPAL_ID": true, "AZURE_PRINCIPAL_TYPE": true}

// hookOptions are options that azure.yaml's hooks read (azd passes the
// environment's values to them), not the Bicep: the postdeploy check's
// switch (TestAzureYAMLVerifiesAfterDeploy checks that it reads it).
var hookOptions = map[string]bool{"MCP_VERIFY_SKIP": true}

// checkOptionsDocumented: every option main.parameters.json reads from the
// azd environment is named in the documentation (README.md and docs/*.md),
// and every option the documentation tells users to `azd env set` is read.
func checkOptionsDocumented(parametersJSON, docs string) []string {
	read := map[string]bool{}
	for _, m := range envRef.FindAllStringSubmatch(parametersJSON, -1) {
		read[m[1]] = true
	}
	var problems []string
	for _, name := range sortedKeys(read) {
		if !azdOwnVariables[name] && !regexp.MustCompile(`\b`+name+`\b`).MatchString(docs) {
			problems = append(problems, fmt.Sprintf("main.parameters.json reads %s, which the documentation (README.md, docs/) does not document", name))
		}
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("azd env set ([A-Z][A-Z0-9_]*)|\\| `([A-Z][A-Z0-9_]*) ").FindAllStringSubmatch(docs, -1) {
		documented[m[1]+m[2]] = true
	}
	for _, name := range sortedKeys(documented) {
		if !read[name] && !hookOptions[name] {
			problems = append(problems, fmt.Sprintf("the documentation sets %s, which main.parameters.json does not read", name))
		}
	}
	return problems
}

func TestOptionsDocumented(t *testing.T) {
	assert.Empty(t, checkOptionsDocumented(read(t, "infra/main.parameters.json"), documentation(t)))

	problems := strings.Join(checkOptionsDocumented(`{"p":{"value":"${CORS_ALLOWED_ORIGINS}"},"q":{"value":"${AZURE_ENV_NAME}"}}`,
		"| `VNET_ENABLED true` | x |\nazd env set AZURE_PRINCIPAL_TYPE x"), "\n")
	assert.Contains(t, problems, "reads CORS_ALLOWED_ORIGINS, which the documentation (README.md, docs/) does not document")
	assert.Contains(t, problems, "sets VNET_ENABLED, which main.parameters.json does not read")
	assert.NotContains(t, problems, "AZURE_ENV_NAME")
}

// documentation is the text of README.md and docs/*.md, one after the
// other: where the options and the deployment's values are documented.
func documentation(t *testing.T) string {
	t.Helper()
	files, err := doccheck.Markdown(os.DirFS(root))
	require.NoError(t, err)
	var b strings.Builder
	for _, f := range files {
		b.WriteString(read(t, f))
		b.WriteString("\n")
	}
	return b.String()
}

// The values the documentation reads with `azd env get-value` are outputs
// of main.bicep.
func TestDocumentedOutputsExist(t *testing.T) {
	outputs := find(read(t, "infra/main.bicep"), "output")
	docs := documentation(t)
	reads := regexp.MustCompile(`azd env get-value (\w+)`).FindAllStringSubmatch(docs, -1)
	require.NotEmpty(t, reads, "the documentation shows how to read the deployment's values")
	for _, m := range reads {
		assert.Contains(t, outputs, m[1], "the documentation reads %s", m[1])
	}
	// The ones the deployment guide relies on, whatever it says today.
	for _, name := range []string{"AZURE_FUNCTION_NAME", "AZURE_RESOURCE_GROUP", "MCP_SERVER_URL", "APPLICATIONINSIGHTS_NAME", "AZURE_STORAGE_ACCOUNT_NAME", "ENTRA_APPLICATION_ID"} {
		assert.Contains(t, outputs, name)
	}
}
