package decl

// Annotations are a tool's behaviour hints (MCP tool annotations,
// specification 2025-06-18 and later, schema ToolAnnotations). Clients
// use them to decide what to run without asking: a read-only tool, say.
// When set, all four are listed as they are, false included: the
// specification's defaults are false for readOnlyHint and idempotentHint
// but true for destructiveHint and openWorldHint, so an unlisted hint
// would say more than the tool does.
type Annotations struct {
	// ReadOnly: the tool changes nothing in its environment.
	ReadOnly bool
	// Destructive: it may delete or overwrite (meaningful when not
	// read-only).
	Destructive bool
	// Idempotent: calling it again with the same arguments changes
	// nothing more (meaningful when not read-only).
	Idempotent bool
	// OpenWorld: it reaches entities outside the app's own (the web,
	// other accounts); false for a closed domain such as its storage.
	OpenWorld bool
}
