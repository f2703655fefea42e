package funcapp_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/funcapp"
)

const goodHost = `{"version":"2.0","extensionBundle":{"id":"Microsoft.Azure.Functions.ExtensionBundle","version":"[4.29.0, 5.0.0)"},
"customHandler":{"description":{"defaultExecutablePath":"handler"}}}`

const goodSettings = `{"IsEncrypted":false,"Values":{"FUNCTIONS_WORKER_RUNTIME":"Custom"}}`

const goodFunction = `{"bindings":[
 {"type":"mcpToolTrigger","direction":"in","name":"context","toolName":"get","description":"Get.",
  "toolProperties":"[{\"propertyName\":\"id\",\"propertyType\":\"string\",\"description\":\"The id.\",\"isRequired\":true}]"},
 {"type":"blob","direction":"in","name":"file","path":"c/{mcptoolargs.id}-{sys.RandGuid}.json","connection":"AzureWebJobsStorage"}]}`

// writeApp writes a staged app with one function and returns its folder.
func writeApp(t *testing.T, host, settings, function string) string {
	t.Helper()
	dir := t.TempDir()
	write := func(path, data string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(data), 0o644))
	}
	write(filepath.Join(dir, "host.json"), host)
	if settings != "" {
		write(filepath.Join(dir, "local.settings.json"), settings)
	}
	write(filepath.Join(dir, "get", "function.json"), function)
	return dir
}

func TestLoadGood(t *testing.T) {
	app, err := funcapp.Load(writeApp(t, goodHost, goodSettings, goodFunction))
	require.NoError(t, err)
	require.Len(t, app.Functions, 1)
	f := app.Function("get")
	require.NotNil(t, f)
	tr := f.ToolTrigger()
	assert.Equal(t, "get", tr.ToolName)
	assert.Equal(t, []string{"id"}, tr.Required())
	assert.Len(t, f.Blobs(funcapp.In), 1)
	assert.Equal(t, "handler", app.Host.Executable())
	assert.Equal(t, "Custom", app.Settings.Values["FUNCTIONS_WORKER_RUNTIME"])
}

// The Host section is func start's own: CORS as one comma-separated string
// and CORSCredentials as a bool, as Core Tools' HostStartSettings reads them.
func TestLoadHostSettings(t *testing.T) {
	settings := `{"IsEncrypted":false,"Values":{"FUNCTIONS_WORKER_RUNTIME":"Custom"},
"Host":{"LocalHttpPort":7072,"CORS":"http://localhost:5173,https://app.example","CORSCredentials":true}}`
	app, err := funcapp.Load(writeApp(t, goodHost, settings, goodFunction))
	require.NoError(t, err)
	require.NotNil(t, app.Settings.Host)
	assert.Equal(t, funcapp.HostSettings{CORS: "http://localhost:5173,https://app.example", CORSCredentials: true}, *app.Settings.Host)

	app, err = funcapp.Load(writeApp(t, goodHost, goodSettings, goodFunction))
	require.NoError(t, err)
	assert.Nil(t, app.Settings.Host, "no Host section: nothing set")

	_, err = funcapp.Load(writeApp(t, goodHost, `{"Values":{"FUNCTIONS_WORKER_RUNTIME":"Custom"},"Host":{"CORS":["http://a"]}}`, goodFunction))
	require.Error(t, err, "CORS is a string, not a list")
	assert.Contains(t, err.Error(), "local.settings.json")
}

func TestLoadWithoutSettings(t *testing.T) {
	app, err := funcapp.Load(writeApp(t, goodHost, "", goodFunction))
	require.NoError(t, err, "a deployment has no local.settings.json")
	assert.Nil(t, app.Settings)
}

// trigger returns goodFunction with the trigger's fields changed.
func trigger(t *testing.T, change func(tr map[string]any, bindings *[]any)) string {
	t.Helper()
	var f map[string][]any
	require.NoError(t, json.Unmarshal([]byte(goodFunction), &f))
	bindings := f["bindings"]
	change(bindings[0].(map[string]any), &bindings)
	f["bindings"] = bindings
	b, err := json.Marshal(f)
	require.NoError(t, err)
	return string(b)
}

