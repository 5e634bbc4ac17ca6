// Package exports holds the symbol tables that let interpreted cells call the
// compiled gotensor packages (and gonum's mat) at full speed, plus the
// signatures and doc comments that inspection shows.
//
// Every other .go file here is generated; regenerate them all with one
// command from the module root:
//
//	go generate ./runtime/exports
//
// which runs ./gen: yaegi's extractor for each package in Packages (its
// go1.NN build constraint removed, so any toolchain produces the same bytes)
// and go/doc for Packages and DocStd. TestSymbolsComplete fails when an
// exported name is missing from a table, TestGeneratedUpToDate when a
// regenerated file would differ from the committed one.
package exports

import "reflect"

// Symbols maps "import/path/name" to the package's exported symbols, in the
// form interp.Interpreter.Use expects.
var Symbols = map[string]map[string]reflect.Value{}
