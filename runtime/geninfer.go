package runtime

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// A call of a generic function a cell declared fails in yaegi v0.16.1 in
// two ways when its type arguments are left to inference: a type
// parameter that only a function argument's result gives is inferred
// wrongly (Map(xs, func(i int) string {...}) of Map[T, U any](xs []T, f
// func(T) U) fails as "cannot use type func(int) string as type func(int)
// int"), and a top-level definition from such a call (v := Id(3)) fails to
// compile at all. Go's inference is a unification of the parameter types
// with the argument types; this pre-pass step does it on the source, with
// the types written in the arguments (function and composite literals,
// conversions), known for the cell's earlier definitions and the
// session's globals, or, for untyped constants, their default types
// (int, rune, float64, complex128, string, bool) as Go gives them when no
// typed argument settles the parameter, and writes the type arguments
// out: Map[int, string](xs, func...), Id[int](3). Anything it cannot work
// out stays as written. A name declared in a nested scope (a parameter, a
// loop variable, a local) is not looked up among the globals it shadows:
// an argument using one is of unknown type.

// noteGenerics records the generic functions f declares.
func (s *Session) noteGenerics(f *ast.File) {
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv != nil {
			continue
		}
		if fd.Type.TypeParams == nil {
			delete(s.generics, fd.Name.Name)
			continue
		}
		s.generics[fd.Name.Name] = fd.Type
	}
}

// genScope is what inference knows of names while it rewrites one
// top-level statement or declaration.
type genScope struct {
	defs   map[string]ast.Expr // top-level definitions: name → value
	shadow map[string]bool     // names of unknown type here
}

// instantiateGenerics rewrites the calls under n (a cell's declarations
// or its top-level statements) of the recorded generic functions whose
// type arguments unification finds; in a file, an untyped `var v =
// G(...)` also gets its type (R of G's single result), so that it is
// compiled as var v R plus v = G[...](...).
func (s *Session) instantiateGenerics(n ast.Node, defs map[string]ast.Expr) {
	if len(s.generics) == 0 {
		return
	}
	sc := genScope{defs: make(map[string]ast.Expr, len(defs)), shadow: map[string]bool{}}
	for k, v := range defs {
		sc.defs[k] = v
	}
	switch n := n.(type) {
	case *ast.File:
		sc.noteFile(n)
		for _, d := range n.Decls {
			counts := sc.nested(d, d)
			defs, shadow := sc.defs, counts.names()
			if fd, ok := d.(*ast.FuncDecl); ok {
				defs, shadow = sc.withParams(fd, counts)
			}
			s.instantiateIn(d, shadow, defs)
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.VAR {
				for _, sp := range g.Specs {
					s.typeGenericVar(sp.(*ast.ValueSpec), sc.defs)
				}
			}
		}
	case *ast.BlockStmt:
		for _, st := range n.List {
			s.instantiateIn(st, sc.nested(st, st).names(), sc.defs)
			sc.noteStmt(st)
		}
	default:
		s.instantiateIn(n, sc.nested(n, nil).names(), sc.defs)
	}
}

// noteFile records the names a file of declarations declares: its
// variables with their values (or a stand-in T{} of their type), and its
// functions, types and constants as unknown (their globals may be stale).
func (sc genScope) noteFile(f *ast.File) {
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				sc.forget(d.Name.Name)
			}
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					sc.forget(sp.Name.Name)
				case *ast.ValueSpec:
					sc.noteSpec(sp, d.Tok == token.VAR)
				}
			}
		}
	}
}

// noteSpec records a var or const spec's names.
func (sc genScope) noteSpec(vs *ast.ValueSpec, isVar bool) {
	for i, n := range vs.Names {
		switch {
		case !isVar:
			sc.forget(n.Name)
		case vs.Type != nil:
			sc.defs[n.Name] = &ast.CompositeLit{Type: vs.Type}
			delete(sc.shadow, n.Name)
		case len(vs.Values) == len(vs.Names):
			sc.defs[n.Name] = vs.Values[i]
			delete(sc.shadow, n.Name)
		default:
			sc.forget(n.Name)
		}
	}
}