func TestLoadProblems(t *testing.T) {
	blob := func(change func(b map[string]any)) func(map[string]any, *[]any) {
		return func(_ map[string]any, bs *[]any) { change((*bs)[1].(map[string]any)) }
	}
	tests := []struct {
		name     string
		host     string
		settings string
		function string
		want     string // a problem's text, with file and field
	}{
		{name: "host version", host: strings.Replace(goodHost, `"2.0"`, `"1.0"`, 1), want: `host.json: version: must be "2.0"`},
		{name: "no custom handler", host: `{"version":"2.0","extensionBundle":{"id":"Microsoft.Azure.Functions.ExtensionBundle","version":"[4.29.0, 5.0.0)"}}`, want: "host.json: customHandler: missing"},
		{name: "no executable", host: strings.Replace(goodHost, `"handler"`, `""`, 1), want: "customHandler.description.defaultExecutablePath: missing"},
		{name: "no bundle", host: `{"version":"2.0","customHandler":{"description":{"defaultExecutablePath":"handler"}}}`, want: "extensionBundle: missing"},
		{name: "forwarding on", host: strings.Replace(goodHost, `"handler"}`, `"handler"},"enableForwardingHttpRequest":true`, 1), want: "enableForwardingHttpRequest: must be false"},
		{name: "host not JSON", host: `{`, want: "host.json: not valid JSON"},
		{name: "worker runtime", settings: `{"Values":{"FUNCTIONS_WORKER_RUNTIME":"python"}}`, want: `local.settings.json: Values.FUNCTIONS_WORKER_RUNTIME: must be "Custom"`},
		{name: "no toolName", function: trigger(t, func(tr map[string]any, _ *[]any) { delete(tr, "toolName") }), want: "bindings[0].toolName: missing"},
		{name: "no description", function: trigger(t, func(tr map[string]any, _ *[]any) { delete(tr, "description") }), want: "bindings[0].description: missing"},
		{name: "toolProperties as raw JSON", function: trigger(t, func(tr map[string]any, _ *[]any) { tr["toolProperties"] = []any{} }), want: "toolProperties: must be a JSON string"},
		{name: "toolProperties not an array", function: trigger(t, func(tr map[string]any, _ *[]any) { tr["toolProperties"] = `{"a":1}` }), want: "toolProperties: not a JSON array of properties"},
		{name: "property without name", function: trigger(t, func(tr map[string]any, _ *[]any) {
			tr["toolProperties"] = `[{"propertyType":"string","description":"d"}]`
		}), want: "toolProperties[0].propertyName: missing"},
		{name: "property type", function: trigger(t, func(tr map[string]any, _ *[]any) {
			tr["toolProperties"] = `[{"propertyName":"id","propertyType":"text","description":"d","isRequired":true}]`
		}), want: `toolProperties[0].propertyType: "text"`},
		{name: "property twice", function: trigger(t, func(tr map[string]any, _ *[]any) {
			tr["toolProperties"] = `[{"propertyName":"id","propertyType":"string","description":"d","isRequired":true},{"propertyName":"id","propertyType":"string","description":"d"}]`
		}), want: `"id" declared twice`},
		{name: "metadata not a string", function: trigger(t, func(tr map[string]any, _ *[]any) { tr["metadata"] = map[string]any{} }), want: "bindings[0].metadata: must be a JSON string"},
		{name: "bad binding name", function: trigger(t, func(tr map[string]any, _ *[]any) { tr["name"] = "my-context" }), want: `bindings[0].name: "my-context" must match`},
		{name: "$return binding", function: trigger(t, func(_ map[string]any, bs *[]any) {
			*bs = append(*bs, map[string]any{"type": "blob", "direction": "out", "name": "$return", "path": "c/x", "connection": "AzureWebJobsStorage"})
		}), want: "bindings[2].name: no $return binding"},
		{name: "two triggers", function: trigger(t, func(tr map[string]any, bs *[]any) { *bs = append(*bs, tr) }), want: "want exactly one trigger, found 2"},
		{name: "undeclared path argument", function: trigger(t, blob(func(b map[string]any) { b["path"] = "c/{mcptoolargs.other}.json" })), want: "bindings[1].path: {mcptoolargs.other} names no declared tool property"},
		{name: "optional path argument", function: trigger(t, func(tr map[string]any, _ *[]any) {
			tr["toolProperties"] = `[{"propertyName":"id","propertyType":"string","description":"d"}]`
		}), want: `property "id" must be isRequired`},
		{name: "unknown sys field", function: trigger(t, blob(func(b map[string]any) { b["path"] = "c/{sys.Nope}" })), want: "{sys.Nope}: sys has MethodName"},
		{name: "unsupported expression", function: trigger(t, blob(func(b map[string]any) { b["path"] = "c/{rand-guid}" })), want: "only {mcptoolargs.<property>} and {sys.<field>}"},
		{name: "inputSchema without useWorkerInputSchema", function: trigger(t, func(tr map[string]any, _ *[]any) {
			tr["inputSchema"] = `{"type":"object"}`
		}), want: "inputSchema: ignored by the host unless useWorkerInputSchema is true"},
		{name: "useWorkerInputSchema without a schema", function: trigger(t, func(tr map[string]any, _ *[]any) {
			tr["useWorkerInputSchema"] = true
		}), want: "inputSchema: missing: useWorkerInputSchema needs it"},
		{name: "inputSchema not an object schema", function: trigger(t, func(tr map[string]any, _ *[]any) {
			tr["useWorkerInputSchema"], tr["inputSchema"] = true, `{"type":"array"}`
			delete(tr, "toolProperties")
		}), want: `inputSchema: the host wants an object schema`},
		{name: "inputSchema as raw JSON", function: trigger(t, func(tr map[string]any, _ *[]any) {
			tr["useWorkerInputSchema"], tr["inputSchema"] = true, map[string]any{"type": "object"}
			delete(tr, "toolProperties")
		}), want: "inputSchema: must be a JSON string holding a JSON schema"},
		{name: "path argument missing from inputSchema", function: trigger(t, func(tr map[string]any, _ *[]any) {
			tr["useWorkerInputSchema"], tr["inputSchema"] = true, `{"type":"object","properties":{"other":{"type":"string"}},"required":["other"]}`
			delete(tr, "toolProperties")
		}), want: "{mcptoolargs.id} names no declared tool property"},
		{name: "path argument optional in inputSchema", function: trigger(t, func(tr map[string]any, _ *[]any) {
			tr["useWorkerInputSchema"], tr["inputSchema"] = true, `{"type":"object","properties":{"id":{"type":"string"}}}`
			delete(tr, "toolProperties")
		}), want: `{mcptoolargs.id}: property "id" must be isRequired`},
		{name: "outputSchema without useResultSchema", function: trigger(t, func(tr map[string]any, _ *[]any) {
			tr["outputSchema"] = `{"type":"object"}`
		}), want: "outputSchema: a tool with an output schema must return structured content: it needs useResultSchema"},
		{name: "useResultSchema on a bundle without call_tool_result", function: trigger(t, func(tr map[string]any, _ *[]any) {
			tr["useResultSchema"] = true
		}), want: "host.json: extensionBundle.version: [4.29.0, 5.0.0) lets the host use bundle 4.29.0, but get uses useResultSchema with call_tool_result, which needs MCP extension 1.3.0, first known in bundle 4.35.0"},
		{name: "unclosed brace", function: trigger(t, blob(func(b map[string]any) { b["path"] = "c/{mcptoolargs.id.json" })), want: "bindings[1].path: binding path \"c/{mcptoolargs.id.json\": unclosed {"},
		{name: "bad functionTimeout", host: strings.Replace(goodHost, `"version":"2.0"`, `"version":"2.0","functionTimeout":"5m"`, 1), want: "functionTimeout: \"5m\" is not a TimeSpan"},
		{name: "blob without connection", function: trigger(t, blob(func(b map[string]any) { delete(b, "connection") })), want: "bindings[1].connection: missing"},
		{name: "trigger dataType binary", function: trigger(t, func(tr map[string]any, _ *[]any) { tr["dataType"] = "binary" }), want: `bindings[0].dataType: "binary"`},
		{name: "function not JSON", function: `{"bindings":`, want: "get/function.json: not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host, settings, function := goodHost, goodSettings, goodFunction
			if tt.host != "" {
				host = tt.host
			}
			if tt.settings != "" {
				settings = tt.settings
			}
			if tt.function != "" {
				function = tt.function
			}
			_, err := funcapp.Load(writeApp(t, host, settings, function))
			var appErr *funcapp.Error
			require.ErrorAs(t, err, &appErr)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	fn := trigger(t, func(tr map[string]any, _ *[]any) {
		delete(tr, "toolName")
		delete(tr, "description")
	})
	_, err := funcapp.Load(writeApp(t, strings.Replace(goodHost, `"2.0"`, `"3"`, 1), goodSettings, fn))
	var appErr *funcapp.Error
	require.ErrorAs(t, err, &appErr)
	assert.Len(t, appErr.Problems, 3)
}

func TestDuplicateToolNames(t *testing.T) {
	dir := writeApp(t, goodHost, goodSettings, goodFunction)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "get2"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "get2", "function.json"), []byte(goodFunction), 0o644))
	_, err := funcapp.Load(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `tool "get" is also declared by function "get"`)
}

