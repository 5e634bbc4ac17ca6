package runtime

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"
)

// segKind says how a run of a cell's top-level items is compiled.
type segKind int

const (
	segImport  segKind = iota // import declarations
	segDecl                   // func, method, type, var, const declarations
	segStmt                   // statements (and expressions)
	segPackage                // a package clause: a pasted program
)

// segment is a run of consecutive top-level items of one kind, as byte
// offsets into the cell, with the cell position (1-based) of its start.
type segment struct {
	kind       segKind
	start, end int
	line, col  int
}

// cellFile is the pseudo file name compile errors carry; positions in it are
// the cell's own lines and columns thanks to /*line*/ directives.
const cellFile = "cell"

// splitCell cuts a cell into segments at top-level item boundaries. Go's
// parser cannot parse declarations and statements mixed, so the cell is
// tokenized first (go/scanner, with automatic semicolons) and each item is
// classified by its first tokens.
func splitCell(src string) ([]segment, error) {
	fset := token.NewFileSet()
	file := fset.AddFile(cellFile, -1, len(src))
	var s scanner.Scanner
	var scanErr scanner.ErrorList
	s.Init(file, []byte(src), func(pos token.Position, msg string) { scanErr.Add(pos, msg) }, 0)

	type tok struct {
		pos token.Pos
		tok token.Token
	}
	var toks []tok
	for {
		pos, t, _ := s.Scan()
		if t == token.EOF {
			break
		}
		toks = append(toks, tok{pos, t})
	}
	if len(scanErr) > 0 {
		scanErr.Sort()
		return nil, scanErr
	}

	var segs []segment
	depth := 0
	itemStart := -1
	addItem := func(first, last int) {
		kind := classify(toks[first:last+1], func(i int) token.Token { return toks[first+i].tok })
		startOff := file.Offset(toks[first].pos)
		endOff := len(src)
		if last+1 < len(toks) {
			endOff = file.Offset(toks[last].pos) + 1 // the ';' ends the item
			if toks[last].tok != token.SEMICOLON {
				endOff = file.Offset(toks[last+1].pos)
			}
		}
		if n := len(segs); n > 0 && segs[n-1].kind == kind && kind != segImport && kind != segPackage {
			segs[n-1].end = endOff
			return
		}
		p := fset.Position(toks[first].pos)
		segs = append(segs, segment{kind: kind, start: startOff, end: endOff, line: p.Line, col: p.Column})
	}
	for i, t := range toks {
		switch t.tok {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			depth--
		}
		if itemStart < 0 {
			if t.tok == token.SEMICOLON {
				continue
			}
			itemStart = i
		}
		if depth <= 0 && t.tok == token.SEMICOLON {
			addItem(itemStart, i)
			itemStart = -1
			depth = 0
		}
	}
	if itemStart >= 0 {
		addItem(itemStart, len(toks)-1)
	}
	attachDocComments(src, segs)
	// Segments end where the next begins, so comments between items stay
	// attached and the last segment runs to the end of the cell.
	for i := range segs {
		if i+1 < len(segs) {
			segs[i].end = segs[i+1].start
		} else {
			segs[i].end = len(src)
		}
	}
	return segs, nil
}

// attachDocComments moves the start of each declaration segment up over the
// comment lines right above it, its doc comment, which would otherwise end
// the previous segment.
func attachDocComments(src string, segs []segment) {
	for i := range segs {
		if segs[i].kind != segDecl || segs[i].col != 1 {
			continue
		}
		floor := 0 // the text before may belong to the previous segment
		if i > 0 {
			floor = segs[i-1].start + 1
		}
		start, line := segs[i].start, segs[i].line
		for start > floor {
			prevEnd := start - 1 // the newline ending the line above
			prevStart := strings.LastIndexByte(src[:prevEnd], '\n') + 1
			if prevStart < floor || !strings.HasPrefix(strings.TrimSpace(src[prevStart:prevEnd]), "//") {
				break
			}
			start, line = prevStart, line-1
		}
		segs[i].start, segs[i].line = start, line
	}
}