// noteStmt records the names a top-level statement defines, for the
// statements after it.
func (sc genScope) noteStmt(st ast.Stmt) {
	switch st := st.(type) {
	case *ast.AssignStmt:
		if st.Tok != token.DEFINE {
			return
		}
		for i, l := range st.Lhs {
			id, ok := l.(*ast.Ident)
			switch {
			case !ok || id.Name == "_":
			case len(st.Lhs) == len(st.Rhs):
				sc.defs[id.Name] = st.Rhs[i]
				delete(sc.shadow, id.Name)
			default:
				sc.forget(id.Name)
			}
		}
	case *ast.DeclStmt:
		if g, ok := st.Decl.(*ast.GenDecl); ok {
			for _, sp := range g.Specs {
				switch sp := sp.(type) {
				case *ast.ValueSpec:
					sc.noteSpec(sp, g.Tok == token.VAR)
				case *ast.TypeSpec:
					sc.forget(sp.Name.Name)
				}
			}
		}
	}
}

func (sc genScope) forget(name string) {
	delete(sc.defs, name)
	sc.shadow[name] = true
}

// declCounts counts the declarations of names in nested scopes.
type declCounts map[string]int

// names is the set of the names counted.
func (dc declCounts) names() map[string]bool {
	out := make(map[string]bool, len(dc))
	for k := range dc {
		out[k] = true
	}
	return out
}

// nested counts the names declared in n's nested scopes (parameters,
// type parameters, locals, loop and switch variables), sc's unknown names
// among them; top, when n is a top-level statement or declaration, keeps
// its own definitions out (they are top-level, seen by later statements
// only).
func (sc genScope) nested(n, top ast.Node) declCounts {
	out := make(declCounts, len(sc.shadow))
	for k := range sc.shadow {
		out[k]++
	}
	addIdents := func(es ...ast.Expr) {
		for _, e := range es {
			if id, ok := e.(*ast.Ident); ok {
				out[id.Name]++
			}
		}
	}
	addFields := func(l *ast.FieldList) {
		if l == nil {
			return
		}
		for _, f := range l.List {
			for _, n := range f.Names {
				out[n.Name]++
			}
		}
	}
	ast.Inspect(n, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.FuncDecl:
			addFields(x.Recv)
		case *ast.FuncType:
			addFields(x.TypeParams)
			addFields(x.Params)
			addFields(x.Results)
		case *ast.AssignStmt:
			if x.Tok == token.DEFINE && ast.Node(x) != top {
				addIdents(x.Lhs...)
			}
		case *ast.RangeStmt:
			if x.Tok == token.DEFINE {
				addIdents(x.Key, x.Value)
			}
		case *ast.ValueSpec:
			if !declares(top, x) {
				for _, n := range x.Names {
					out[n.Name]++
				}
			}
		case *ast.TypeSpec:
			out[x.Name.Name]++
		}
		return true
	})
	return out
}

// withParams returns sc's definitions plus the parameters of fd that
// nothing else in it declares, each with a stand-in T{} of its type, and
// takes them out of the unknown names in counts' set.
func (sc genScope) withParams(fd *ast.FuncDecl, counts declCounts) (map[string]ast.Expr, map[string]bool) {
	shadow := counts.names()
	defs := make(map[string]ast.Expr, len(sc.defs)+len(fd.Type.Params.List))
	for k, v := range sc.defs {
		defs[k] = v
	}
	for _, f := range fd.Type.Params.List {
		typ := f.Type
		if e, ok := typ.(*ast.Ellipsis); ok {
			typ = &ast.ArrayType{Lbrack: e.Pos(), Elt: e.Elt}
		}
		for _, n := range f.Names {
			if counts[n.Name] != 1 || n.Name == "_" {
				continue
			}
			defs[n.Name] = &ast.CompositeLit{Type: typ}
			delete(shadow, n.Name)
		}
	}
	return defs, shadow
}

