// Package x cites the documentation: docs/page.md#a-section resolves,
// docs/page.md#gone and docs/missing.md do not, nor README.md#nowhere,
// nor notes.md §5. Another repository's src/release_notes.md is not
// checked.
package x
