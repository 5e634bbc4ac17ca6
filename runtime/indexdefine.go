package runtime

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strings"
)

// yaegi v0.16.1 cannot type a global defined by indexing a compiled value:
// `d1 := autograd.Grad(...)[0]`, `f := strings.Fields("a b")[0]` or
// `w := v[0]` with v a []string from compiled code fail as "constant
// definition loop" (its global type analysis knows the element type of
// interpreted slices, maps and arrays only), and so does indexing a string.
// With the type written out (`var d1 *tensor.Tensor = ...`) it compiles. So
// when a top-level definition fails that way, the pre-pass works out the
// operand's type from the compiled symbol tables, the session's globals and
// the cell's earlier definitions, and compiles the typed declaration
// instead. Only that retry sees the rewrite; positions stay the cell's own.

// indexDefine is a top-level `name := x[i]` the retry may rewrite.
type indexDefine struct {
	as   *ast.AssignStmt
	name *ast.Ident
	idx  *ast.IndexExpr
	// defs are the cell's earlier top-level definitions (name → value),
	// for operands defined in the same cell.
	defs map[string]ast.Expr
}

// asIndexDefine recognizes `name := x[i]` (any parentheses around x[i]).
func asIndexDefine(st ast.Stmt) (*ast.AssignStmt, *ast.Ident, *ast.IndexExpr, bool) {
	as, ok := st.(*ast.AssignStmt)
	if !ok || as.Tok != token.DEFINE || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
		return nil, nil, nil, false
	}
	id, ok := as.Lhs[0].(*ast.Ident)
	if !ok || id.Name == "_" {
		return nil, nil, nil, false
	}
	idx, ok := ast.Unparen(as.Rhs[0]).(*ast.IndexExpr)
	return as, id, idx, ok
}

// noteDefines records the top-level single-value definitions of body in
// defs, and returns the index definitions among them with the definitions
// before each.
func noteDefines(body []ast.Stmt, defs map[string]ast.Expr) map[ast.Stmt]*indexDefine {
	var out map[ast.Stmt]*indexDefine
	for _, st := range body {
		if as, id, idx, ok := asIndexDefine(st); ok {
			if out == nil {
				out = map[ast.Stmt]*indexDefine{}
			}
			snap := make(map[string]ast.Expr, len(defs))
			for k, v := range defs {
				snap[k] = v
			}
			out[st] = &indexDefine{as: as, name: id, idx: idx, defs: snap}
		}
		as, ok := st.(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE {
			continue
		}
		for i, l := range as.Lhs {
			if id, ok := l.(*ast.Ident); ok {
				if len(as.Lhs) == len(as.Rhs) {
					defs[id.Name] = as.Rhs[i]
				} else {
					delete(defs, id.Name) // several values from one call: unknown
				}
			}
		}
	}
	return out
}

// typedIndexDefine returns `{ var name T = x[i] }` for d, or an error that
// says why the type is unknown.
func (s *Session) typedIndexDefine(d *indexDefine) (ast.Node, error) {
	ty := &staticTyper{s: s, defs: d.defs, seen: map[string]bool{}}
	xt := ty.typeOf(d.idx.X)
	var elem reflect.Type
	if xt != nil {
		if xt.Kind() == reflect.Ptr && xt.Elem().Kind() == reflect.Array {
			xt = xt.Elem()
		}
		switch xt.Kind() {
		case reflect.Slice, reflect.Array, reflect.Map:
			elem = xt.Elem()
		case reflect.String:
			elem = reflect.TypeOf(byte(0))
		}
	}
	name := ""
	if elem != nil {
		name = s.typeSource(elem)
	}
	if name == "" {
		p := s.in.FileSet().Position(d.as.Pos())
		return nil, fmt.Errorf("%s:%d:%d: cannot infer the type of %s at the top level of a cell (yaegi cannot type an index of a compiled value or string in a global definition): declare it with its type, var %s T = %s",
			cellFile, p.Line, p.Column, d.name.Name, d.name.Name, nodeString(token.NewFileSet(), d.as.Rhs[0]))
	}
	typ, err := parser.ParseExpr(name)
	if err != nil {
		return nil, fmt.Errorf("type %s of %s: %w", name, d.name.Name, err)
	}
	pos := d.as.Pos()
	ast.Inspect(typ, func(n ast.Node) bool { setPos(n, pos); return true })
	decl := &ast.DeclStmt{Decl: &ast.GenDecl{TokPos: pos, Tok: token.VAR, Specs: []ast.Spec{
		&ast.ValueSpec{Names: []*ast.Ident{d.name}, Type: typ, Values: d.as.Rhs},
	}}}
	return &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{decl}, Rbrace: d.as.End()}, nil
}

// setPos moves a generated type expression's positions to pos.
func setPos(n ast.Node, pos token.Pos) {
	switch n := n.(type) {
	case *ast.Ident:
		n.NamePos = pos
	case *ast.StarExpr:
		n.Star = pos
	case *ast.ArrayType:
		n.Lbrack = pos
	case *ast.MapType:
		n.Map = pos
	case *ast.ChanType:
		n.Begin = pos
	case *ast.InterfaceType:
		n.Interface = pos
		n.Methods.Opening, n.Methods.Closing = pos, pos
	case *ast.BasicLit:
		n.ValuePos = pos
	}
}

