package deploycheck

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rule is one thing a Bicep file must (or must not) say.
type rule struct {
	file   string // "" means every .bicep file
	in     string // if set, only the declaration whose first line holds this
	what   string
	re     *regexp.Regexp
	absent bool // the pattern must not occur
}

func must(file, what, re string) rule {
	return rule{file: file, what: what, re: regexp.MustCompile(re)}
}

// mustIn is must within one declaration, named by its first line.
func mustIn(file, in, what, re string) rule {
	return rule{file: file, in: in, what: what, re: regexp.MustCompile(re)}
}
func mustNot(what, re string) rule {
	return rule{what: what, re: regexp.MustCompile(re), absent: true}
}

const (
	storageModule = "'br/public:avm/res/storage/storage-account:"

	mainBicep = "infra/main.bicep"
	apiBicep  = "infra/app/api.bicep"
	rbacBicep = "infra/app/rbac.bicep"
)

var rules = []rule{
	must(mainBicep, "subscription scope", `(?m)^targetScope = 'subscription'$`),
	must(mainBicep, "a resource group", `(?m)^resource \w+ 'Microsoft\.Resources/resourceGroups@`),
	must(mainBicep, "a user-assigned identity", `'br/public:avm/res/managed-identity/user-assigned-identity:`),
	must(mainBicep, "the Flex Consumption plan FC1", `name: 'FC1'\s+tier: 'FlexConsumption'`),
	must(mainBicep, "a Linux plan", `reserved: true`),
	mustIn(mainBicep, storageModule, "storage without shared keys", `allowSharedKeyAccess: false`),
	mustIn(mainBicep, storageModule, "storage with TLS 1.2", `minimumTlsVersion: 'TLS1_2'`),
	mustIn(mainBicep, storageModule, "no public blob access", `allowBlobPublicAccess: false`),
	mustIn(mainBicep, storageModule, "the queue service (the MCP extension's backplane)", `queueServices: \{`),
	mustIn(mainBicep, storageModule, "the deployment container", `containers: \[\s*\{\s*name: deploymentContainerName`),
	must(mainBicep, "Log Analytics", `'br/public:avm/res/operational-insights/workspace:`),
	mustIn(mainBicep, "'br/public:avm/res/insights/component:", "Application Insights without local auth", `disableLocalAuth: true`),
	must(mainBicep, "the roles module", `(?m)^module \w+ 'app/rbac\.bicep' = \{`),
	must(mainBicep, "VNet opt-in, off by default", `(?m)^param vnetEnabled bool = false$`),
	must(mainBicep, "the VNet only when enabled", `(?m)^module \w+ 'app/vnet\.bicep' = if \(vnetEnabled\)`),
	must(mainBicep, "private endpoints only when enabled", `(?m)^module \w+ 'app/storage-private-endpoints\.bicep' = if \(vnetEnabled\)`),
	must(mainBicep, "storage closed to the internet with the VNet", `publicNetworkAccess: vnetEnabled \? 'Disabled' : 'Enabled'`),
	must(mainBicep, "a location list azd prompts with", `@allowed\(\[[^\]]*'eastus'[^\]]*\]\)\s*@metadata\(\{\s*azd: \{\s*type: 'location'\s*\}\s*\}\)\s*param location string`),
	must(mainBicep, "instance memory a parameter, 2048 by default", `(?m)^param instanceMemoryMB int = 2048$`),
	must(mainBicep, "at most 100 instances by default", `(?m)^param maximumInstanceCount int = 100$`),
	must(mainBicep, "the deployer's principal type a parameter, User by default", `(?m)^param principalType string = 'User'$`),
	must(mainBicep, "the principal type passed to the roles", `deployerPrincipalType: principalType`),
	must(mainBicep, "built-in auth opt-in, off by default", `(?m)^param enableBuiltInAuth bool = false$`),
	must(mainBicep, "the Entra app only with built-in auth", `(?m)^module \w+ 'app/entra\.bicep' = if \(enableBuiltInAuth\)`),
	must(mainBicep, "CORS origins a parameter, none by default", `(?m)^param corsAllowedOrigins string = ''$`),
	must(mainBicep, "CORS credentials a parameter, off by default", `(?m)^param corsSupportCredentials bool = false$`),
	mustIn(mainBicep, "'app/api.bicep'", "the CORS origins passed to the app", `corsAllowedOrigins: corsAllowedOriginList\s+corsSupportCredentials: corsSupportCredentials`),
	must(mainBicep, "output AZURE_FUNCTION_NAME", `(?m)^output AZURE_FUNCTION_NAME string `),
	must(mainBicep, "output AZURE_RESOURCE_GROUP", `(?m)^output AZURE_RESOURCE_GROUP string `),
	must(mainBicep, "output SERVICE_API_NAME", `(?m)^output SERVICE_API_NAME string `),
	must(mainBicep, "output MCP_SERVER_URL, per hosting", `(?m)^output MCP_SERVER_URL string = 'https://\$\{[^}]+\}\$\{mcpHosting == 'self' \? '/mcp' : '/runtime/webhooks/mcp'\}'$`),
	must(mainBicep, "the hosting a parameter, triggers by default", `@allowed\(\[\s*'triggers'\s*'self'\s*\]\)\s*param mcpHosting string = 'triggers'`),
	mustIn(mainBicep, "'app/api.bicep'", "the hosting passed to the app", `(?m)^\s+mcpHosting: mcpHosting$`),
	must(apiBicep, "the hosting a parameter, triggers by default", `@allowed\(\[\s*'triggers'\s*'self'\s*\]\)\s*param mcpHosting string = 'triggers'`),
	must(apiBicep, "self hosting: the preview's feature flag and MCP_HOSTING, only then", `var selfHostedSettings = mcpHosting == 'self'\s+\? union\(\s+\{\s+MCP_HOSTING: 'self'\s+AzureWebJobsFeatureFlags: 'EnableMcpCustomHandlerPreview'\s+\},`),
	must(apiBicep, "self hosting behind built-in auth: the host asks for no key", `authEnabled\s+\? \{\s+AzureFunctionsJobHost__customHandler__http__DefaultAuthorizationLevel: 'anonymous'\s+\}\s+: \{\}\s+\)\s+: \{\}`),
	must(mainBicep, "the confirmation key a secret azd generates once per environment",
		`@secure\(\)\s+@minLength\(32\)\s+@description\('[^\n]*'\)\s+@metadata\(\{\s+azd: \{\s+type: 'generate'\s+config: \{\s+length: 64\s+\}\s+\}\s+\}\)\s+param mcpStateKey string\n`),
	mustIn(mainBicep, "'app/api.bicep'", "the confirmation key passed to the app", `(?m)^\s+mcpStateKey: mcpStateKey$`),
	must(apiBicep, "the confirmation key a secure parameter", `@secure\(\)\s+@description\('[^\n]*'\)\s+param mcpStateKey string = ''\n`),
	must(apiBicep, "self hosting: MCP_STATE_KEY, the key's base64, when there is one",
		`'EnableMcpCustomHandlerPreview'\s+\},\s+empty\(mcpStateKey\)\s+\? \{\}\s+: \{\s+MCP_STATE_KEY: base64\(mcpStateKey\)\s+\},`),
	mustNot("the confirmation key in no output", `(?m)^output .*mcpStateKey`),
	must(apiBicep, "the self hosting's settings in the app settings", `properties: union\(appSettings, hostSettings, authSettings, selfHostedSettings\)`),

	must(apiBicep, "runtime custom 1.0", `runtime: \{\s*name: 'custom'\s*version: '1\.0'\s*\}`),
	must(apiBicep, "a Linux function app", `kind: 'functionapp,linux'`),
	must(apiBicep, "the package from a blob container", `storage: \{\s*type: 'blobContainer'`),
	must(apiBicep, "the package read with the user-assigned identity", `authentication: \{\s*type: 'UserAssignedIdentity'\s*userAssignedIdentityResourceId: identityId`),
	must(apiBicep, "instance memory from the parameter", `scaleAndConcurrency: \{\s*instanceMemoryMB: instanceMemoryMB\s*maximumInstanceCount: maximumInstanceCount`),
	must(apiBicep, "the app runs as the identity", `userAssignedResourceIds: \[\s*identityId\s*\]`),
	must(apiBicep, "AzureWebJobsStorage__credential", `AzureWebJobsStorage__credential: 'managedidentity'`),
	must(apiBicep, "AzureWebJobsStorage__clientId", `AzureWebJobsStorage__clientId: identityClientId`),
	must(apiBicep, "AzureWebJobsStorage__blobServiceUri", `AzureWebJobsStorage__blobServiceUri: \w+\.properties\.primaryEndpoints\.blob`),
	must(apiBicep, "AzureWebJobsStorage__queueServiceUri", `AzureWebJobsStorage__queueServiceUri: \w+\.properties\.primaryEndpoints\.queue`),
	must(apiBicep, "the App Insights connection string", `APPLICATIONINSIGHTS_CONNECTION_STRING: \w+\.properties\.ConnectionString`),
	must(apiBicep, "App Insights with Entra ID authentication", `APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=\$\{identityClientId\};Authorization=AAD'`),
	must(apiBicep, "CORS origins an array, none by default", `(?m)^param corsAllowedOrigins array = \[\]$`),
	must(apiBicep, "siteConfig.cors only when origins are given", `(?m)^var corsSiteConfig = empty\(corsAllowedOrigins\)\s+\? \{\}\s+: \{\s+cors: \{\s+allowedOrigins: corsAllowedOrigins\s+supportCredentials: corsSupportCredentials\s+\}`),
	must(apiBicep, "the CORS settings in the app's siteConfig", `siteConfig: union\(baseSiteConfig, corsSiteConfig\)`),
	must(apiBicep, "built-in auth answering 401", `name: 'authsettingsV2'[\s\S]*unauthenticatedClientAction: 'Return401'`),

	mustNot("no shared-key storage", `allowSharedKeyAccess: true|listKeys\(|\bAzureWebJobsStorage:`),
	// Flex Consumption takes these from functionAppConfig and refuses them as settings.
	mustNot("no settings Flex Consumption refuses", `\b(FUNCTIONS_WORKER_RUNTIME|FUNCTIONS_EXTENSION_VERSION|WEBSITE_RUN_FROM_PACKAGE|WEBSITE_CONTENTSHARE|WEBSITE_CONTENTAZUREFILECONNECTIONSTRING)\b`),
}

