package runtime

import (
	"go/ast"
	"go/token"
	"reflect"
)

// yaegi v0.16.1 has no min and max builtins. The prelude's generic min and
// max cover the predeclared types, but instantiating them with a compiled
// named type (time.Duration, tensor.DType) panics in yaegi's compiler. So
// the pre-pass computes every min and max call it can move out of its
// expression with plain comparisons, into temporaries declared just before
// the statement:
//
//	e := min(d, time.Second) + time.Millisecond
//
// becomes
//
//	_gt_m1 := d
//	if _gt_a2 := time.Second; _gt_a2 < _gt_m1 || _gt_a2 != _gt_a2 { _gt_m1 = _gt_a2 }
//	e := _gt_m1 + time.Millisecond
//
// (x != x is true only for NaN, which wins as with the builtins). Calls it
// cannot move keep the generic: those in a for loop's init and post
// statements and in a select case; with a compiled named type there, the
// compile error says to compute the value beforehand. On the right of &&
// and ||, they run inside an if on the left side's value. A for loop's condition is checked at the top of its body
// instead, an if or switch with an init statement moves the init into a
// block before it, and an else-if becomes an else block. (Function literals' own
// statements are rewritten where they stand.) The arguments of a moved call are evaluated
// before the rest of its statement.

// hoistMinMax returns s preceded by the temporaries of its min and max
// calls (in a block of their own unless s defines names the rest of the
// cell needs), or nil when s has none it can move.
func (r *rewriter) hoistMinMax(s ast.Stmt) []ast.Stmt {
	if r.done[s] {
		return nil
	}
	var exprs []*ast.Expr
	flat := false // keep the temporaries beside s (s defines names, or is a cell's trailing expression)
	switch st := s.(type) {
	case *ast.ExprStmt:
		exprs, flat = append(exprs, &st.X), true
	case *ast.AssignStmt:
		for i := range st.Rhs {
			exprs = append(exprs, &st.Rhs[i])
		}
		flat = st.Tok == token.DEFINE
	case *ast.ReturnStmt:
		for i := range st.Results {
			exprs = append(exprs, &st.Results[i])
		}
	case *ast.DeclStmt:
		if g, ok := st.Decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
			for _, sp := range g.Specs {
				vs := sp.(*ast.ValueSpec)
				for i := range vs.Values {
					exprs = append(exprs, &vs.Values[i])
				}
			}
			flat = true
		}
	case *ast.SendStmt:
		exprs = append(exprs, &st.Value)
	case *ast.ForStmt:
		r.condIntoBody(st)
		return nil
	case *ast.IfStmt:
		if ei, ok := st.Else.(*ast.IfStmt); ok && (containsMinMax(ei.Cond) || containsMinMax(ei.Init)) {
			// else if c → else { if c }: the inner if is then a statement
			// of a list, rewritten when the walk reaches it.
			st.Else = &ast.BlockStmt{Lbrace: ei.Pos(), List: []ast.Stmt{ei}, Rbrace: ei.End()}
		}
		if st.Init != nil && (containsMinMax(st.Cond) || containsMinMax(st.Init)) {
			return r.moveInit(s, &st.Init)
		}
		exprs = append(exprs, &st.Cond)
	case *ast.SwitchStmt:
		if st.Init != nil && (containsMinMax(st.Tag) || containsMinMax(st.Init)) {
			return r.moveInit(s, &st.Init)
		}
		if st.Tag != nil {
			exprs = append(exprs, &st.Tag)
		}
	}
	var pre []ast.Stmt
	for _, e := range exprs {
		r.hoistIn(e, &pre)
	}
	if len(pre) == 0 {
		return nil
	}
	for _, p := range pre {
		r.done[p] = true
	}
	if flat || r.flat[s] {
		return append(pre, s)
	}
	block := &ast.BlockStmt{Lbrace: s.Pos(), List: append(pre, s), Rbrace: s.End()}
	r.done[block] = true
	return []ast.Stmt{block}
}

