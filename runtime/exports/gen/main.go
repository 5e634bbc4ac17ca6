// Command gen regenerates the symbol tables and docs of runtime/exports.
// Run it through go generate from the module root:
//
//	go generate ./runtime/exports
//
// Usage: gen -docs std1,std2 importpath...  (writes into the current directory)
package main

import (
	"flag"
	"log"
	"os"
	"strings"

	"gotensor/runtime/exports/internal/gen"
)

func main() {
	docs := flag.String("docs", "", "comma-separated extra packages (standard library) whose docs to include")
	flag.Parse()
	for _, path := range flag.Args() {
		name, src, err := gen.Symbols(path)
		if err != nil {
			log.Fatalf("gen: %v", err)
		}
		if err := os.WriteFile(name, src, 0o644); err != nil {
			log.Fatalf("gen: %v", err)
		}
	}
	var docPaths []string
	if *docs != "" {
		docPaths = strings.Split(*docs, ",")
	}
	src, err := gen.Docs(append(docPaths, flag.Args()...))
	if err != nil {
		log.Fatalf("gen: %v", err)
	}
	if err := os.WriteFile("docs_gen.go", src, 0o644); err != nil {
		log.Fatalf("gen: %v", err)
	}
}
