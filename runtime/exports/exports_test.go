package exports

import (
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"os"
	"path"
	"strings"
	"testing"

	"gotensor/runtime/exports/internal/gen"
)

// TestGeneratedUpToDate regenerates every table in memory and compares it
// with the committed file: a stale file means someone changed an API
// without running go generate ./runtime/exports.
func TestGeneratedUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks every exported package from source")
	}
	for _, p := range Packages {
		name, want, err := gen.Symbols(p)
		if err != nil {
			t.Fatalf("gen.Symbols(%q) error: %v", p, err)
		}
		got, err := os.ReadFile(name)
		if err != nil {
			t.Errorf("%s: %v (run go generate ./runtime/exports)", name, err)
			continue
		}
		if string(got) != string(want) {
			t.Errorf("%s is stale: regenerate with go generate ./runtime/exports", name)
		}
	}
	want, err := gen.Docs(append(append([]string(nil), DocStd...), Packages...))
	if err != nil {
		t.Fatalf("gen.Docs error: %v", err)
	}
	if got, err := os.ReadFile("docs_gen.go"); err != nil || string(got) != string(want) {
		t.Errorf("docs_gen.go is stale (%v): regenerate with go generate ./runtime/exports", err)
	}
}

// TestSymbolsComplete lists each package's exported API from its source and
// checks that cells can reach every name.
func TestSymbolsComplete(t *testing.T) {
	for _, p := range Packages {
		bp, err := build.Import(p, ".", 0)
		if err != nil {
			t.Fatalf("build.Import(%q) error: %v", p, err)
		}
		syms, ok := Symbols[p+"/"+bp.Name]
		if !ok {
			t.Errorf("Symbols[%q] missing: add %s to the go:generate line", p+"/"+bp.Name, p)
			continue
		}
		fset := token.NewFileSet()
		for _, file := range bp.GoFiles {
			f, err := parser.ParseFile(fset, path.Join(bp.Dir, file), nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatalf("parse %s: %v", file, err)
			}
			for _, name := range exportedNames(f) {
				if _, ok := syms[name.name]; !ok {
					if name.generic {
						t.Errorf("%s.%s is generic: yaegi cannot export it to cells (DESIGN: no generics in public signatures; export instantiations by hand)", p, name.name)
						continue
					}
					t.Errorf("%s.%s is missing from Symbols: run go generate ./runtime/exports", p, name.name)
				}
			}
		}
	}
}

type exported struct {
	name    string
	generic bool
}

func exportedNames(f *ast.File) []exported {
	var out []exported
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.IsExported() {
				out = append(out, exported{d.Name.Name, d.Type.TypeParams != nil})
			}
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					if sp.Name.IsExported() {
						out = append(out, exported{sp.Name.Name, sp.TypeParams != nil})
					}
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						if n.IsExported() {
							out = append(out, exported{n.Name, false})
						}
					}
				}
			}
		}
	}
	return out
}

// TestGenerateLine checks that the go:generate line names the same packages
// as Packages and DocStd.
func TestGenerateLine(t *testing.T) {
	src, err := os.ReadFile("generate.go")
	if err != nil {
		t.Fatal(err)
	}
	want := "//go:generate go run ./gen -docs " + strings.Join(DocStd, ",") + " " + strings.Join(Packages, " ")
	for _, line := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(line, "//go:generate") {
			if line != want {
				t.Errorf("generate.go line = %q, want %q", line, want)
			}
			return
		}
	}
	t.Errorf("generate.go has no go:generate line, want %q", want)
}
