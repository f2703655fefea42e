// Package localrun runs the function app on a developer's machine, the one
// implementation behind `make start` and `go run ./mcpfunc/cmd/start`, on
// every OS:
//
//  1. refuse at once when the MCP port is taken;
//  2. install the pinned Node tools a local run uses, Azurite and the MCP
//     Inspector, when package-lock.json changed (npm ci; package nodetool):
//     the tools only the tests use wait for make test;
//  3. meanwhile, generate functions/ and host.json's server block from the
//     app's Go declarations (what make generate does), build the handler
//     for this machine and stage the app (package apppkg);
//  4. storage: reuse an Azurite already listening on the blob port (and
//     leave it running), refuse anything else there, or start Azurite
//     (package azurite) with its data in .azurite/;
//  5. the host: `func start` in the staged app when Azure Functions Core
//     Tools are on PATH, else devhost, the local stand-in; in the self
//     hosting (MCP_HOSTING=self) `func start` too, else the handler alone,
//     which is the MCP server itself (`handler -listen`);
//  6. print the MCP URL and a ready-to-paste MCP Inspector command once the
//     host answers;
//  7. on Ctrl+C, on SIGTERM to this process alone (an IDE stopping its
//     task), or when the host exits: stop what it started, host first,
//     then Azurite, and nothing else.
//
// Settings come from the environment (see [FromEnv]); the messages it
// prints start with "start: ".
package localrun
