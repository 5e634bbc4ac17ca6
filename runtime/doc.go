// Package runtime is the persistent Go session behind a gotensor notebook: it
// evaluates cells in one long-lived yaegi interpreter, streams their output,
// turns their last expression into a rich result, reports their errors at
// the cell's own line and column, and answers completion and inspection.
package runtime
