// Package deploycheck holds the offline checks of the deployment: no Azure
// account and no Bicep compiler are needed, so they run in every `make test`.
// The package has no code of its own, only tests:
//
//   - azure.yaml validates against azd's JSON schema and says what the
//     deployment needs (custom language, function host, the packer's zip);
//   - infra/main.parameters.json and the Bicep parameters agree, every local
//     module exists, every registry module is pinned;
//   - the Bicep files keep the must-haves of a Flex Consumption custom handler
//     (runtime custom 1.0, FC1, identity-based storage with queues, the roles,
//     the app settings), and the azd-service-name tag names azure.yaml's
//     service;
//   - the package that azd deploys, in each hosting, holds a linux/amd64
//     handler with mode 0755 and host.json naming it; in the trigger hosting
//     every function folder, in the self hosting none, and a host.json with
//     the mcp-custom-handler profile and nothing that loads the MCP
//     extension;
//   - every .bicep file parses with the pinned tree-sitter Bicep grammar
//     (bicepsyntax.mjs, run with Node from the repository's node_modules);
//   - every go command of the tooling (the Makefile, azd's hooks, the VS
//     Code tasks, the dev container, CI) names a package folder the
//     repository has.
//
// Each check is also run on a broken input to prove it can fail.
//
// testdata/azure.yaml.schema.json is azd's schema, byte for byte:
// Azure/azure-dev schemas/v1.0/azure.yaml.json at commit ae35809.
//
// What these checks cannot tell, only a deployment can: that Azure accepts
// the templates (resource API versions, module parameters, region
// availability), that role assignments propagate before the host starts, and
// that the host runs the handler.
package deploycheck
