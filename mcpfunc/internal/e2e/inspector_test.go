package e2e

import (
	"encoding/json"
	"net/url"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc/internal/testenv"
)

// Exit codes of the MCP Inspector 2.12.0 CLI seen here.
const (
	inspectorOK          = 0
	inspectorToolIsError = 5
	inspectorNoApp       = 2 // --app-info on a tool without an MCP App
)

// inspectorOutput is the CLI's --format json output: the result on stdout,
// or an error on stderr.
type inspectorOutput struct {
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

type toolsResult struct {
	Tools []struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		InputSchema struct {
			Type     string   `json:"type"`
			Required []string `json:"required"`
		} `json:"inputSchema"`
	} `json:"tools"`
}

type callResult struct {
	Content []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	} `json:"content"`
	IsError bool `json:"isError"`
}

// TestInspector drives each hosting in key mode with the pinned MCP
// Inspector CLI, the way docs/local.md#key-mode tells users to: the key in ?code= or
// in an x-functions-key header, on Streamable HTTP and (devhost) on SSE.
func TestInspector(t *testing.T) {
	az := testenv.SharedAzurite(t)
	forEachHosting(t, func(t *testing.T, h hostingCase) { inspector(t, h, az) })
}

func inspector(t *testing.T, h hostingCase, az *testenv.Azurite) {
	dh := h.start(t, serverOptions{Storage: az.ConnectionString(), Key: testKey}).Endpoints()
	sse := dh.SSEURL != ""
	code := "?code=" + url.QueryEscape(testKey)
	header := "x-functions-key: " + testKey
	// --stored-auth-only: on a 401 the CLI would otherwise try interactive
	// OAuth; here a missing key must simply fail.
	common := []string{"--format", "json", "--stored-auth-only"}

	run := func(t *testing.T, wantExit int, args ...string) inspectorOutput {
		t.Helper()
		r := testenv.Inspector(t, append(args, common...)...)
		require.Equal(t, wantExit, r.ExitCode, "stdout: %s\nstderr: %s", r.Stdout, r.Stderr)
		var out inspectorOutput
		stream := r.Stdout
		if wantExit != inspectorOK && len(r.Stdout) == 0 {
			stream = r.Stderr
		}
		require.NoError(t, json.Unmarshal(stream, &out), "output: %s", stream)
		return out
	}
	callText := func(t *testing.T, out inspectorOutput) callResult {
		t.Helper()
		var res callResult
		require.NoError(t, json.Unmarshal(out.Result, &res), "result: %s", out.Result)
		return res
	}

	listCases := []struct {
		name string
		args []string
	}{
		{"streamable ?code=", []string{dh.URL + code, "--transport", "http"}},
		{"streamable header", []string{dh.URL, "--transport", "http", "--header", header}},
		{"streamable ?code= transport detected", []string{dh.URL + code}},
	}
	if sse {
		listCases = append(listCases, []struct {
			name string
			args []string
		}{
			{"sse ?code=", []string{dh.SSEURL + code, "--transport", "sse"}},
			{"sse header", []string{dh.SSEURL, "--transport", "sse", "--header", header}},
		}...)
	}
	for _, tt := range listCases {
		t.Run("tools/list "+tt.name, func(t *testing.T) {
			out := run(t, inspectorOK, append(tt.args, "--method", "tools/list")...)
			var res toolsResult
			require.NoError(t, json.Unmarshal(out.Result, &res))
			var names []string
			required := map[string][]string{}
			for _, tool := range res.Tools {
				names = append(names, tool.Name)
				required[tool.Name] = tool.InputSchema.Required
			}
			slices.Sort(names)
			want := keys(fixtureTools(t))
			slices.Sort(want)
			assert.Equal(t, want, names, "every tool the app declares")
			assert.Equal(t, []string{"key", "value"}, required["put"])
			assert.Equal(t, []string{"key"}, required["get"])
		})
	}

	t.Run("tools/call hello", func(t *testing.T) {
		res := callText(t, run(t, inspectorOK, dh.URL, "--transport", "http", "--header", header,
			"--method", "tools/call", "--tool-name", "hello"))
		require.Len(t, res.Content, 1)
		assert.Equal(t, helloText, res.Content[0].Text)
		assert.False(t, res.IsError)
	})

	t.Run("tools/call put then get", func(t *testing.T) {
		key, value := "inspector-"+h.name, `print("hi from the inspector")`
		res := callText(t, run(t, inspectorOK, dh.URL+code, "--transport", "http",
			"--method", "tools/call", "--tool-name", "put",
			"--tool-arg", "key="+key, "value="+value))
		require.Len(t, res.Content, 1)
		assert.Equal(t, putText(key), res.Content[0].Text)

		blob, ok := az.Blob(t, container, blobName(key))
		require.True(t, ok)
		assert.Equal(t, value, string(blob))

		readBack := []string{dh.URL, "--transport", "http"}
		if sse {
			readBack = []string{dh.SSEURL, "--transport", "sse"}
		}
		res = callText(t, run(t, inspectorOK, append(readBack, "--header", header,
			"--method", "tools/call", "--tool-name", "get", "--tool-arg", "key="+key)...))
		require.Len(t, res.Content, 1)
		assert.Equal(t, value, res.Content[0].Text)
	})

	// The CLI's MCP App probe (--app-info, which does not call the tool)
	// finds the fixture's view from keys' _meta and reads its mime type;
	// a tool without a view exits 2, as its help says.
	t.Run("app-info", func(t *testing.T) {
		probe := func(tool string) testenv.InspectorRun {
			return testenv.Inspector(t, append([]string{dh.URL + code, "--transport", "http",
				"--method", "tools/call", "--tool-name", tool, "--app-info"}, common...)...)
		}
		r := probe("keys")
		require.Equal(t, inspectorOK, r.ExitCode, "stdout: %s\nstderr: %s", r.Stdout, r.Stderr)
		assert.JSONEq(t, `{"appInfo":{"hasApp":true,"toolName":"keys","resourceUri":"ui://items/view","resourceMimeType":"text/html;profile=mcp-app"}}`, string(r.Stdout))
		r = probe("hello")
		assert.Equal(t, inspectorNoApp, r.ExitCode, "stdout: %s\nstderr: %s", r.Stdout, r.Stderr)
	})

	t.Run("tools/call get missing", func(t *testing.T) {
		r := testenv.Inspector(t, append([]string{dh.URL + code, "--transport", "http",
			"--method", "tools/call", "--tool-name", "get", "--tool-arg", "key=inspector-missing"}, common...)...)
		assert.Equal(t, inspectorToolIsError, r.ExitCode, "an isError result exits %d; stdout: %s stderr: %s", inspectorToolIsError, r.Stdout, r.Stderr)
		assert.Contains(t, string(r.Stdout)+string(r.Stderr), notFound("inspector-missing"))
	})

	rejected := []struct {
		name string
		args []string
	}{
		{"wrong header", []string{dh.URL, "--transport", "http", "--header", "x-functions-key: " + wrongKey}},
		{"wrong code", []string{dh.URL + "?code=" + url.QueryEscape(wrongKey), "--transport", "http"}},
		{"no key", []string{dh.URL, "--transport", "http"}},
	}
	if sse {
		rejected = append(rejected, struct {
			name string
			args []string
		}{"sse no key", []string{dh.SSEURL, "--transport", "sse"}})
	}
	for _, tt := range rejected {
		t.Run("rejected "+tt.name, func(t *testing.T) {
			r := testenv.Inspector(t, append(append(tt.args, "--method", "tools/list"), common...)...)
			assert.NotEqual(t, inspectorOK, r.ExitCode, "stdout: %s", r.Stdout)
			assert.NotContains(t, string(r.Stdout), `"put"`, "no tools without the key")
		})
	}
}
