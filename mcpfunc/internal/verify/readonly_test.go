package verify_test

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"remote-mcp-functions-go/mcpfunc"
	"remote-mcp-functions-go/mcpfunc/internal/apphook"
	"remote-mcp-functions-go/mcpfunc/internal/selfhost"
	"remote-mcp-functions-go/mcpfunc/internal/verify"
)

// GreetInput is the prompt's optional argument.
type GreetInput struct {
	Who string `json:"who,omitempty" jsonschema:"Whom to greet."`
}

// A resource without URI parameters and a prompt without required
// arguments are read once when no probe does, against the self hosting's
// own server; one that fails, fails.
func TestReadOnlyFunctionsAreRead(t *testing.T) {
	for _, broken := range []bool{false, true} {
		app := &mcpfunc.App{
			Name: "readonly",
			Resources: []*mcpfunc.Resource{{
				Name: "readme", URI: "info://readme", ResourceName: "readme", Description: "The readme.", MimeType: "text/plain",
				Read: func(context.Context, *mcpfunc.Call, mcpfunc.ResourceRead) (string, error) {
					if broken {
						return "", errors.New("broken")
					}
					return "Read me.", nil
				},
			}},
			Prompts: []*mcpfunc.Prompt{{
				Name: "greet", Description: "Greet someone.",
				Handler: mcpfunc.TypedPrompt(func(_ context.Context, _ *mcpfunc.Call, in GreetInput) (string, error) {
					return "Greet " + in.Who, nil
				}),
			}},
		}
		a, err := apphook.Of(app)
		require.NoError(t, err)
		s, err := selfhost.New(a.Functions, selfhost.Options{Server: a.Server})
		require.NoError(t, err)
		srv := httptest.NewUnstartedServer(s)
		srv.Config.ReadHeaderTimeout = 10 * time.Second
		srv.Start()
		t.Cleanup(srv.Close)

		var out bytes.Buffer
		err = verify.Run(t.Context(), verify.Options{URL: srv.URL + selfhost.Path, Functions: a.Functions, Server: a.Server, Probes: a.Probes, Out: &out})
		assert.Regexp(t, `streamable: prompt greet +pass +got greet \(read-only, no probe\)`, out.String())
		assert.Contains(t, out.String(), "resources/list")
		if broken {
			require.ErrorIs(t, err, verify.ErrFailed)
			assert.Regexp(t, `streamable: resource readme +FAIL +resources/read info://readme: `, out.String())
			continue
		}
		require.NoError(t, err, out.String())
		assert.Regexp(t, `streamable: resource readme +pass +read info://readme \(read-only, no probe\)`, out.String())
	}
}