func checkRules(files map[string]string) []string {
	var problems []string
	for _, r := range rules {
		targets := []string{r.file}
		if r.file == "" {
			targets = sortedKeys(files)
		}
		for _, f := range targets {
			src, ok := files[f]
			if !ok {
				problems = append(problems, fmt.Sprintf("%s: missing", f))
				continue
			}
			if r.in != "" {
				src = ""
				for _, d := range declarations(files[f]) {
					if strings.Contains(d.head, r.in) {
						src = d.text
					}
				}
			}
			if found := r.re.FindString(src); r.absent && found != "" {
				problems = append(problems, fmt.Sprintf("%s: %s: found %q", f, r.what, found))
			} else if !r.absent && found == "" {
				problems = append(problems, fmt.Sprintf("%s: %s: not found", f, r.what))
			}
		}
	}
	return problems
}

// role is a built-in role the app's identity needs.
type role struct {
	name, id string
	scope    string // resource type it is assigned on
}

// Role definition ids are the same in every tenant (checked against the
// sample's infra and the Azure Verified Modules' role tables).
var roles = []role{
	{"Storage Blob Data Owner", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "Microsoft.Storage/storageAccounts"},
	{"Storage Queue Data Contributor", "974c5e8b-45b9-4653-ba55-5f855dd0fb88", "Microsoft.Storage/storageAccounts"},
	{"Monitoring Metrics Publisher", "3913510d-42f4-4e42-8a64-420c390055eb", "Microsoft.Insights/components"},
}