// hoistIn replaces the min and max calls in *e, innermost first, by
// temporaries computed in pre.
func (r *rewriter) hoistIn(e *ast.Expr, pre *[]ast.Stmt) {
	switch x := (*e).(type) {
	case *ast.CallExpr:
		r.hoistIn(&x.Fun, pre)
		for i := range x.Args {
			r.hoistIn(&x.Args[i], pre)
		}
		if r.isMinMax(x) && !x.Ellipsis.IsValid() && len(x.Args) > 0 {
			*e = r.minMaxInto(x, pre)
		}
	case *ast.BinaryExpr:
		r.hoistIn(&x.X, pre)
		if x.Op != token.LAND && x.Op != token.LOR {
			r.hoistIn(&x.Y, pre)
		} else if containsMinMax(x.Y) {
			*e = r.shortCircuit(x, pre)
		}
	case *ast.UnaryExpr:
		if x.Op != token.ARROW {
			r.hoistIn(&x.X, pre)
		}
	case *ast.ParenExpr:
		r.hoistIn(&x.X, pre)
	case *ast.StarExpr:
		r.hoistIn(&x.X, pre)
	case *ast.SelectorExpr:
		r.hoistIn(&x.X, pre)
	case *ast.IndexExpr:
		r.hoistIn(&x.X, pre)
		r.hoistIn(&x.Index, pre)
	case *ast.SliceExpr:
		for _, p := range []*ast.Expr{&x.X, &x.Low, &x.High, &x.Max} {
			if *p != nil {
				r.hoistIn(p, pre)
			}
		}
	case *ast.CompositeLit:
		for i := range x.Elts {
			r.hoistIn(&x.Elts[i], pre)
		}
	case *ast.KeyValueExpr:
		r.hoistIn(&x.Value, pre)
	case *ast.TypeAssertExpr:
		r.hoistIn(&x.X, pre)
	}
}

// isMinMax reports whether call calls the min or max builtin (the
// prelude's), not a function of the same name a cell declared.
func (r *rewriter) isMinMax(call *ast.CallExpr) bool {
	id, ok := call.Fun.(*ast.Ident)
	return ok && (id.Name == "min" || id.Name == "max") && !r.shadowed[id.Name]
}

// shortCircuit turns a && b (or a || b) whose b has min or max calls into
// `c := a; if c { ...b's temporaries...; c = b }` (if !c for ||), so b's
// calls still run only when b is evaluated, and returns c.
func (r *rewriter) shortCircuit(x *ast.BinaryExpr, pre *[]ast.Stmt) ast.Expr {
	p := x.OpPos
	c := r.fresh("_gt_c", p)
	use := func() *ast.Ident { return &ast.Ident{Name: c.Name, NamePos: p} }
	*pre = append(*pre, &ast.AssignStmt{Lhs: []ast.Expr{c}, Tok: token.DEFINE, Rhs: []ast.Expr{x.X}, TokPos: p})
	var inner []ast.Stmt
	r.hoistIn(&x.Y, &inner)
	inner = append(inner, &ast.AssignStmt{Lhs: []ast.Expr{use()}, Tok: token.ASSIGN, Rhs: []ast.Expr{x.Y}, TokPos: p})
	var cond ast.Expr = use()
	if x.Op == token.LOR {
		cond = &ast.UnaryExpr{OpPos: p, Op: token.NOT, X: use()}
	}
	*pre = append(*pre, &ast.IfStmt{If: p, Cond: cond, Body: &ast.BlockStmt{Lbrace: p, List: inner, Rbrace: x.End()}})
	return use()
}

