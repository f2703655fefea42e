// Package guard protects an MCP endpoint that listens on the developer's
// own machine: a key, when one is set ([Key]), and the refusal of
// cross-site and DNS-rebinding requests ([Site]). devhost, the local
// stand-in for the Functions host, puts both in front of the MCP
// extension's paths; the handler in self-hosted mode puts them in front
// of /mcp when it serves clients itself, without a Functions host.
//
// On Azure neither runs in the handler: the Functions host checks keys
// (or built-in authentication checks tokens) and applies the app's CORS
// settings before a request reaches it.
//
// Both checks return a reason instead of answering, so that each server
// answers and logs its refusals in one place of its own. A reason says
// what was wrong and where the key goes, never what was sent.
package guard