// declares reports whether top, a top-level declaration (of a file or a
// statement), holds the spec vs.
func declares(top ast.Node, vs *ast.ValueSpec) bool {
	if ds, ok := top.(*ast.DeclStmt); ok {
		top = ds.Decl
	}
	g, ok := top.(*ast.GenDecl)
	if !ok {
		return false
	}
	for _, sp := range g.Specs {
		if sp == vs {
			return true
		}
	}
	return false
}

// instantiateIn rewrites the generic calls under n; shadow holds the
// names of unknown type there.
func (s *Session) instantiateIn(n ast.Node, shadow map[string]bool, defs map[string]ast.Expr) {
	ast.Inspect(n, func(x ast.Node) bool {
		call, ok := x.(*ast.CallExpr)
		if !ok {
			return true
		}
		id, ok := call.Fun.(*ast.Ident)
		if !ok || shadow[id.Name] {
			return true
		}
		ft := s.generics[id.Name]
		if _, local := defs[id.Name]; ft == nil || local {
			return true
		}
		if args := s.inferTypeArgs(ft, call, defs, shadow); args != nil {
			if len(args) == 1 {
				call.Fun = &ast.IndexExpr{X: id, Lbrack: id.End(), Index: args[0], Rbrack: id.End()}
			} else {
				call.Fun = &ast.IndexListExpr{X: id, Lbrack: id.End(), Indices: args, Rbrack: id.End()}
			}
		}
		return true
	})
}

// inferTypeArgs unifies ft's parameter types with the arguments' types;
// nil unless every type parameter is found. As in Go, typed arguments
// come first, then the constraints with a core type (S ~[]E gives E from
// S), then the untyped constants' default types for the parameters still
// open, the largest kind among a parameter's constants winning (1 and
// 2.5 give float64); that last step is skipped when an argument's type is
// unknown, which might have settled the parameter.
func (s *Session) inferTypeArgs(ft *ast.FuncType, call *ast.CallExpr, defs map[string]ast.Expr, shadow map[string]bool) []ast.Expr {
	args := call.Args
	var names []string
	bound := map[string]string{}
	cores := map[string]ast.Expr{}
	for _, f := range ft.TypeParams.List {
		for _, n := range f.Names {
			names = append(names, n.Name)
			bound[n.Name] = ""
			if core := coreTerm(f.Type); core != nil {
				cores[n.Name] = core
			}
		}
	}
	var params []ast.Expr
	var variadic ast.Expr
	for _, f := range ft.Params.List {
		if e, ok := f.Type.(*ast.Ellipsis); ok {
			variadic = e.Elt // the last parameter: one per remaining argument
			break
		}
		for range max(1, len(f.Names)) {
			params = append(params, f.Type)
		}
	}
	switch {
	case variadic != nil && call.Ellipsis.IsValid(): // G(xs...): xs is the []T
		params = append(params, &ast.ArrayType{Elt: variadic})
	case call.Ellipsis.IsValid():
		return nil
	}
	for variadic != nil && len(params) < len(args) {
		params = append(params, variadic)
	}
	if len(params) != len(args) || len(args) == 0 {
		return nil
	}
	ty := &staticTyper{s: s, defs: defs, seen: map[string]bool{}}
	fset := token.NewFileSet()
	unknown := false
	consts := map[string]token.Token{}
	for i, a := range args {
		if kind, ok := s.untypedKind(a, defs, shadow); ok {
			if p, ok := params[i].(*ast.Ident); ok {
				if _, isParam := bound[p.Name]; isParam && constRank(kind) > constRank(consts[p.Name]) {
					consts[p.Name] = kind
				}
			}
			continue
		}
		at := s.argType(ty, a, defs, shadow, 0)
		if at == nil {
			unknown = true
			continue
		}
		if !unify(params[i], at, bound, fset) {
			return nil
		}
	}
	if !unifyCores(cores, bound, fset) {
		return nil
	}
	if !unknown {
		for n, kind := range consts {
			if bound[n] == "" {
				bound[n] = constDefault[kind]
			}
		}
		if !unifyCores(cores, bound, fset) {
			return nil
		}
	}
	out := make([]ast.Expr, len(names))
	for i, n := range names {
		if bound[n] == "" {
			return nil
		}
		e, err := parser.ParseExpr(bound[n])
		if err != nil {
			return nil
		}
		pos := args[0].Pos()
		ast.Inspect(e, func(n ast.Node) bool { setPos(n, pos); return true })
		out[i] = e
	}
	return out
}

