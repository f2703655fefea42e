package snippet_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// deletesnippet asks "Delete snippet <name>?" first where the client can
// be asked: in the self hosting, a client at protocol 2026-07-28 that
// declares elicitation. Its answer decides; decline and cancel delete
// nothing. Older clients, clients without elicitation and every client of
// the trigger hosting get the delete at once.
func TestDeleteConfirmation(t *testing.T) {
	for _, h := range serveBoth(t, nil) {
		t.Run(h.name, func(t *testing.T) {
			srv, p := h.srv, "confirm-"+h.name+"-"
			for _, c := range []struct {
				action, version string
				asked           bool
			}{
				{"decline", "", h.self},
				{"cancel", "", h.self},
				{"accept", "", h.self},
				{"decline", "2025-11-25", false},
			} {
				t.Run(c.action+" "+c.version, func(t *testing.T) {
					name := p + c.action + c.version
					requireText(t, call(t, srv.Session, "savesnippet", saveArgs(name, "x")), saved(name))
					var questions []string
					client := mcp.NewClient(&mcp.Implementation{Name: "confirm", Version: "1.0.0"}, &mcp.ClientOptions{
						ElicitationHandler: func(_ context.Context, req *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
							questions = append(questions, req.Params.Message)
							return &mcp.ElicitResult{Action: c.action}, nil
						},
					})
					var so *mcp.ClientSessionOptions
					if c.version != "" {
						so = &mcp.ClientSessionOptions{ProtocolVersion: c.version}
					}
					s, err := client.Connect(t.Context(), &mcp.StreamableClientTransport{Endpoint: srv.URL, HTTPClient: http.DefaultClient, MaxRetries: -1}, so)
					require.NoError(t, err)
					defer s.Close()

					res := call(t, s, "deletesnippet", map[string]any{"snippetname": name})
					_, kept := srv.Blob("snippets", name+".json")
					if !c.asked {
						assert.Empty(t, questions, "not asked")
						requireText(t, res, "Snippet '"+name+"' deleted.")
						assert.False(t, kept)
						return
					}
					assert.Equal(t, []string{"Delete snippet " + name + "?"}, questions)
					if c.action == "accept" {
						requireText(t, res, "Snippet '"+name+"' deleted.")
						assert.False(t, kept)
					} else {
						requireText(t, res, "Snippet '"+name+"' not deleted.")
						assert.True(t, kept, "nothing deleted")
					}
				})
			}
			t.Run("2026-07-28 without elicitation", func(t *testing.T) {
				name := p + "plain"
				requireText(t, call(t, srv.Session, "savesnippet", saveArgs(name, "x")), saved(name))
				requireText(t, call(t, srv.Session, "deletesnippet", map[string]any{"snippetname": name}), "Snippet '"+name+"' deleted.")
			})
		})
	}
}