var (
	resourceHead = regexp.MustCompile(`^resource\s+(\w+)\s+'([^'@]+)@`)
	roleDefRef   = regexp.MustCompile(`roleDefinitions',\s*(\w+)\)`)
	scopeRef     = regexp.MustCompile(`(?m)^\s*scope: (\w+)$`)
)

// checkRoles: every role is assigned, on the right resource, to each of the
// principals: the app's identity as a ServicePrincipal, and the deployer as
// whatever principal type says (never a hard-coded User, which a CI service
// principal is not).
func checkRoles(rbac string) []string {
	var problems []string
	vars := find(rbac, "var")
	types := map[string]string{} // resource symbol → type
	var assignments []decl
	for _, d := range declarations(rbac) {
		if m := resourceHead.FindStringSubmatch(d.head); m != nil {
			types[m[1]] = m[2]
			if m[2] == "Microsoft.Authorization/roleAssignments" {
				assignments = append(assignments, d)
			}
		}
	}
	for _, r := range roles {
		varName := ""
		for name, v := range vars {
			if strings.Contains(v.head, "'"+r.id+"'") {
				varName = name
			}
		}
		if varName == "" {
			problems = append(problems, fmt.Sprintf("%s (%s): no var holds its id", r.name, r.id))
			continue
		}
		var found *decl
		for i, a := range assignments {
			if m := roleDefRef.FindStringSubmatch(a.text); m != nil && m[1] == varName {
				found = &assignments[i]
			}
		}
		if found == nil {
			problems = append(problems, fmt.Sprintf("%s: not assigned", r.name))
			continue
		}
		if m := scopeRef.FindStringSubmatch(found.text); m == nil || types[m[1]] != r.scope {
			problems = append(problems, fmt.Sprintf("%s: must be assigned on a %s", r.name, r.scope))
		}
		for _, want := range []string{"for principal in principals", "principalId: principal.id", "principalType: principal.type"} {
			if !strings.Contains(found.text, want) {
				problems = append(problems, fmt.Sprintf("%s: assignment lacks %q", r.name, want))
			}
		}
	}
	principals := regexp.MustCompile(`\s+`).ReplaceAllString(vars["principals"].text, " ")
	for _, want := range []string{
		"id: managedIdentityPrincipalId type: 'ServicePrincipal'",
		"id: deployerPrincipalId type: deployerPrincipalType",
	} {
		if !strings.Contains(principals, want) {
			problems = append(problems, fmt.Sprintf("var principals lacks %q", want))
		}
	}
	return problems
}

