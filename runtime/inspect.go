package runtime

import (
	"fmt"
	"go/parser"
	"go/scanner"
	"go/token"
	"reflect"
	"strings"
	"unicode/utf8"

	"gotensor/runtime/exports"
)

// Inspect returns what is known about the name at cursor (a code-point
// index): the signature and doc comment of a package function, type,
// method or cell-defined name, or a variable's type. data is a MIME bundle
// with text/plain (and text/markdown); found is false when nothing is known.
// detailLevel is accepted for the protocol; both levels show the same.
func (s *Session) Inspect(code string, cursor, detailLevel int) (data map[string]any, found bool) {
	c := s.comp
	off := byteOffset(code, cursor)
	j := off
	for j < len(code) {
		r, size := utf8.DecodeRuneInString(code[j:])
		if !isIdentRune(r) {
			break
		}
		j += size
	}
	expr := trailingExpr(code[:j])
	start := j - len(expr)
	// Inspecting "f(" with the cursor after the paren shows f.
	if expr == "" && j > 0 && code[j-1] == '(' {
		expr = trailingExpr(code[:j-1])
		start = j - 1 - len(expr)
	}
	if expr == "" {
		return nil, false
	}
	text := c.describe(expr, code, start)
	if text == "" {
		return nil, false
	}
	return map[string]any{
		"text/plain":    text,
		"text/markdown": "```go\n" + firstPara(text) + "\n```\n" + restParas(text),
	}, true
}

func firstPara(s string) string {
	if i := strings.Index(s, "\n\n"); i >= 0 {
		return s[:i]
	}
	return s
}

func restParas(s string) string {
	if i := strings.Index(s, "\n\n"); i >= 0 {
		return s[i+2:]
	}
	return ""
}

// describe explains a selector/call chain starting at byte offset start:
// docs first, then types.
func (c *completer) describe(expr, code string, start int) string {
	expr = strings.TrimSuffix(expr, "()")
	c.mu.RLock()
	defer c.mu.RUnlock()
	if d, local := c.scopeAt(code, start).describeLocal(expr); local {
		return d // the cell's name hides the session's, known or not
	}
	dot := strings.LastIndex(expr, ".")
	if dot < 0 {
		if d, ok := c.cellDocs[expr]; ok {
			if t, ok := c.globals[expr]; ok && !strings.Contains(d, "\n") {
				return d + "\n\ntype: " + t.String()
			}
			return d
		}
		if t, ok := c.globals[expr]; ok {
			return expr + " " + t.String() + typeDoc(t)
		}
		if p, ok := c.importPath(expr, code); ok {
			if d, ok := exports.Docs[p]; ok {
				return d
			}
			return "package " + expr + ` // import "` + p + `"`
		}
		if isBuiltin(expr) {
			return "builtin " + expr
		}
		return ""
	}
	recv, name := expr[:dot], expr[dot+1:]
	if path, ok := c.importPath(recv, code); ok && !strings.ContainsAny(recv, ".()") {
		if d, ok := exports.Docs[path+"."+name]; ok {
			return d
		}
		if v, ok := binSymbols[path][name]; ok {
			return recv + "." + name + " " + v.Type().String()
		}
		return ""
	}
	if tn, ok := c.varTypes[recv]; ok {
		if d, ok := c.cellDocs[tn+"."+name]; ok {
			return d
		}
	}
	t := c.typeOf(recv, code)
	if t == nil {
		return ""
	}
	if d := methodDoc(t, name); d != "" {
		return d
	}
	if mt, _ := memberType(t, name); mt != nil {
		return recv + "." + name + " " + mt.String()
	}
	return ""
}

// methodDoc finds the generated doc of a method of a compiled named type.
func methodDoc(t reflect.Type, name string) string {
	base := t
	for base.Kind() == reflect.Ptr {
		base = base.Elem()
	}
	if base.PkgPath() == "" {
		return ""
	}
	return exports.Docs[base.PkgPath()+"."+base.Name()+"."+name]
}

// typeDoc appends the doc of a compiled named type.
func typeDoc(t reflect.Type) string {
	base := t
	for base.Kind() == reflect.Ptr {
		base = base.Elem()
	}
	if d, ok := exports.Docs[base.PkgPath()+"."+base.Name()]; ok && base.PkgPath() != "" {
		return "\n\n" + d
	}
	return ""
}

func isBuiltin(name string) bool {
	return containsString(goBuiltins, name) || containsString(goKeywords, name)
}