// coreTerm is the single type term of a constraint (~[]E, []E, map[K]V)
// when it is a type literal, whose type parameters a bound type settles;
// nil for interfaces, unions and named types.
func coreTerm(c ast.Expr) ast.Expr {
	if u, ok := c.(*ast.UnaryExpr); ok && u.Op == token.TILDE {
		c = u.X
	}
	switch c.(type) {
	case *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.StarExpr, *ast.FuncType:
		return c
	}
	return nil
}

// unifyCores unifies the core types of the bound type parameters'
// constraints with their bindings; false on a conflict.
func unifyCores(cores map[string]ast.Expr, bound map[string]string, fset *token.FileSet) bool {
	for n, core := range cores {
		if bound[n] == "" {
			continue
		}
		e, err := parser.ParseExpr(bound[n])
		if err != nil {
			return false
		}
		if !unify(core, e, bound, fset) {
			return false
		}
	}
	return true
}

// constDefault is the default type of an untyped constant of each kind.
var constDefault = map[token.Token]string{
	token.INT: "int", token.CHAR: "rune", token.FLOAT: "float64", token.IMAG: "complex128",
	token.STRING: "string", token.IDENT: "bool",
}

// constRank orders the numeric constant kinds as Go does when constants
// of several kinds meet (int < rune < float64 < complex128).
func constRank(k token.Token) int {
	switch k {
	case token.INT:
		return 1
	case token.CHAR:
		return 2
	case token.FLOAT:
		return 3
	case token.IMAG:
		return 4
	case token.STRING, token.IDENT:
		return 5
	}
	return 0
}

// untypedKind reports whether a is an untyped constant expression made of
// literals (and true or false, reported as token.IDENT), and its kind.
func (s *Session) untypedKind(a ast.Expr, defs map[string]ast.Expr, shadow map[string]bool) (token.Token, bool) {
	if id, ok := ast.Unparen(a).(*ast.Ident); ok && (id.Name == "true" || id.Name == "false") {
		_, local := defs[id.Name]
		if !local && !shadow[id.Name] && s.globalType(id.Name) == "" {
			return token.IDENT, true
		}
		return 0, false
	}
	if b, ok := ast.Unparen(a).(*ast.BinaryExpr); ok {
		switch b.Op {
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
			if _, ok := untypedConst(b); ok {
				return token.IDENT, true // a comparison of constants: an untyped bool
			}
			return 0, false
		}
	}
	return untypedConst(a)
}

// globalType spells the type of a global of the session, "" when there is
// none or it cannot.
func (s *Session) globalType(name string) string {
	c := s.comp
	c.mu.RLock()
	t := c.globals[name]
	c.mu.RUnlock()
	if t == nil {
		return ""
	}
	if src := s.typeSource(t); src != "" {
		return src
	}
	return "?"
}