// typeSource spells t in cell source, with the session's import names; ""
// when it cannot (a type of a package the session has not imported, an
// interpreted or unnamed struct type, a function type).
func (s *Session) typeSource(t reflect.Type) string {
	if t.Name() != "" {
		if t.PkgPath() == "" {
			return t.Name() // predeclared: int, string, error, ...
		}
		if strings.ContainsAny(t.Name(), "[]") || t.PkgPath() == "main" {
			return ""
		}
		for name, path := range s.imports {
			if path == t.PkgPath() && !strings.HasPrefix(name, "_") {
				return name + "." + t.Name()
			}
		}
		return ""
	}
	sub := func(e reflect.Type) string { return s.typeSource(e) }
	switch t.Kind() {
	case reflect.Ptr:
		if e := sub(t.Elem()); e != "" {
			return "*" + e
		}
	case reflect.Slice:
		if e := sub(t.Elem()); e != "" {
			return "[]" + e
		}
	case reflect.Array:
		if e := sub(t.Elem()); e != "" {
			return fmt.Sprintf("[%d]%s", t.Len(), e)
		}
	case reflect.Map:
		if k, v := sub(t.Key()), sub(t.Elem()); k != "" && v != "" {
			return "map[" + k + "]" + v
		}
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "interface{}"
		}
	}
	return ""
}

// staticTyper works out the type of the operand of an index: calls and
// selectors through the compiled symbol tables, identifiers through the
// cell's earlier definitions, then the session's globals.
type staticTyper struct {
	s    *Session
	defs map[string]ast.Expr
	seen map[string]bool // definitions being typed (a := a[0] chains)
}

func (ty *staticTyper) typeOf(e ast.Expr) reflect.Type {
	t, _ := ty.walk(e)
	return t
}

// walk returns e's type, and whether e names a type (a conversion's
// operand) rather than a value.
func (ty *staticTyper) walk(e ast.Expr) (t reflect.Type, isType bool) {
	switch e := e.(type) {
	case *ast.Ident:
		if v, ok := ty.defs[e.Name]; ok {
			if ty.seen[e.Name] {
				return nil, false
			}
			ty.seen[e.Name] = true
			defer delete(ty.seen, e.Name)
			t, _ := ty.walk(v)
			return t, false
		}
		c := ty.s.comp
		c.mu.RLock()
		t := c.globals[e.Name]
		c.mu.RUnlock()
		return t, false
	case *ast.ParenExpr:
		return ty.walk(e.X)
	case *ast.BasicLit:
		switch e.Kind {
		case token.STRING:
			return reflect.TypeOf(""), false
		case token.INT:
			return reflect.TypeOf(0), false
		case token.FLOAT:
			return reflect.TypeOf(0.0), false
		}
	case *ast.StarExpr:
		if t, _ := ty.walk(e.X); t != nil && t.Kind() == reflect.Ptr {
			return t.Elem(), false
		}
	case *ast.UnaryExpr:
		if t, _ := ty.walk(e.X); t != nil && e.Op == token.AND {
			return reflect.PointerTo(t), false
		}
	case *ast.SliceExpr:
		t, _ := ty.walk(e.X)
		if t != nil && t.Kind() == reflect.Ptr && t.Elem().Kind() == reflect.Array {
			return reflect.SliceOf(t.Elem().Elem()), false
		}
		if t != nil && t.Kind() == reflect.Array {
			return reflect.SliceOf(t.Elem()), false
		}
		return t, false
	case *ast.IndexExpr:
		t, _ := ty.walk(e.X)
		if t != nil && t.Kind() == reflect.Ptr && t.Elem().Kind() == reflect.Array {
			t = t.Elem()
		}
		if t != nil {
			switch t.Kind() {
			case reflect.Slice, reflect.Array, reflect.Map:
				return t.Elem(), false
			case reflect.String:
				return reflect.TypeOf(byte(0)), false
			}
		}
	case *ast.CallExpr:
		ft, isType := ty.walk(e.Fun)
		switch {
		case ft == nil:
		case isType: // a conversion to a compiled type: tensor.DType(2)
			return ft, false
		case ft.Kind() == reflect.Func && ft.NumOut() > 0:
			return ft.Out(0), false
		}
	case *ast.SelectorExpr:
		if id, ok := e.X.(*ast.Ident); ok {
			if path, ok := ty.s.imports[id.Name]; ok {
				if _, local := ty.defs[id.Name]; !local {
					v, ok := binSymbols[path][e.Sel.Name]
					if !ok || !v.IsValid() {
						return nil, false
					}
					if v.Kind() == reflect.Ptr && v.IsNil() { // a type, exported as (*T)(nil)
						return v.Type().Elem(), true
					}
					return v.Type(), false
				}
			}
		}
		base, _ := ty.walk(e.X)
		if base == nil {
			return nil, false
		}
		t, _ := memberType(base, e.Sel.Name)
		return t, false
	}
	return nil, false
}
