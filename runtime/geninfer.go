package runtime

import (
	"go/ast"
	"go/parser"
	"go/token"
)

// yaegi v0.16.1 infers a type parameter that only a function argument's
// result gives wrongly: Map[T, U any](xs []T, f func(T) U) called as
// Map(xs, func(i int) string {...}) fails as "cannot use type func(int)
// string as type func(int) int". Go's inference is a unification of the
// parameter types with the argument types; this pre-pass step does it on
// the source for calls of generic functions a cell declared where such a
// parameter exists, with the types written in the arguments (function
// literals, composite literals, conversions) or known for globals, and
// writes the type arguments out: Map[int, string](xs, func...). Anything
// it cannot work out stays as written.

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

// funcResultParam reports whether a parameter of ft has a function type
// with results.
func funcResultParam(ft *ast.FuncType) bool {
	for _, p := range ft.Params.List {
		if pf, ok := p.Type.(*ast.FuncType); ok && pf.Results != nil && len(pf.Results.List) > 0 {
			return true
		}
	}
	return false
}

// instantiateGenerics rewrites the calls under n of the recorded generic
// functions whose type arguments unification finds.
func (s *Session) instantiateGenerics(n ast.Node, defs map[string]ast.Expr) {
	if len(s.generics) == 0 {
		return
	}
	ast.Inspect(n, func(x ast.Node) bool {
		call, ok := x.(*ast.CallExpr)
		if !ok {
			return true
		}
		id, ok := call.Fun.(*ast.Ident)
		if !ok {
			return true
		}
		ft := s.generics[id.Name]
		if _, local := defs[id.Name]; ft == nil || local || !funcResultParam(ft) {
			return true
		}
		if args := s.inferTypeArgs(ft, call.Args, defs); args != nil {
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
// nil unless every type parameter is found.
func (s *Session) inferTypeArgs(ft *ast.FuncType, args []ast.Expr, defs map[string]ast.Expr) []ast.Expr {
	var names []string
	bound := map[string]string{}
	for _, f := range ft.TypeParams.List {
		for _, n := range f.Names {
			names = append(names, n.Name)
			bound[n.Name] = ""
		}
	}
	var params []ast.Expr
	for _, f := range ft.Params.List {
		if _, ok := f.Type.(*ast.Ellipsis); ok {
			return nil // variadic: left to yaegi
		}
		for range max(1, len(f.Names)) {
			params = append(params, f.Type)
		}
	}
	if len(params) != len(args) {
		return nil
	}
	ty := &staticTyper{s: s, defs: defs, seen: map[string]bool{}}
	fset := token.NewFileSet()
	for i, a := range args {
		at := s.argType(ty, a)
		if at == nil {
			continue
		}
		if !unify(params[i], at, bound, fset) {
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

// argType is an argument's type as written in the source, or nil.
func (s *Session) argType(ty *staticTyper, a ast.Expr) ast.Expr {
	switch a := ast.Unparen(a).(type) {
	case *ast.FuncLit:
		return a.Type
	case *ast.CompositeLit:
		return a.Type
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

// typeGenericDefines turns a top-level `v := G[A, B](...)` of a cell's
// generic function G with one result into `var v R; v = G[A, B](...)`, R
// the result type with the type arguments put in: yaegi v0.16.1 fails the
// definition as "not a generic type".
func (s *Session) typeGenericDefines(body *ast.BlockStmt, defs map[string]ast.Expr) {
	var out []ast.Stmt
	for _, st := range body.List {
		out = append(out, st)
		as, ok := st.(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			continue
		}
		id, ok := as.Lhs[0].(*ast.Ident)
		call, ok2 := ast.Unparen(as.Rhs[0]).(*ast.CallExpr)
		if !ok || !ok2 || id.Name == "_" {
			continue
		}
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
			continue
		}
		ft := s.generics[g.Name]
		if _, local := defs[g.Name]; ft == nil || local || ft.Results == nil || len(fieldTypes(ft.Results)) != 1 {
			continue
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
			continue
		}
		src := substType(fieldTypes(ft.Results)[0], subst, fset)
		typ, err := parser.ParseExpr(src)
		if src == "" || err != nil {
			continue
		}
		ast.Inspect(typ, func(n ast.Node) bool { setPos(n, as.Pos()); return true })
		out[len(out)-1] = &ast.DeclStmt{Decl: &ast.GenDecl{TokPos: as.Pos(), Tok: token.VAR, Specs: []ast.Spec{&ast.ValueSpec{Names: []*ast.Ident{id}, Type: typ}}}}
		out = append(out, &ast.AssignStmt{Lhs: []ast.Expr{&ast.Ident{Name: id.Name, NamePos: id.Pos()}}, TokPos: as.TokPos, Tok: token.ASSIGN, Rhs: as.Rhs})
	}
	body.List = out
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