// argType is an argument's type as written in the source or known to the
// session, or nil; depth bounds the chains of definitions followed.
func (s *Session) argType(ty *staticTyper, a ast.Expr, defs map[string]ast.Expr, shadow map[string]bool, depth int) ast.Expr {
	a = ast.Unparen(a)
	switch a := a.(type) {
	case *ast.FuncLit:
		if usesAny(a.Type, shadow) {
			return nil
		}
		return a.Type
	case *ast.CompositeLit:
		if a.Type == nil || usesAny(a.Type, shadow) {
			return nil
		}
		return a.Type
	}
	if usesAny(a, shadow) || depth > 8 {
		return nil
	}
	switch a := a.(type) {
	case *ast.Ident:
		if v, ok := defs[a.Name]; ok {
			if k, ok := s.untypedKind(v, defs, shadow); ok {
				return ast.NewIdent(constDefault[k])
			}
			return s.argType(ty, v, defs, shadow, depth+1)
		}
	case *ast.CallExpr:
		if t := s.conversionType(a, defs); t != nil {
			return t
		}
		if r := s.instanceResult(a, defs); r != nil {
			return r
		}
	case *ast.UnaryExpr:
		if a.Op == token.AND {
			if cl, ok := ast.Unparen(a.X).(*ast.CompositeLit); ok && cl.Type != nil {
				return &ast.StarExpr{X: cl.Type}
			}
		}
	}
	if t := ty.typeOf(a); t != nil {
		if src := s.typeSource(t); src != "" {
			if e, err := parser.ParseExpr(src); err == nil {
				return e
			}
		}
	}
	return nil
}

// usesAny reports whether e uses one of the names (a selector's field or
// method name, and the names a field list declares, aside).
func usesAny(e ast.Node, names map[string]bool) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			found = found || usesAny(n.X, names)
			return false
		case *ast.Field: // a parameter's or field's name declares it
			found = found || usesAny(n.Type, names)
			return false
		case *ast.Ident:
			found = found || names[n.Name]
		}
		return !found
	})
	return found
}

// conversionType is the type of a conversion T(x) to a type the source
// spells: a predeclared type, a type a cell declared, or a type literal
// ([]float32(xs)); nil for anything else (compiled package types are
// typed through the symbol tables).
func (s *Session) conversionType(call *ast.CallExpr, defs map[string]ast.Expr) ast.Expr {
	if len(call.Args) != 1 {
		return nil
	}
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		if _, local := defs[f.Name]; local {
			return nil
		}
		c := s.comp
		c.mu.RLock()
		doc, cellDecl := c.cellDocs[f.Name]
		_, global := c.globals[f.Name]
		c.mu.RUnlock()
		switch {
		case cellDecl && strings.HasPrefix(doc, "type "+f.Name+" "):
			return f
		case !cellDecl && !global && predeclared[f.Name] != nil:
			return f
		}
	case *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.FuncType:
		return f
	}
	return nil
}

// instanceResult is the result type of a call of a cell's generic
// function with its type arguments written (G[A, B](...)) and one result,
// with the type arguments put in; nil otherwise.
func (s *Session) instanceResult(call *ast.CallExpr, defs map[string]ast.Expr) ast.Expr {
	var fn ast.Expr
	var targs []ast.Expr
	switch f := call.Fun.(type) {
	case *ast.IndexExpr:
		fn, targs = f.X, []ast.Expr{f.Index}
	case *ast.IndexListExpr:
		fn, targs = f.X, f.Indices
	}
	g, ok := fn.(*ast.Ident)
	if !ok {
		return nil
	}
	ft := s.generics[g.Name]
	if _, local := defs[g.Name]; ft == nil || local || ft.Results == nil || len(fieldTypes(ft.Results)) != 1 {
		return nil
	}
	fset := token.NewFileSet()
	subst := map[string]string{}
	i := 0
	for _, f := range ft.TypeParams.List {
		for _, n := range f.Names {
			if i < len(targs) {
				subst[n.Name] = nodeString(fset, targs[i])
			}
			i++
		}
	}
	if i != len(targs) {
		return nil
	}
	src := substType(fieldTypes(ft.Results)[0], subst, fset)
	typ, err := parser.ParseExpr(src)
	if src == "" || err != nil {
		return nil
	}
	return typ
}

