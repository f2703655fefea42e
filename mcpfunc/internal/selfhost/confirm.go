package selfhost

import (
	"encoding/json"
	"errors"
	"log/slog"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"remote-mcp-functions-go/mcpfunc/internal/reqstate"
)

// Confirmations (decl.Call.Confirm): the self hosting asks the client
// with a multi round-trip request (protocol 2026-07-28, SEP-2322; the
// specification's page basic/patterns/mrtr), the only way a stateless
// server can ask anything:
//
//  1. The function calls Confirm; the call has no answer yet, so Confirm
//     returns errAsking and the function returns. The server answers with
//     an input_required result: one elicitation/create (a form with the
//     question and no fields, so the client shows accept, decline and
//     cancel) and a requestState sealed by package reqstate (the tool, a
//     hash of the arguments and of the question, an expiry). No output is
//     written.
//  2. The client asks its user and calls again: the same tool and
//     arguments, the answer in inputResponses and the state as it came.
//     The server opens the state before anything runs; a state that does
//     not open, or opens for another tool, other arguments or too late, is
//     refused with -32602 Invalid params (errors.go), and nothing runs.
//     With a valid state the function runs again from the start, and
//     Confirm returns the answer: accept is true, decline and cancel
//     false. A valid state without an answer to this very question asks
//     again.
//
// Only a client that can take an input_required result is asked: protocol
// 2026-07-28 or later (earlier clients get server-initiated requests from
// go-sdk, which a stateless server cannot carry: mcp/mrtr.go
// serverMultiRoundTripMiddleware) and elicitation in the capabilities its
// request declares (go-sdk reads them from the request's _meta:
// mcp/shared.go ClientCapabilities). For every other client Confirm is
// true at once, as in the trigger hosting.

// confirmID is the key of the question in inputRequests and of its answer
// in inputResponses.
const confirmID = "confirm"

// confirmSchema is the form asked for: no fields, only the answer.
var confirmSchema = json.RawMessage(`{"type":"object","properties":{}}`)

// errAsking is what Confirm returns while the client is being asked; the
// function returns it, and the call ends in an input_required result.
var errAsking = errors.New("the client is being asked to confirm; return this error as it is")

// errAskedTwice fails a function that asks two questions in one call: the
// state holds one answer.
var errAskedTwice = errors.New("call.Confirm was called twice in one call; a call asks one question")

// confirmation is one call's question, if its function asks one.
type confirmation struct {
	// req is the call's request; nil once it is known that its client
	// cannot be asked.
	req  *mcp.CallToolRequest
	tool string
	args []byte
	log  callLog
	// answer is the client's answer, when the call came back with a valid
	// state; claims what that state says.
	answer *mcp.ElicitResult
	claims reqstate.Claims
	// question is the question asked, once Confirm is called; asking is
	// true when it must go to the client.
	question string
	called   bool
	asking   bool
}

// canAsk reports whether the client of req takes an input_required
// result with a form elicitation.
func canAsk(req *mcp.CallToolRequest) bool {
	caps := req.ClientCapabilities()
	return req.ProtocolVersion() >= "2026-07-28" && caps != nil && caps.Elicitation != nil &&
		// An empty elicitation capability means form (2025-11-25 on).
		(caps.Elicitation.Form != nil || caps.Elicitation.URL == nil)
}

// confirmation checks the request state of a call of tool with args, if
// it has one, and returns the call's confirmation. A state that does not
// check is the error, -32602.
func (s *Server) confirmation(req *mcp.CallToolRequest, tool string, args []byte, log callLog) (*confirmation, error) {
	c := &confirmation{req: req, tool: tool, args: args, log: log}
	if state := req.Params.RequestState; state != "" {
		claims, err := s.states.Open(state, tool, args)
		if err != nil {
			return nil, stateRefused(log, err)
		}
		c.claims = claims
		c.answer, _ = req.Params.InputResponses[confirmID].(*mcp.ElicitResult)
	}
	return c, nil
}

// ask is decl.Call.Ask: true at once when the client cannot be asked
// (read only now: most calls never ask); else the answer when the client
// gave one to this very question, or errAsking.
func (c *confirmation) ask(question string) (bool, error) {
	if c.req != nil && !canAsk(c.req) {
		c.req = nil // as in the trigger hosting, however often it is called
	}
	if c.req == nil {
		return true, nil
	}
	if c.called {
		return false, errAskedTwice
	}
	c.called = true
	if strings.TrimSpace(question) == "" {
		question = "Go ahead with " + c.tool + "?" // the client needs something to show
	}
	c.question = question
	if c.answer != nil && reqstate.QuestionHash(question) == c.claims.Question {
		c.log.at(slog.LevelInfo, "the client answered the confirmation", "action", c.answer.Action)
		return c.answer.Action == "accept", nil
	}
	c.asking = true
	return false, errAsking
}

// inputRequired is the result that asks the client the question, with
// the state its retry must carry.
func (s *Server) inputRequired(c *confirmation) (*mcp.CallToolResult, error) {
	state, err := s.states.Seal(c.tool, c.args, c.question)
	if err != nil {
		return nil, err
	}
	c.log.at(slog.LevelInfo, "asked the client to confirm")
	return &mcp.CallToolResult{
		InputRequests: mcp.InputRequestMap{confirmID: &mcp.ElicitParams{Message: c.question, RequestedSchema: confirmSchema}},
		RequestState:  state,
	}, nil
}