var serviceTag = regexp.MustCompile(`'azd-service-name':\s*(\w+|'[^']*')`)

// serviceTagValue resolves the azd-service-name tag of app/api.bicep: a
// literal, or a param's default that main.bicep does not override.
func serviceTagValue(api, main string) (string, error) {
	m := serviceTag.FindStringSubmatch(api)
	if m == nil {
		return "", fmt.Errorf("no azd-service-name tag")
	}
	v := m[1]
	if !strings.HasPrefix(v, "'") {
		p, ok := params(api)[v]
		if !ok || !strings.HasPrefix(p.def, "'") {
			return "", fmt.Errorf("the tag's value %s is not a param with a literal default", v)
		}
		for _, d := range find(main, "module") {
			if strings.Contains(d.head, "'app/api.bicep'") && regexp.MustCompile(`(?m)^\s+`+v+`:`).MatchString(d.text) {
				return "", fmt.Errorf("main.bicep overrides %s", v)
			}
		}
		v = p.def
	}
	return strings.Trim(v, "'"), nil
}

func TestInfraMustHaves(t *testing.T) {
	assert.Empty(t, checkRules(bicepFiles(t)))
}

func TestRolesAssigned(t *testing.T) {
	assert.Empty(t, checkRoles(read(t, rbacBicep)))
}

func TestServiceNameMatchesTag(t *testing.T) {
	tag, err := serviceTagValue(read(t, apiBicep), read(t, mainBicep))
	require.NoError(t, err)
	y := loadAzureYAML(t)
	require.Len(t, y.Services, 1)
	for name := range y.Services {
		assert.Equal(t, name, tag, "azd finds the app by the azd-service-name tag")
	}
}