// unify matches a parameter type against an argument type, binding the
// type parameters (bound's keys) it meets; false on a conflict.
func unify(p, a ast.Expr, bound map[string]string, fset *token.FileSet) bool {
	if a == nil {
		return true
	}
	switch p := p.(type) {
	case *ast.Ident:
		if prev, ok := bound[p.Name]; ok {
			got := nodeString(fset, a)
			if prev != "" && prev != got {
				return false
			}
			bound[p.Name] = got
		}
		return true
	case *ast.ParenExpr:
		return unify(p.X, a, bound, fset)
	case *ast.StarExpr:
		if a, ok := a.(*ast.StarExpr); ok {
			return unify(p.X, a.X, bound, fset)
		}
	case *ast.ArrayType:
		if a, ok := a.(*ast.ArrayType); ok && (p.Len == nil) == (a.Len == nil) {
			return unify(p.Elt, a.Elt, bound, fset)
		}
	case *ast.MapType:
		if a, ok := a.(*ast.MapType); ok {
			return unify(p.Key, a.Key, bound, fset) && unify(p.Value, a.Value, bound, fset)
		}
	case *ast.ChanType:
		if a, ok := a.(*ast.ChanType); ok {
			return unify(p.Value, a.Value, bound, fset)
		}
	case *ast.FuncType:
		if a, ok := a.(*ast.FuncType); ok {
			return unifyFields(p.Params, a.Params, bound, fset) && unifyFields(p.Results, a.Results, bound, fset)
		}
	case *ast.SelectorExpr, *ast.IndexExpr, *ast.IndexListExpr, *ast.InterfaceType, *ast.StructType:
		return true // a named or interface type: no binding from here
	}
	return false // shapes differ: yaegi reports the mismatch
}

// unifyFields unifies two parameter or result lists, one type per value.
func unifyFields(p, a *ast.FieldList, bound map[string]string, fset *token.FileSet) bool {
	pt, at := fieldTypes(p), fieldTypes(a)
	if len(pt) != len(at) {
		return false
	}
	for i := range pt {
		if !unify(pt[i], at[i], bound, fset) {
			return false
		}
	}
	return true
}

func fieldTypes(l *ast.FieldList) []ast.Expr {
	if l == nil {
		return nil
	}
	var out []ast.Expr
	for _, f := range l.List {
		for range max(1, len(f.Names)) {
			out = append(out, f.Type)
		}
	}
	return out
}

// typeGenericVar gives an untyped top-level `var v = G[A, B](...)` of a
// cell's generic function G with one result its type R, the result type
// with the type arguments put in: yaegi v0.16.1 cannot type it ("cannot
// infer the type"), and the typed declaration is then run as var v R plus
// v = G[A, B](...) (see liftVarInits).
func (s *Session) typeGenericVar(vs *ast.ValueSpec, defs map[string]ast.Expr) {
	if vs.Type != nil || len(vs.Names) != 1 || len(vs.Values) != 1 || vs.Names[0].Name == "_" {
		return
	}
	if typ := s.exprResult(vs.Values[0], defs); typ != nil {
		ast.Inspect(typ, func(n ast.Node) bool { setPos(n, vs.Names[0].End()); return true })
		vs.Type = typ
	}
}

