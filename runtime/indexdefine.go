package runtime

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"strconv"
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

// indexDefine is a top-level definition with an index among its values
// (`v := x[i]`, `a, b := x[0], x[1]`, `v, ok := m[k]`) the retry may
// rewrite.
type indexDefine struct {
	as *ast.AssignStmt
	// defs are the cell's earlier top-level definitions (name → value),
	// for operands defined in the same cell.
	defs map[string]ast.Expr
}

// asIndexDefine recognizes a definition of identifiers with an index
// expression (any parentheses around it) among its values.
func asIndexDefine(st ast.Stmt) (*ast.AssignStmt, bool) {
	as, ok := st.(*ast.AssignStmt)
	if !ok || as.Tok != token.DEFINE {
		return nil, false
	}
	for _, l := range as.Lhs {
		if _, ok := l.(*ast.Ident); !ok {
			return nil, false
		}
	}
	for _, r := range as.Rhs {
		if len(as.Lhs) == len(as.Rhs) && computesOnIndex(r) {
			return as, true
		}
		switch ast.Unparen(r).(type) {
		case *ast.IndexExpr:
			return as, true
		case *ast.TypeAssertExpr, *ast.UnaryExpr:
			if len(as.Lhs) == 2 && len(as.Rhs) == 1 && multiValue(r, 2) { // v, ok := x.(T) or <-ch
				return as, true
			}
		}
	}
	return nil, false
}

// computesOnIndex reports whether e indexes something or calls a method
// outside a function literal: sh[0] * sh[1], g[0].Pow(2), vals[0] + 1,
// which yaegi's global type analysis fails on as it does on a bare index.
func computesOnIndex(e ast.Expr) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.IndexExpr:
			found = true
		case *ast.CallExpr:
			if _, ok := n.Fun.(*ast.SelectorExpr); ok {
				found = true
			}
		}
		return !found
	})
	return found
}

// noteDefines records the top-level single-value definitions of body in
// defs, and returns the index definitions among them with the definitions
// before each.
func noteDefines(body []ast.Stmt, defs map[string]ast.Expr) map[ast.Stmt]*indexDefine {
	var out map[ast.Stmt]*indexDefine
	for _, st := range body {
		if as, ok := asIndexDefine(st); ok {
			if out == nil {
				out = map[ast.Stmt]*indexDefine{}
			}
			snap := make(map[string]ast.Expr, len(defs))
			for k, v := range defs {
				snap[k] = v
			}
			out[st] = &indexDefine{as: as, defs: snap}
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
					delete(defs, id.Name) // several values from one expression: unknown
				}
			}
		}
	}
	return out
}

// names lists the identifiers d defines.
func (d *indexDefine) names() []*ast.Ident {
	var ids []*ast.Ident
	for _, l := range d.as.Lhs {
		ids = append(ids, l.(*ast.Ident))
	}
	return ids
}