// Each check fails when the infra loses what it checks.
func TestInfraChecksFail(t *testing.T) {
	tests := []struct {
		file, old, new string
		want           string
	}{
		{mainBicep, "name: 'FC1'", "name: 'Y1'", "the Flex Consumption plan FC1: not found"},
		{mainBicep, "allowSharedKeyAccess: false", "allowSharedKeyAccess: true", "no shared-key storage: found"},
		{mainBicep, "    queueServices: {\n      queues: []\n    }\n", "", "the queue service"},
		{mainBicep, "param vnetEnabled bool = false", "param vnetEnabled bool = true", "VNet opt-in, off by default"},
		{mainBicep, "param principalType string = 'User'", "param principalType string = 'ServicePrincipal'", "principal type a parameter"},
		{mainBicep, "param instanceMemoryMB int = 2048", "param instanceMemoryMB int = 4096", "instance memory"},
		{mainBicep, "    disableLocalAuth: true\n", "", "Application Insights without local auth"},
		{mainBicep, "@metadata({\n  azd: {\n    type: 'location'\n  }\n})\n", "", "a location list"},
		{mainBicep, "module entraApp 'app/entra.bicep' = if (enableBuiltInAuth) {", "module entraApp 'app/entra.bicep' = {", "the Entra app only with built-in auth"},
		{mainBicep, "param corsAllowedOrigins string = ''", "param corsAllowedOrigins string = '*'", "CORS origins a parameter, none by default"},
		{mainBicep, "param corsSupportCredentials bool = false", "param corsSupportCredentials bool = true", "CORS credentials a parameter, off by default"},
		{mainBicep, "    corsAllowedOrigins: corsAllowedOriginList\n", "", "the CORS origins passed to the app"},
		{apiBicep, "param corsAllowedOrigins array = []", "param corsAllowedOrigins array = ['*']", "CORS origins an array, none by default"},
		{apiBicep, "var corsSiteConfig = empty(corsAllowedOrigins)", "var corsSiteConfig = true", "siteConfig.cors only when origins are given"},
		{apiBicep, "siteConfig: union(baseSiteConfig, corsSiteConfig)", "siteConfig: baseSiteConfig", "the CORS settings in the app's siteConfig"},
		{apiBicep, "name: 'custom'", "name: 'python'", "runtime custom 1.0: not found"},
		{mainBicep, "param mcpHosting string = 'triggers'", "param mcpHosting string = 'self'", "the hosting a parameter, triggers by default"},
		{mainBicep, "    mcpHosting: mcpHosting\n", "", "the hosting passed to the app"},
		{mainBicep, "? '/mcp' :", "? '/runtime/webhooks/mcp' :", "output MCP_SERVER_URL, per hosting"},
		{apiBicep, "var selfHostedSettings = mcpHosting == 'self'", "var selfHostedSettings = true", "self hosting: the preview's feature flag"},
		{apiBicep, "AzureWebJobsFeatureFlags: 'EnableMcpCustomHandlerPreview'", "AzureWebJobsFeatureFlags: 'EnableWorkerIndexing'", "self hosting: the preview's feature flag"},
		{apiBicep, "      authEnabled\n        ? {", "      true\n        ? {", "self hosting behind built-in auth"},
		{apiBicep, "authSettings, selfHostedSettings)", "authSettings)", "the self hosting's settings in the app settings"},
		{apiBicep, "version: '1.0'", "version: '1'", "runtime custom 1.0: not found"},
		{apiBicep, "AzureWebJobsStorage__queueServiceUri", "AzureWebJobsStorage__tableServiceUri", "AzureWebJobsStorage__queueServiceUri: not found"},
		{apiBicep, "  AzureWebJobsStorage__credential: 'managedidentity'\n", "  AzureWebJobsStorage__credential: 'managedidentity'\n  FUNCTIONS_WORKER_RUNTIME: 'custom'\n", "no settings Flex Consumption refuses"},
		{apiBicep, "type: 'UserAssignedIdentity'", "type: 'SystemAssignedIdentity'", "the package read with the user-assigned identity"},
		{rbacBicep, "'974c5e8b-45b9-4653-ba55-5f855dd0fb88'", "'00000000-0000-0000-0000-000000000000'", "Storage Queue Data Contributor (974c5e8b-45b9-4653-ba55-5f855dd0fb88): no var holds its id"},
		{rbacBicep, "scope: appInsights", "scope: storage", "Monitoring Metrics Publisher: must be assigned on a Microsoft.Insights/components"},
		{rbacBicep, "type: deployerPrincipalType", "type: 'User'", "id: deployerPrincipalId type: deployerPrincipalType"},
		{rbacBicep, "roleDefinitions', storageBlobDataOwner)", "roleDefinitions', storageQueueDataContributor)", "Storage Blob Data Owner: not assigned"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			files := bicepFiles(t)
			require.Contains(t, files[tt.file], tt.old)
			files[tt.file] = strings.Replace(files[tt.file], tt.old, tt.new, 1)
			problems := append(checkRules(files), checkRoles(files[rbacBicep])...)
			assert.Contains(t, strings.Join(problems, "\n"), tt.want)
		})
	}
}

func TestServiceTagCheckFails(t *testing.T) {
	api := read(t, apiBicep)
	main := read(t, mainBicep)
	tests := []struct {
		name, api, main, want string
	}{
		{"no tag", strings.Replace(api, "'azd-service-name'", "'service'", 1), main, "no azd-service-name tag"},
		{"no default", strings.Replace(api, "param serviceName string = 'api'", "param serviceName string", 1), main, "not a param with a literal default"},
		{"overridden", api, strings.Replace(main, "    name: appName\n", "    name: appName\n    serviceName: 'web'\n", 1), "overrides serviceName"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := serviceTagValue(tt.api, tt.main)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
