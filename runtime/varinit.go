package runtime

import (
	"go/ast"
	"go/token"
	"strings"
)

// yaegi v0.16.1 orders the initialization of a compile's global variables
// by their dependencies, and knows only the variables of that compile: a
// `var y = x` whose x a statement (x := 1) or an earlier cell defined fails
// at run time with "variable definition loop". liftVarInits turns such a
// declaration into a statement run after the cell's declarations: a typed
// `var y T = x` keeps `var y T` and adds `y = x`, an untyped `var y = x`
// becomes `y := x`. Declarations whose values use none of those (the usual
// case, and the only one where a function of the same cell may use an
// untyped variable) stay as they are, but for the comma-ok forms
// (var v, ok = m[k], x.(T), <-ch), which yaegi's compiler panics on in a
// declaration, and typed ones calling a generic instance (see
// callsInstance).
func (p *prep) liftVarInits(f *ast.File) []ast.Stmt {
	var lifted []ast.Stmt
	decls := f.Decls[:0]
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			decls = append(decls, d)
			continue
		}
		specs := g.Specs[:0]
		for _, sp := range g.Specs {
			vs := sp.(*ast.ValueSpec)
			p.noteVarSpec(vs)
			commaOK := len(vs.Names) == 2 && len(vs.Values) == 1 && vs.Type == nil && multiValue(vs.Values[0], 2) && !isCall(vs.Values[0])
			generic := vs.Type != nil && p.callsGeneric(vs.Values)
			if len(vs.Values) == 0 || !commaOK && !generic && !p.usesOuterVar(vs.Values) {
				specs = append(specs, vs)
				continue
			}
			lhs := make([]ast.Expr, len(vs.Names))
			for i, n := range vs.Names {
				lhs[i] = &ast.Ident{Name: n.Name, NamePos: n.Pos()}
			}
			tok := token.DEFINE
			if vs.Type != nil {
				tok = token.ASSIGN
				specs = append(specs, &ast.ValueSpec{Doc: vs.Doc, Names: vs.Names, Type: vs.Type, Comment: vs.Comment})
			}
			as := &ast.AssignStmt{Lhs: lhs, TokPos: vs.Pos(), Tok: tok, Rhs: vs.Values}
			if p.lifted == nil {
				p.lifted = map[ast.Stmt]bool{}
			}
			p.lifted[as] = true
			lifted = append(lifted, as)
		}
		if len(specs) > 0 {
			g.Specs = specs
			decls = append(decls, g)
		}
	}
	f.Decls = decls
	return lifted
}

// usesOuterVar reports whether values name a variable defined by an
// earlier cell or by a statement of this one.
func (p *prep) usesOuterVar(values []ast.Expr) bool {
	c := p.s.comp
	c.mu.RLock()
	defer c.mu.RUnlock()
	found := false
	for _, v := range values {
		ast.Inspect(v, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				ast.Inspect(n.X, func(x ast.Node) bool {
					if id, ok := x.(*ast.Ident); ok && p.isOuterVar(id.Name) {
						found = true
					}
					return !found
				})
				return false
			case *ast.Ident:
				found = found || p.isOuterVar(n.Name)
			}
			return !found
		})
	}
	return found
}

// isOuterVar: name is a global variable of the session or a name a
// statement of this cell defined. The caller holds the completer's lock.
func (p *prep) isOuterVar(name string) bool {
	if _, ok := p.defs[name]; ok {
		return true
	}
	_, ok := p.s.comp.globals[name]
	return ok
}

// callsGeneric reports whether values call a generic function: an
// instance (Map[int, string](...), or a call written F[T](...)) or a
// generic function a cell declared (Map(xs, f)). yaegi v0.16.1 leaves a
// typed global declared with such a value at its zero value, or fails it as
// "variable definition loop", so the declaration is lifted (var v T;
// v = ...).
func (p *prep) callsGeneric(values []ast.Expr) bool {
	c := p.s.comp
	c.mu.RLock()
	defer c.mu.RUnlock()
	found := false
	for _, v := range values {
		ast.Inspect(v, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				switch fun := ast.Unparen(call.Fun).(type) {
				case *ast.IndexExpr, *ast.IndexListExpr:
					found = true
				case *ast.Ident:
					found = strings.HasPrefix(c.cellDocs[fun.Name], "func "+fun.Name+"[")
				}
			}
			return !found
		})
	}
	return found
}

func isCall(e ast.Expr) bool {
	_, ok := ast.Unparen(e).(*ast.CallExpr)
	return ok
}

// noteVarSpec records a declared variable's value (or, for a typed one, a
// stand-in T{} of its type) among the cell's definitions, for the typed
// retry of index definitions (see indexdefine.go).
func (p *prep) noteVarSpec(vs *ast.ValueSpec) {
	for i, n := range vs.Names {
		switch {
		case vs.Type != nil:
			p.defs[n.Name] = &ast.CompositeLit{Type: vs.Type, Lbrace: n.Pos(), Rbrace: n.Pos()}
		case len(vs.Values) == len(vs.Names):
			p.defs[n.Name] = vs.Values[i]
		default:
			delete(p.defs, n.Name)
		}
	}
}