// typedIndexDefine returns `{ var a A = x[i]; var b B = y }` (one
// definition per name, in order: a value whose type is not a compiled one
// keeps its := and yaegi's own inference) or, for v, ok := m[k],
// `{ var v V; var ok bool; v, ok = m[k] }`; or an error that says why a
// type is unknown.
func (s *Session) typedIndexDefine(d *indexDefine) (ast.Node, error) {
	ty := &staticTyper{s: s, defs: d.defs, seen: map[string]bool{}}
	ids := d.names()
	types := make([]reflect.Type, len(ids))
	switch {
	case len(d.as.Rhs) == len(ids):
		for i, r := range d.as.Rhs {
			types[i] = ty.typeOf(r)
		}
	case len(d.as.Rhs) == 1 && len(ids) == 2: // v, ok := m[k] or x.(T)
		switch x := ast.Unparen(d.as.Rhs[0]).(type) {
		case *ast.IndexExpr:
			if mt := ty.typeOf(x.X); mt != nil && mt.Kind() == reflect.Map {
				types[0], types[1] = mt.Elem(), reflect.TypeOf(true)
			}
		case *ast.TypeAssertExpr:
			if t := ty.typeExpr(x.Type); t != nil {
				types[0], types[1] = t, reflect.TypeOf(true)
			}
		case *ast.UnaryExpr: // <-ch
			if ct := ty.typeOf(x.X); ct != nil && ct.Kind() == reflect.Chan {
				types[0], types[1] = ct.Elem(), reflect.TypeOf(true)
			}
		}
	}
	pos := d.as.Pos()
	var decls []ast.Stmt
	for i, id := range ids {
		if id.Name == "_" {
			continue
		}
		name := ""
		if types[i] != nil {
			name = s.typeSource(types[i])
		}
		if name == "" && len(d.as.Rhs) == len(ids) && len(ids) > 1 {
			// Not an index of a compiled value (an interpreted type yaegi
			// infers itself): a definition of its own.
			decls = append(decls, &ast.AssignStmt{Lhs: []ast.Expr{id}, TokPos: d.as.TokPos, Tok: token.DEFINE, Rhs: []ast.Expr{d.as.Rhs[i]}})
			continue
		}
		if name == "" && len(d.as.Rhs) == len(ids) {
			// Compiled in a function body, where yaegi types it, the value
			// names its own mistake (an unknown method or field).
			probe := &ast.FuncLit{Type: &ast.FuncType{Func: pos, Params: &ast.FieldList{}}, Body: &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{
				&ast.AssignStmt{Lhs: []ast.Expr{ast.NewIdent("_")}, TokPos: d.as.TokPos, Tok: token.ASSIGN, Rhs: []ast.Expr{d.as.Rhs[i]}}}, Rbrace: d.as.End()}}
			if _, err := s.compileAST(&ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{&ast.ExprStmt{X: &ast.CallExpr{Fun: &ast.ParenExpr{Lparen: pos, X: probe, Rparen: pos}, Lparen: pos, Rparen: pos}}}, Rbrace: d.as.End()}); err != nil {
				var ie *internalError
				if !errors.As(err, &ie) {
					return nil, err
				}
			}
		}
		if name == "" {
			p := s.in.FileSet().Position(pos)
			return nil, fmt.Errorf("%s:%d:%d: cannot infer the type of %s at the top level of a cell (yaegi cannot type every expression in a global definition, such as an index of a compiled value or string, or a generic call inside a larger expression): declare it with its type, var %s T = ...",
				cellFile, p.Line, p.Column, id.Name, id.Name)
		}
		typ, err := parser.ParseExpr(name)
		if err != nil {
			return nil, fmt.Errorf("type %s of %s: %w", name, id.Name, err)
		}
		ast.Inspect(typ, func(n ast.Node) bool { setPos(n, pos); return true })
		spec := &ast.ValueSpec{Names: []*ast.Ident{id}, Type: typ}
		if len(d.as.Rhs) == len(ids) {
			spec.Values = []ast.Expr{d.as.Rhs[i]}
		}
		decls = append(decls, &ast.DeclStmt{Decl: &ast.GenDecl{TokPos: pos, Tok: token.VAR, Specs: []ast.Spec{spec}}})
	}
	if len(d.as.Rhs) != len(ids) { // v, ok := m[k] or x.(T)
		lhs := make([]ast.Expr, len(ids))
		for i, id := range ids {
			lhs[i] = &ast.Ident{Name: id.Name, NamePos: id.Pos()}
		}
		decls = append(decls, &ast.AssignStmt{Lhs: lhs, TokPos: d.as.TokPos, Tok: token.ASSIGN, Rhs: d.as.Rhs})
	}
	return &ast.BlockStmt{Lbrace: pos, List: decls, Rbrace: d.as.End()}, nil
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
	case *ast.BinaryExpr:
		return ty.binary(e), false
	case *ast.BasicLit:
		switch e.Kind {
		case token.STRING:
			return reflect.TypeOf(""), false
		case token.INT:
			return reflect.TypeOf(0), false
		case token.FLOAT:
			return reflect.TypeOf(0.0), false
		}
	case *ast.CompositeLit:
		if e.Type != nil {
			return ty.typeExpr(e.Type), false
		}
	case *ast.TypeAssertExpr:
		if e.Type != nil {
			return ty.typeExpr(e.Type), false
		}
	case *ast.ArrayType, *ast.MapType:
		return ty.typeExpr(e), true
	case *ast.StarExpr:
		t, isType := ty.walk(e.X)
		if isType && t != nil {
			return reflect.PointerTo(t), true
		}
		if t != nil && t.Kind() == reflect.Ptr {
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
		if id, ok := e.Fun.(*ast.Ident); ok && len(e.Args) > 0 && (id.Name == "make" || id.Name == "new") {
			if _, local := ty.defs[id.Name]; !local {
				t := ty.typeExpr(e.Args[0])
				if t != nil && id.Name == "new" {
					t = reflect.PointerTo(t)
				}
				return t, false
			}
		}
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

// predeclared are the predeclared types a type expression may name.
var predeclared = map[string]reflect.Type{
	"bool": reflect.TypeOf(false), "string": reflect.TypeOf(""), "error": reflect.TypeOf((*error)(nil)).Elem(),
	"int": reflect.TypeOf(0), "int8": reflect.TypeOf(int8(0)), "int16": reflect.TypeOf(int16(0)),
	"int32": reflect.TypeOf(int32(0)), "int64": reflect.TypeOf(int64(0)), "rune": reflect.TypeOf(rune(0)),
	"uint": reflect.TypeOf(uint(0)), "uint8": reflect.TypeOf(uint8(0)), "byte": reflect.TypeOf(byte(0)),
	"uint16": reflect.TypeOf(uint16(0)), "uint32": reflect.TypeOf(uint32(0)), "uint64": reflect.TypeOf(uint64(0)),
	"float32": reflect.TypeOf(float32(0)), "float64": reflect.TypeOf(0.0),
	"any": reflect.TypeOf((*any)(nil)).Elem(),
}

// typeExpr resolves a type expression made of predeclared types, compiled
// packages' types, pointers, slices, arrays of literal length and maps; nil
// for anything else (types a cell declared among them).
func (ty *staticTyper) typeExpr(e ast.Expr) reflect.Type {
	switch e := e.(type) {
	case *ast.Ident:
		if _, local := ty.s.comp.cellDocs[e.Name]; !local {
			return predeclared[e.Name]
		}
	case *ast.ParenExpr:
		return ty.typeExpr(e.X)
	case *ast.SelectorExpr:
		if t, isType := ty.walk(e); isType {
			return t
		}
	case *ast.StarExpr:
		if t := ty.typeExpr(e.X); t != nil {
			return reflect.PointerTo(t)
		}
	case *ast.ArrayType:
		elem := ty.typeExpr(e.Elt)
		if elem == nil {
			return nil
		}
		if e.Len == nil {
			return reflect.SliceOf(elem)
		}
		if lit, ok := e.Len.(*ast.BasicLit); ok && lit.Kind == token.INT {
			if n, err := strconv.Atoi(lit.Value); err == nil {
				return reflect.ArrayOf(n, elem)
			}
		}
	case *ast.ChanType:
		if elem := ty.typeExpr(e.Value); elem != nil {
			dir := reflect.BothDir
			switch e.Dir {
			case ast.SEND:
				dir = reflect.SendDir
			case ast.RECV:
				dir = reflect.RecvDir
			}
			return reflect.ChanOf(dir, elem)
		}
	case *ast.MapType:
		k, v := ty.typeExpr(e.Key), ty.typeExpr(e.Value)
		if k != nil && v != nil && k.Comparable() {
			return reflect.MapOf(k, v)
		}
	}
	return nil
}

// binary types an operation: a comparison is a bool, a shift has its left
// operand's type, and arithmetic the type of its operand that is not an
// untyped constant (vals[0] * 2, 2 * vals[0]).
func (ty *staticTyper) binary(e *ast.BinaryExpr) reflect.Type {
	switch e.Op {
	case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ, token.LAND, token.LOR:
		return reflect.TypeOf(true)
	case token.SHL, token.SHR:
		return ty.typeOf(e.X)
	}
	if _, ok := untypedConst(e.X); ok {
		return ty.typeOf(e.Y)
	}
	return ty.typeOf(e.X)
}