// IsComplete tells a front end whether code is ready to run: "complete",
// "incomplete" with the indent for the next line (open brackets or an
// unterminated raw string), or "invalid" when the Go parser rejects it.
func (s *Session) IsComplete(code string) (status, indent string) {
	if strings.TrimSpace(code) == "" {
		return "complete", ""
	}
	depth, unterminated := openDepth(code)
	if unterminated {
		return "incomplete", ""
	}
	if depth > 0 {
		return "incomplete", strings.Repeat("\t", depth)
	}
	if depth < 0 {
		return "invalid", ""
	}
	segs, err := splitCell(code)
	if err != nil {
		return "invalid", ""
	}
	fset := token.NewFileSet()
	for _, seg := range segs {
		var perr error
		if seg.kind == segStmt {
			_, perr = parseStmts(fset, code, seg)
		} else {
			_, perr = parseDecls(fset, code, seg)
		}
		if perr != nil {
			if atEOF(perr, code) {
				return "incomplete", ""
			}
			return "invalid", ""
		}
	}
	return "complete", ""
}

// openDepth counts unclosed brackets, and reports an unterminated raw
// string or comment.
func openDepth(code string) (depth int, unterminated bool) {
	var s scanner.Scanner
	fset := token.NewFileSet()
	s.Init(fset.AddFile("", -1, len(code)), []byte(code), func(_ token.Position, msg string) {
		if strings.Contains(msg, "raw string literal not terminated") || strings.Contains(msg, "comment not terminated") {
			unterminated = true
		}
	}, scanner.ScanComments)
	for {
		_, tok, _ := s.Scan()
		switch tok {
		case token.EOF:
			return depth, unterminated
		case token.LPAREN, token.LBRACE, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			depth--
		}
	}
}

// atEOF reports whether a parse error is about the input ending early.
func atEOF(err error, code string) bool {
	var list scanner.ErrorList
	if el, ok := err.(scanner.ErrorList); ok {
		list = el
	}
	lines := strings.Count(code, "\n") + 1
	for _, e := range list {
		// The wrapper's closing brace sits on the line after the cell.
		if strings.Contains(e.Msg, "EOF") || e.Pos.Line > lines {
			return true
		}
	}
	return false
}

// describeLocal explains a name the cell being edited declares before the
// cursor, or a selector chain starting with one: what its declaration says
// or implies, and where it is. local tells whether expr starts with such a
// name (text is then empty where nothing is known of it).
func (cs *cellScope) describeLocal(expr string) (text string, local bool) {
	x, err := parser.ParseExpr(expr)
	if err != nil || !cs.shadows(x) {
		return "", false
	}
	defer func() {
		if recover() != nil {
			text = ""
		}
	}()
	root := chainRoot(x).Name
	l := cs.at.lookup(root)
	if root != expr {
		return cs.describeMember(expr), true
	}
	fset := token.NewFileSet()
	var doc string
	switch {
	case l.isType:
		text = "type " + l.name + " " + nodeString(fset, l.typ)
	case l.isFunc:
		text, doc = "func "+l.name+strings.TrimPrefix(nodeString(fset, l.typ), "func"), l.doc
	default:
		t := cs.localType(l)
		if t == nil {
			text = l.name + " (type not known until the cell runs)"
			break
		}
		text = l.name + " " + t.String()
		for base := t; base != nil && doc == ""; base = base.elem {
			if base.rt != nil {
				doc = typeDoc(base.rt)
			}
		}
	}
	return text + cs.declaredAt(l.off) + doc, true
}

// declaredAt tells the cell line holding byte offset off.
func (cs *cellScope) declaredAt(off int) string {
	if off < 0 || off > len(cs.code) {
		return ""
	}
	start := strings.LastIndexByte(cs.code[:off], '\n') + 1
	end := strings.IndexByte(cs.code[off:], '\n')
	if end < 0 {
		end = len(cs.code) - off
	}
	line := strings.Count(cs.code[:off], "\n") + 1
	return fmt.Sprintf("\n\ndeclared in this cell, line %d: %s", line, strings.TrimSpace(cs.code[start:off+end]))
}

// describeMember explains recv.name where recv starts with a name of the
// cell being edited.
func (cs *cellScope) describeMember(expr string) string {
	dot := strings.LastIndex(expr, ".")
	if dot < 0 {
		return ""
	}
	recv, name := expr[:dot], expr[dot+1:]
	x, err := parser.ParseExpr(recv)
	if err != nil {
		return ""
	}
	t := cs.exprType(x, cs.at, 0)
	for base := t; base != nil; base = base.elem {
		if base.named != "" {
			if d, ok := cs.c.cellDocs[base.named+"."+name]; ok && !base.cell {
				return d
			}
			for _, d := range cs.methods[base.named] {
				if d.Name.Name == name {
					d2 := *d
					d2.Body, d2.Doc = nil, nil
					return nodeString(cs.fset, &d2) + docText(d.Doc)
				}
			}
		}
		if base.rt != nil {
			if d := methodDoc(base.rt, name); d != "" {
				return d
			}
		}
	}
	if mt := cs.memberType(t, name); mt != nil {
		return recv + "." + name + " " + mt.String()
	}
	return ""
}