func TestFunctionTimeout(t *testing.T) {
	tests := []struct {
		text string
		want time.Duration
		err  bool
	}{
		{"", funcapp.DefaultFunctionTimeout, false},
		{"00:05:00", 5 * time.Minute, false},
		{"00:00:01", time.Second, false},
		{"01:30", 90 * time.Minute, false},
		{"1.02:00:00", 26 * time.Hour, false},
		{"00:00:02.5", 2500 * time.Millisecond, false},
		{"-1", 0, false},
		{"2", 48 * time.Hour, false},
		{"00:00:00.5", 0, true},
		{"5 minutes", 0, true},
		{"00:61:00", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, err := (&funcapp.Host{FunctionTimeoutText: tt.text}).FunctionTimeout()
			if tt.err {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestResourceAndPromptFunctions(t *testing.T) {
	host := strings.Replace(goodHost, "4.29.0", "4.35.0", 1)
	resource := `{"bindings":[
 {"type":"mcpResourceTrigger","direction":"in","name":"context","uri":"item://{name}","resourceName":"value","description":"D.","mimeType":"text/plain"},
 {"type":"blob","direction":"in","name":"file","path":"items/{name}.json","connection":"AzureWebJobsStorage"}]}`
	prompt := `{"bindings":[
 {"type":"mcpPromptTrigger","direction":"in","name":"context","promptName":"review","description":"D.",
  "promptArguments":"[{\"name\":\"key\",\"description\":\"N.\",\"required\":true},{\"name\":\"focus\",\"description\":\"F.\"}]"},
 {"type":"blob","direction":"in","name":"file","path":"items/{mcppromptargs.key}.json","connection":"AzureWebJobsStorage"}]}`
	app, err := funcapp.Load(writeApp(t, host, goodSettings, resource))
	require.NoError(t, err)
	r := app.Function("get").ResourceTrigger()
	require.NotNil(t, r)
	assert.Equal(t, []string{"name"}, r.TemplateParams())
	app, err = funcapp.Load(writeApp(t, host, goodSettings, prompt))
	require.NoError(t, err)
	assert.Equal(t, []string{"key"}, app.Function("get").PromptTrigger().RequiredArguments())

	tests := []struct{ name, host, function, want string }{
		{"path names no template parameter", host, strings.Replace(resource, "items/{name}", "items/{other}", 1), "{other} is not a parameter of item://{name}"},
		{"resource without resourceName", host, strings.Replace(resource, `"resourceName":"value",`, "", 1), "resourceName: missing"},
		{"template on a bundle without templates", goodHost, resource, "uses a resource template, which needs MCP extension 1.4.0, first known in bundle 4.35.0"},
		{"prompt path with an optional argument", host, strings.Replace(prompt, "mcppromptargs.key", "mcppromptargs.focus", 1), `{mcppromptargs.focus}: argument "focus" must be required`},
		{"prompt path with an undeclared argument", host, strings.Replace(prompt, "mcppromptargs.key", "mcppromptargs.x", 1), "{mcppromptargs.x} names no declared prompt argument"},
		{"prompt arguments as raw JSON", host, strings.Replace(prompt, `"promptArguments":"[{\"name\":\"key\",\"description\":\"N.\",\"required\":true},{\"name\":\"focus\",\"description\":\"F.\"}]"`, `"promptArguments":[]`, 1), "promptArguments: must be a JSON string"},
		{"prompts on a bundle without them", goodHost, prompt, "uses mcpPromptTrigger, which needs MCP extension 1.4.0, first known in bundle 4.35.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := funcapp.Load(writeApp(t, tt.host, goodSettings, tt.function))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestDuplicateNames(t *testing.T) {
	dir := writeApp(t, goodHost, goodSettings, goodFunction)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "get2"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "get2", "function.json"), []byte(strings.Replace(goodFunction, `"toolName":"get"`, `"toolName":"GET"`, 1)), 0o644))
	_, err := funcapp.Load(dir)
	require.ErrorContains(t, err, `tool "GET" is also declared by function "get"`, "names match case-insensitively, as the extension looks them up")
}