// minMaxInto appends the statements computing call to pre and returns the
// temporary that holds its value.
func (r *rewriter) minMaxInto(call *ast.CallExpr, pre *[]ast.Stmt) ast.Expr {
	minMaxArgs(call)
	r.inlineConsts(call.Args)
	if len(call.Args) == 1 {
		return &ast.ParenExpr{Lparen: call.Pos(), X: call.Args[0], Rparen: call.End()}
	}
	op := token.LSS
	if call.Fun.(*ast.Ident).Name == "max" {
		op = token.GTR
	}
	pos := call.Pos()
	acc := r.fresh("_gt_m", pos)
	use := func(p token.Pos) *ast.Ident { return &ast.Ident{Name: acc.Name, NamePos: p} }
	*pre = append(*pre, &ast.AssignStmt{Lhs: []ast.Expr{acc}, Tok: token.DEFINE, Rhs: []ast.Expr{call.Args[0]}, TokPos: pos})
	for _, a := range call.Args[1:] {
		p := a.Pos()
		if _, ok := untypedConst(a); ok {
			// No temporary: it would be an int or float64, not acc's type.
			*pre = append(*pre, &ast.IfStmt{
				If:   p,
				Cond: &ast.BinaryExpr{X: a, Op: op, Y: use(p), OpPos: p},
				Body: &ast.BlockStmt{Lbrace: p, List: []ast.Stmt{
					&ast.AssignStmt{Lhs: []ast.Expr{use(p)}, Tok: token.ASSIGN, Rhs: []ast.Expr{a}, TokPos: p},
				}, Rbrace: a.End()},
			})
			continue
		}
		t := r.fresh("_gt_a", p)
		tv := func() *ast.Ident { return &ast.Ident{Name: t.Name, NamePos: p} }
		*pre = append(*pre, &ast.IfStmt{
			If:   p,
			Init: &ast.AssignStmt{Lhs: []ast.Expr{t}, Tok: token.DEFINE, Rhs: []ast.Expr{a}, TokPos: p},
			Cond: &ast.BinaryExpr{
				X:  &ast.BinaryExpr{X: tv(), Op: op, Y: use(p), OpPos: p},
				Op: token.LOR, OpPos: p,
				Y: &ast.BinaryExpr{X: tv(), Op: token.NEQ, Y: tv(), OpPos: p},
			},
			Body: &ast.BlockStmt{Lbrace: p, List: []ast.Stmt{
				&ast.AssignStmt{Lhs: []ast.Expr{use(p)}, Tok: token.ASSIGN, Rhs: []ast.Expr{tv()}, TokPos: p},
			}, Rbrace: a.End()},
		})
	}
	return use(pos)
}

// containsMinMax reports whether e (an expression or a simple statement)
// calls min or max outside function literals.
func containsMinMax(e ast.Node) bool {
	found := false
	if e == nil || reflect.ValueOf(e).IsNil() {
		return false
	}
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			id, ok := n.Fun.(*ast.Ident)
			found = ok && (id.Name == "min" || id.Name == "max")
		}
		return !found
	})
	return found
}

// moveInit turns `if init; c {...}` (or a switch) into
// `{ init; if c {...} }`: the same scopes, with c now a statement's own
// condition whose min and max calls can move.
func (r *rewriter) moveInit(s ast.Stmt, init *ast.Stmt) []ast.Stmt {
	first := *init
	*init = nil
	block := &ast.BlockStmt{Lbrace: s.Pos(), List: []ast.Stmt{first, s}, Rbrace: s.End()}
	return []ast.Stmt{block}
}

// condIntoBody turns `for init; c; post { body }` with min or max in c into
// `for init; ; post { if !(c) { break }; body }`: c is still checked before
// each iteration (continue runs post, then the check), and the check is a
// statement whose calls can move, its temporaries beside it in the body.
func (r *rewriter) condIntoBody(st *ast.ForStmt) {
	if !containsMinMax(st.Cond) {
		return
	}
	p := st.Cond.Pos()
	check := &ast.IfStmt{
		If:   p,
		Cond: &ast.UnaryExpr{OpPos: p, Op: token.NOT, X: &ast.ParenExpr{Lparen: p, X: st.Cond, Rparen: st.Cond.End()}},
		Body: &ast.BlockStmt{Lbrace: p, List: []ast.Stmt{&ast.BranchStmt{TokPos: p, Tok: token.BREAK}}, Rbrace: st.Cond.End()},
	}
	r.flat[check] = true
	st.Body.List = append([]ast.Stmt{check}, st.Body.List...)
	st.Cond = nil
}
