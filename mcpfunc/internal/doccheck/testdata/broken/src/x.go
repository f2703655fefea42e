// Package x cites the documentation: docs/page.md#a-section resolves,
// docs/page.md#gone and docs/missing.md do not, nor README.md#nowhere.
package x