// classify tells a declaration from a statement by the item's first tokens:
// `func Name` and `func (r T) Name(` are declarations, `func(...)` literals are
// statements.
func classify[T any](item []T, tk func(int) token.Token) segKind {
	switch tk(0) {
	case token.PACKAGE:
		return segPackage
	case token.IMPORT:
		return segImport
	case token.TYPE, token.VAR, token.CONST:
		return segDecl
	case token.FUNC:
		if len(item) > 1 && tk(1) == token.IDENT {
			return segDecl
		}
		if len(item) > 1 && tk(1) == token.LPAREN {
			depth := 0
			for i := 1; i < len(item); i++ {
				switch tk(i) {
				case token.LPAREN:
					depth++
				case token.RPAREN:
					depth--
				}
				if depth == 0 {
					if i+2 < len(item) && tk(i+1) == token.IDENT && (tk(i+2) == token.LPAREN || tk(i+2) == token.LBRACK) {
						return segDecl
					}
					return segStmt
				}
			}
		}
	}
	return segStmt
}

// lineDirective returns a /*line*/ comment that makes the text following it
// report the cell's own line and column.
func lineDirective(line, col int) string {
	return fmt.Sprintf("/*line %s:%d:%d*/", cellFile, line, col)
}

// parseStmts parses a statement segment as the body of a function, with
// positions mapped to the cell.
func parseStmts(fset *token.FileSet, src string, seg segment) (*ast.BlockStmt, error) {
	text := "package main; func main() {\n" + lineDirective(seg.line, seg.col) + src[seg.start:seg.end] + "\n}"
	f, err := parser.ParseFile(fset, cellFile, text, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	return f.Decls[0].(*ast.FuncDecl).Body, nil
}

// parseDecls parses a declaration or import segment as a file, with positions
// mapped to the cell.
func parseDecls(fset *token.FileSet, src string, seg segment) (*ast.File, error) {
	text := "package main;\n" + lineDirective(seg.line, seg.col) + src[seg.start:seg.end]
	return parser.ParseFile(fset, cellFile, text, parser.SkipObjectResolution|parser.ParseComments)
}

// declaredNames lists the package-level names a declaration file defines
// (methods excluded): the symbols a redefinition must replace.
func declaredNames(f *ast.File) []string {
	var names []string
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.Name != "init" && d.Name.Name != "_" {
				names = append(names, d.Name.Name)
			}
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					names = append(names, sp.Name.Name)
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						if n.Name != "_" {
							names = append(names, n.Name)
						}
					}
				}
			}
		}
	}
	return names
}

// importSpec is one import of a cell: the name it binds and its path.
type importSpec struct {
	name, path string
	line, col  int
}

// importName returns the name an import binds in the file scope.
func importName(sp *ast.ImportSpec) string {
	path := strings.Trim(sp.Path.Value, "\"`")
	if sp.Name != nil {
		return sp.Name.Name
	}
	name := path[strings.LastIndex(path, "/")+1:]
	// Paths like gonum.org/v1/gonum/mat bind "mat"; versioned suffixes such as
	// example.com/x/v2 bind the element before.
	if len(name) > 1 && name[0] == 'v' && strings.Trim(name[1:], "0123456789") == "" {
		if i := strings.LastIndex(path[:len(path)-len(name)-1], "/"); i >= 0 {
			name = path[i+1 : len(path)-len(name)-1]
		}
	}
	return name
}

// imports lists the import specs of an import segment.
func imports(fset *token.FileSet, f *ast.File) []importSpec {
	var specs []importSpec
	for _, sp := range f.Imports {
		p := fset.Position(sp.Pos())
		specs = append(specs, importSpec{
			name: importName(sp),
			path: strings.Trim(sp.Path.Value, "\"`"),
			line: p.Line, col: p.Column,
		})
	}
	return specs
}

// importSource renders import specs back to source with cell positions.
func importSource(specs []importSpec) string {
	var b strings.Builder
	b.WriteString("package main;")
	for _, sp := range specs {
		fmt.Fprintf(&b, "%simport %s %q;", lineDirective(sp.line, sp.col), sp.name, sp.path)
	}
	return b.String()
}