// typeGenericDefines turns a top-level `v := G[A, B](...)` of a cell's
// generic function G with one result into `var v R; v = G[A, B](...)`, R
// the result type with the type arguments put in: yaegi v0.16.1 fails the
// definition as "not a generic type". A definition of several variables
// (p, q := G[A](x), H[B](y)) is rewritten so when every value is such a
// call.
func (s *Session) typeGenericDefines(body *ast.BlockStmt, defs map[string]ast.Expr) {
	var out []ast.Stmt
	for _, st := range body.List {
		as, ok := st.(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE || len(as.Lhs) != len(as.Rhs) {
			out = append(out, st)
			continue
		}
		var decls []ast.Stmt
		for i, l := range as.Lhs {
			id, ok := l.(*ast.Ident)
			if !ok || id.Name == "_" {
				break
			}
			typ := s.exprResult(as.Rhs[i], defs)
			if typ == nil {
				break
			}
			ast.Inspect(typ, func(n ast.Node) bool { setPos(n, as.Pos()); return true })
			decls = append(decls, &ast.DeclStmt{Decl: &ast.GenDecl{TokPos: as.Pos(), Tok: token.VAR, Specs: []ast.Spec{&ast.ValueSpec{Names: []*ast.Ident{id}, Type: typ}}}})
		}
		if len(decls) != len(as.Lhs) {
			out = append(out, st)
			continue
		}
		lhs := make([]ast.Expr, len(as.Lhs))
		for i, l := range as.Lhs {
			lhs[i] = &ast.Ident{Name: l.(*ast.Ident).Name, NamePos: l.Pos()}
		}
		out = append(out, decls...)
		out = append(out, &ast.AssignStmt{Lhs: lhs, TokPos: as.TokPos, Tok: token.ASSIGN, Rhs: as.Rhs})
	}
	body.List = out
}

// exprResult is the type of e when e is a call instanceResult types, or
// an expression built on one with operands Go types alike: Id[int](3) + 1,
// -Id[int](3), Id[float64](x) * Id[float64](y) and Id[int](3) << 2 have
// the call's type, a comparison is a bool. An operand of any other kind (a
// variable, a call of something else) leaves e untyped (nil), because its
// type could differ from the call's or be untyped only in Go's eyes.
func (s *Session) exprResult(e ast.Expr, defs map[string]ast.Expr) ast.Expr {
	switch e := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		return s.instanceResult(e, defs)
	case *ast.UnaryExpr:
		switch e.Op {
		case token.ADD, token.SUB, token.XOR:
			return s.exprResult(e.X, defs)
		}
	case *ast.BinaryExpr:
		x, y := s.exprResult(e.X, defs), s.exprResult(e.Y, defs)
		switch e.Op {
		case token.SHL, token.SHR:
			return x
		case token.LAND, token.LOR:
			return nil
		}
		_, xlit := ast.Unparen(e.X).(*ast.BasicLit)
		_, ylit := ast.Unparen(e.Y).(*ast.BasicLit)
		var typ ast.Expr
		fset := token.NewFileSet()
		switch {
		case x != nil && y != nil && nodeString(fset, x) == nodeString(fset, y):
			typ = x
		case x != nil && ylit:
			typ = x
		case y != nil && xlit:
			typ = y
		default:
			return nil
		}
		switch e.Op {
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
			return &ast.Ident{Name: "bool", NamePos: e.Pos()}
		}
		return typ
	}
	return nil
}

// substType writes a type expression with type parameters replaced; ""
// for a form it does not follow.
func substType(e ast.Expr, subst map[string]string, fset *token.FileSet) string {
	sub := func(x ast.Expr) string { return substType(x, subst, fset) }
	switch e := e.(type) {
	case *ast.Ident:
		if t, ok := subst[e.Name]; ok {
			return t
		}
		return e.Name
	case *ast.SelectorExpr:
		return nodeString(fset, e)
	case *ast.ParenExpr:
		return sub(e.X)
	case *ast.StarExpr:
		if x := sub(e.X); x != "" {
			return "*" + x
		}
	case *ast.ArrayType:
		if e.Len == nil {
			if x := sub(e.Elt); x != "" {
				return "[]" + x
			}
		}
	case *ast.MapType:
		if k, v := sub(e.Key), sub(e.Value); k != "" && v != "" {
			return "map[" + k + "]" + v
		}
	}
	return ""
}
