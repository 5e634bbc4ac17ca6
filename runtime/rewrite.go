package runtime

import (
	"go/ast"
	"go/token"
	"reflect"
)

// The rewrites below give cells Go 1.22+ semantics that yaegi v0.16.1 lacks.
// They edit the parsed AST in place before yaegi compiles it; new nodes carry
// the position of the node they replace so errors still point into the cell.

// intTyped reports whether the expression of `for ... range x` is an integer,
// which yaegi cannot range over. Without a type checker this looks at the
// expression itself (integer literals, len/cap, int(...) conversions,
// arithmetic on those), at local declarations with an integer type, and at
// the session's integer globals.
type intOracle struct {
	globals func(name string) (reflect.Kind, bool)
	locals  map[string]bool // identifiers declared with an integer type in the enclosing function
}

var intTypeNames = map[string]bool{
	"int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true, "uintptr": true,
	"byte": true, "rune": true,
}

func (o *intOracle) isInt(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Kind == token.INT
	case *ast.ParenExpr:
		return o.isInt(e.X)
	case *ast.BinaryExpr:
		switch e.Op {
		case token.SHL, token.SHR:
			return o.isInt(e.X)
		}
		return o.isInt(e.X) || o.isInt(e.Y)
	case *ast.UnaryExpr:
		return e.Op != token.ARROW && o.isInt(e.X)
	case *ast.CallExpr:
		if id, ok := e.Fun.(*ast.Ident); ok {
			return id.Name == "len" || id.Name == "cap" || intTypeNames[id.Name]
		}
		if sel, ok := e.Fun.(*ast.SelectorExpr); ok {
			// x.Numel(), x.Dim(), x.Len(), x.Size(): integer-valued by convention.
			switch sel.Sel.Name {
			case "Numel", "Dim", "Len", "Size", "NumElem", "Count":
				return true
			}
		}
	case *ast.Ident:
		if o.locals[e.Name] {
			return true
		}
		if o.globals != nil {
			if k, ok := o.globals(e.Name); ok {
				return k >= reflect.Int && k <= reflect.Uintptr
			}
		}
	}
	return false
}

// noteLocal records integer-typed declarations seen while walking a function.
func (o *intOracle) noteLocal(n ast.Node) {
	switch n := n.(type) {
	case *ast.Field:
		if id, ok := n.Type.(*ast.Ident); ok && intTypeNames[id.Name] {
			for _, name := range n.Names {
				o.locals[name.Name] = true
			}
		}
	case *ast.ValueSpec:
		if id, ok := n.Type.(*ast.Ident); ok && intTypeNames[id.Name] {
			for _, name := range n.Names {
				o.locals[name.Name] = true
			}
		} else if n.Type == nil {
			for i, name := range n.Names {
				if i < len(n.Values) && o.isInt(n.Values[i]) {
					o.locals[name.Name] = true
				}
			}
		}
	case *ast.AssignStmt:
		if n.Tok == token.DEFINE && len(n.Lhs) == len(n.Rhs) {
			for i, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok && o.isInt(n.Rhs[i]) {
					o.locals[id.Name] = true
				}
			}
		}
	}
}

// rewriter applies the cell rewrites to one segment's AST.
type rewriter struct {
	oracle *intOracle
	// handles names the variables holding a *display.Handle, across cells.
	handles map[string]bool
	// floatConst returns the value of pkg.Name when it is an untyped float
	// constant of a compiled package (math.Pi).
	floatConst func(pkg, name string) (string, bool)
	n          *int              // counter for fresh names (the session's: generated globals stay unique)
	done       map[ast.Stmt]bool // statements already rewritten or generated
	flat       map[ast.Stmt]bool // statements whose min/max temporaries need no block (see condIntoBody)
	// shadowed names min or max when a cell declared its own, which the
	// min/max rewrites then leave alone.
	shadowed map[string]bool
}

func newRewriter(o *intOracle) *rewriter {
	if o.locals == nil {
		o.locals = map[string]bool{}
	}
	return &rewriter{oracle: o, done: map[ast.Stmt]bool{}, flat: map[ast.Stmt]bool{}, n: new(int)}
}

// fresh returns a new identifier at pos (positions matter: yaegi reports a
// panic at the first node of a block, which may be a generated one).
func (r *rewriter) fresh(prefix string, pos token.Pos) *ast.Ident {
	*r.n++
	return &ast.Ident{Name: prefix + itoa(*r.n), NamePos: pos}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// rewrite walks node and rewrites every statement list inside it.
func (r *rewriter) rewrite(node ast.Node) {
	ast.Inspect(node, func(n ast.Node) bool {
		r.oracle.noteLocal(n)
		switch n := n.(type) {
		case *ast.CallExpr:
			if r.isMinMax(n) {
				minMaxArgs(n)
			}
			r.richArg(n)
			r.inlineConsts(n.Args)
		case *ast.BinaryExpr:
			r.inlineConst(&n.X)
			r.inlineConst(&n.Y)
		case *ast.UnaryExpr:
			r.inlineConst(&n.X)
		case *ast.ParenExpr:
			r.inlineConst(&n.X)
		case *ast.ValueSpec:
			r.inlineConsts(n.Values)
		case *ast.ReturnStmt:
			r.inlineConsts(n.Results)
		case *ast.CompositeLit:
			r.inlineConsts(n.Elts)
		case *ast.KeyValueExpr:
			r.inlineConst(&n.Value)
		case *ast.AssignStmt:
			r.noteHandles(n)
			r.inlineConsts(n.Rhs)
		case *ast.BlockStmt:
			n.List = r.rewriteList(n.List)
		case *ast.CaseClause:
			n.Body = r.rewriteList(n.Body)
		case *ast.CommClause:
			n.Body = r.rewriteList(n.Body)
		}
		return true
	})
}

func (r *rewriter) rewriteList(list []ast.Stmt) []ast.Stmt {
	out := make([]ast.Stmt, 0, len(list))
	for _, s := range list {
		r.noteStmt(s)
		if exp := r.expandMinMax(s); exp != nil {
			out = append(out, exp...)
			continue
		}
		if exp := r.hoistMinMax(s); exp != nil {
			out = append(out, exp...)
			continue
		}
		out = append(out, r.rewriteStmt(s))
	}
	return out
}

// expandMinMax turns `x = min(a, b, c)` (and :=, and max) into plain
// comparisons: yaegi v0.16.1 cannot instantiate the prelude's generic min
// with a compiled named type such as time.Duration, and an assignment is
// where min and max are mostly used. Arguments are evaluated once, in
// order; unlike the builtins, a NaN argument after the first is skipped.
func (r *rewriter) expandMinMax(s ast.Stmt) []ast.Stmt {
	as, ok := s.(*ast.AssignStmt)
	if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 || (as.Tok != token.ASSIGN && as.Tok != token.DEFINE) {
		return nil
	}
	call, ok := as.Rhs[0].(*ast.CallExpr)
	if !ok || len(call.Args) < 2 || call.Ellipsis.IsValid() {
		return nil
	}
	fn, ok := call.Fun.(*ast.Ident)
	if !ok || !r.isMinMax(call) {
		return nil
	}
	op := token.LSS
	if fn.Name == "max" {
		op = token.GTR
	}
	minMaxArgs(call)
	r.inlineConsts(call.Args)
	pos := as.Pos()
	var acc *ast.Ident
	if as.Tok == token.DEFINE {
		id, ok := as.Lhs[0].(*ast.Ident)
		if !ok {
			return nil
		}
		acc = &ast.Ident{Name: id.Name, NamePos: id.Pos()}
	} else {
		acc = r.fresh("_gt_m", pos)
	}
	out := []ast.Stmt{&ast.AssignStmt{Lhs: []ast.Expr{acc}, Tok: token.DEFINE, Rhs: []ast.Expr{call.Args[0]}, TokPos: pos}}
	for _, a := range call.Args[1:] {
		t := r.fresh("_gt_a", a.Pos())
		out = append(out, &ast.IfStmt{
			If:   a.Pos(),
			Init: &ast.AssignStmt{Lhs: []ast.Expr{t}, Tok: token.DEFINE, Rhs: []ast.Expr{a}, TokPos: a.Pos()},
			Cond: &ast.BinaryExpr{X: t, Op: op, Y: &ast.Ident{Name: acc.Name, NamePos: a.Pos()}, OpPos: a.Pos()},
			Body: &ast.BlockStmt{Lbrace: a.Pos(), List: []ast.Stmt{
				&ast.AssignStmt{Lhs: []ast.Expr{&ast.Ident{Name: acc.Name, NamePos: a.Pos()}}, Tok: token.ASSIGN, Rhs: []ast.Expr{t}, TokPos: a.Pos()},
			}, Rbrace: a.End()},
		})
	}
	if as.Tok == token.DEFINE {
		return out
	}
	out = append(out, &ast.AssignStmt{Lhs: as.Lhs, Tok: token.ASSIGN, Rhs: []ast.Expr{&ast.Ident{Name: acc.Name, NamePos: pos}}, TokPos: pos})
	block := &ast.BlockStmt{Lbrace: pos, List: out, Rbrace: as.End()}
	r.done[block] = true
	return []ast.Stmt{block}
}

// noteStmt records the integer declarations of a statement before the
// statements after it are rewritten.
func (r *rewriter) noteStmt(s ast.Stmt) {
	switch s := s.(type) {
	case *ast.AssignStmt:
		r.oracle.noteLocal(s)
	case *ast.DeclStmt:
		if g, ok := s.Decl.(*ast.GenDecl); ok {
			for _, sp := range g.Specs {
				r.oracle.noteLocal(sp)
			}
		}
	}
}

func (r *rewriter) rewriteStmt(s ast.Stmt) ast.Stmt {
	if r.done[s] {
		return s
	}
	r.done[s] = true
	switch st := s.(type) {
	case *ast.LabeledStmt:
		inner := r.rewriteStmt(st.Stmt)
		if b, ok := inner.(*ast.BlockStmt); ok && r.done[b] && len(b.List) == 2 {
			// A rewritten range-over-int loop: the label must stay on the
			// loop itself, or break/continue would target the block.
			st.Stmt = b.List[1]
			b.List[1] = st
			return b
		}
		st.Stmt = inner
		return st
	case *ast.RangeStmt:
		if st.X != nil && r.oracle.isInt(st.X) {
			return r.rangeInt(st)
		}
		r.perIterationRange(st)
	case *ast.ForStmt:
		r.perIterationFor(st)
	case *ast.GoStmt:
		return r.wrapGo(st)
	}
	return s
}

// rangeInt turns `for i := range n { body }` into
// `{ lim := n; for i := lim - lim; i < lim; i++ { body } }`, so i has n's type
// and n is evaluated once.
func (r *rewriter) rangeInt(st *ast.RangeStmt) ast.Stmt {
	pos := st.For
	lim := r.fresh("_gt_lim", pos)
	key := st.Key
	tok := st.Tok
	if key == nil || isBlank(key) {
		key, tok = r.fresh("_gt_i", pos), token.DEFINE
	}
	zero := &ast.BinaryExpr{X: lim, Op: token.SUB, Y: lim, OpPos: pos}
	loop := &ast.ForStmt{
		For:  pos,
		Init: &ast.AssignStmt{Lhs: []ast.Expr{key}, Tok: tok, Rhs: []ast.Expr{zero}, TokPos: pos},
		Cond: &ast.BinaryExpr{X: key, Op: token.LSS, Y: lim, OpPos: pos},
		Post: &ast.IncDecStmt{X: key, Tok: token.INC, TokPos: pos},
		Body: st.Body,
	}
	r.perIterationFor(loop)
	r.done[loop] = true
	block := &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{
		&ast.AssignStmt{Lhs: []ast.Expr{lim}, Tok: token.DEFINE, Rhs: []ast.Expr{st.X}, TokPos: pos},
		loop,
	}, Rbrace: st.Body.Rbrace}
	r.done[block] = true
	return block
}

func isBlank(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "_"
}

// capturesOrAddresses reports whether body contains a function literal, a go
// statement or takes an address: the only ways per-iteration variables differ
// observably from a shared one.
func capturesOrAddresses(body ast.Node) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit, *ast.GoStmt, *ast.DeferStmt:
			found = true
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				found = true
			}
		}
		return !found
	})
	return found
}

// assigns reports whether body assigns to any of names.
func assigns(body ast.Node, names map[string]bool) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok && names[id.Name] {
						found = true
					}
				}
			}
		case *ast.IncDecStmt:
			if id, ok := n.X.(*ast.Ident); ok && names[id.Name] {
				found = true
			}
		}
		return !found
	})
	return found
}

// copyIn prepends `a, b := a1, b1` to body: the per-iteration variables,
// initialized from the loop's own (renamed) ones. A fresh name is needed:
// yaegi v0.16.1 puts a loop body's declarations in the loop's scope, so
// `i := i` would redeclare the loop variable itself.
func copyIn(body *ast.BlockStmt, names, from []string) {
	var lhs, rhs []ast.Expr
	for i := range names {
		lhs = append(lhs, &ast.Ident{Name: names[i], NamePos: body.Lbrace})
		rhs = append(rhs, &ast.Ident{Name: from[i], NamePos: body.Lbrace})
	}
	body.List = append([]ast.Stmt{&ast.AssignStmt{Lhs: lhs, Tok: token.DEFINE, Rhs: rhs, TokPos: body.Lbrace}}, body.List...)
}

// renameIdents renames identifiers in n (not field or method names after a
// dot) from old names to new ones.
func renameIdents(n ast.Node, names map[string]string) {
	if n == nil {
		return
	}
	ast.Inspect(n, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.SelectorExpr:
			renameIdents(x.X, names)
			return false
		case *ast.KeyValueExpr:
			renameIdents(x.Value, names)
			if _, isIdent := x.Key.(*ast.Ident); !isIdent {
				renameIdents(x.Key, names)
			}
			return false
		case *ast.Ident:
			if nn, ok := names[x.Name]; ok {
				x.Name = nn
			}
		}
		return true
	})
}

// perIterationRange gives `for k, v := range x` a fresh k and v per iteration
// when the body could observe the difference.
func (r *rewriter) perIterationRange(st *ast.RangeStmt) {
	if st.Tok != token.DEFINE || !capturesOrAddresses(st.Body) {
		return
	}
	var names, from []string
	for _, e := range []ast.Expr{st.Key, st.Value} {
		if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
			names = append(names, id.Name)
			id.Name = r.fresh("_gt_"+id.Name, id.Pos()).Name
			from = append(from, id.Name)
		}
	}
	if len(names) > 0 {
		copyIn(st.Body, names, from)
	}
}

// perIterationFor gives `for i := 0; ...; i++` a fresh i per iteration when
// the body captures it. A body that also assigns the variable keeps the
// shared variable (the copy would not flow back to the loop's post
// statement); see the package documentation.
func (r *rewriter) perIterationFor(st *ast.ForStmt) {
	init, ok := st.Init.(*ast.AssignStmt)
	if !ok || init.Tok != token.DEFINE || !capturesOrAddresses(st.Body) {
		return
	}
	names := map[string]bool{}
	var list []string
	for _, l := range init.Lhs {
		if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
			names[id.Name] = true
			list = append(list, id.Name)
		}
	}
	if len(list) == 0 || assigns(st.Body, names) {
		return
	}
	rename := map[string]string{}
	var from []string
	for _, n := range list {
		rename[n] = r.fresh("_gt_"+n, st.For).Name
		from = append(from, rename[n])
	}
	for _, l := range init.Lhs {
		renameIdents(l, rename)
	}
	renameIdents(st.Cond, rename)
	renameIdents(st.Post, rename)
	copyIn(st.Body, list, from)
}

// wrapGo turns `go f(a, b)` into
// `{ fn, a1, a2 := f, a, b; go func() { defer _gt_gorecover(); fn(a1, a2) }() }`
// so a panic in the goroutine is reported instead of killing the process,
// while f and its arguments are still evaluated by the calling goroutine.
func (r *rewriter) wrapGo(st *ast.GoStmt) ast.Stmt {
	pos := st.Go
	call := st.Call
	var lhs, rhs, args []ast.Expr
	fn := ast.Expr(call.Fun)
	if _, builtin := builtinName(call.Fun); !builtin {
		f := r.fresh("_gt_fn", pos)
		lhs, rhs = append(lhs, f), append(rhs, call.Fun)
		fn = f
	}
	for _, a := range call.Args {
		v := r.fresh("_gt_arg", a.Pos())
		lhs, rhs = append(lhs, v), append(rhs, a)
		args = append(args, v)
	}
	inner := &ast.CallExpr{Fun: fn, Args: args, Ellipsis: call.Ellipsis, Lparen: call.Lparen, Rparen: call.Rparen}
	lit := &ast.FuncLit{
		Type: &ast.FuncType{Func: pos, Params: &ast.FieldList{}},
		Body: &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{
			&ast.DeferStmt{Defer: pos, Call: &ast.CallExpr{Fun: &ast.Ident{Name: "_gt_gorecover", NamePos: pos}, Lparen: pos, Rparen: pos}},
			&ast.ExprStmt{X: inner},
		}, Rbrace: pos},
	}
	goStmt := &ast.GoStmt{Go: pos, Call: &ast.CallExpr{Fun: lit, Lparen: pos, Rparen: pos}}
	r.done[goStmt] = true
	if len(lhs) == 0 {
		return goStmt
	}
	return &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{
		&ast.AssignStmt{Lhs: lhs, Tok: token.DEFINE, Rhs: rhs, TokPos: pos},
		goStmt,
	}, Rbrace: pos}
}

func builtinName(e ast.Expr) (string, bool) {
	id, ok := e.(*ast.Ident)
	if !ok {
		return "", false
	}
	switch id.Name {
	case "println", "print", "close", "panic", "copy", "delete", "clear":
		return id.Name, true
	}
	return "", false
}

// minMaxArgs helps the prelude's generic min and max (yaegi v0.16.1 has no
// such builtins) infer their type parameter, which yaegi cannot do from
// untyped float constants: a non-constant argument moves first, and an
// all-constant call with a float gets float64(first).
func minMaxArgs(call *ast.CallExpr) {
	id, ok := call.Fun.(*ast.Ident)
	if !ok || (id.Name != "min" && id.Name != "max") || len(call.Args) == 0 {
		return
	}
	hasFloat := false
	for i, a := range call.Args {
		kind, isConst := untypedConst(a)
		if !isConst {
			call.Args[0], call.Args[i] = call.Args[i], call.Args[0]
			return
		}
		hasFloat = hasFloat || kind == token.FLOAT
	}
	if hasFloat {
		call.Args[0] = &ast.CallExpr{Fun: &ast.Ident{Name: "float64", NamePos: call.Args[0].Pos()}, Args: []ast.Expr{call.Args[0]}, Lparen: call.Args[0].Pos(), Rparen: call.Args[0].End()}
	}
}

// untypedConst reports whether e is an untyped constant expression made of
// literals, like 2, -2.5, (3) or 1 << 62, and its kind (token.FLOAT when
// any operand is a float literal).
func untypedConst(e ast.Expr) (token.Token, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		return e.Kind, true
	case *ast.ParenExpr:
		return untypedConst(e.X)
	case *ast.UnaryExpr:
		if e.Op == token.SUB || e.Op == token.ADD || e.Op == token.XOR {
			return untypedConst(e.X)
		}
	case *ast.BinaryExpr:
		kx, okx := untypedConst(e.X)
		ky, oky := untypedConst(e.Y)
		if !okx || !oky {
			return 0, false
		}
		if kx == token.FLOAT || (ky == token.FLOAT && e.Op != token.SHL && e.Op != token.SHR) {
			return token.FLOAT, true
		}
		return kx, true
	}
	return 0, false
}

// richArg routes the argument of display.Show(v), h.Show(v) and h.Update(v)
// (h a display handle) through the prelude's _gt_rich, which reads the
// renderer methods of cell-defined types in interpreted code: passed
// directly, such a value would lose its methods at the compiled boundary.
func (r *rewriter) richArg(call *ast.CallExpr) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || len(call.Args) != 1 || call.Ellipsis.IsValid() {
		return
	}
	x, ok := sel.X.(*ast.Ident)
	if !ok {
		return
	}
	switch {
	case x.Name == "display" && sel.Sel.Name == "Show":
	case r.handles[x.Name] && (sel.Sel.Name == "Show" || sel.Sel.Name == "Update"):
	default:
		return
	}
	if inner, ok := call.Args[0].(*ast.CallExpr); ok {
		if id, ok := inner.Fun.(*ast.Ident); ok && id.Name == "_gt_rich" {
			return
		}
	}
	arg := call.Args[0]
	call.Args[0] = &ast.CallExpr{Fun: &ast.Ident{Name: "_gt_rich", NamePos: arg.Pos()}, Lparen: arg.Pos(), Args: []ast.Expr{arg}, Rparen: arg.End()}
}

// noteHandles records `h := display.NewHandle()` (and `=`).
func (r *rewriter) noteHandles(as *ast.AssignStmt) {
	if r.handles == nil || len(as.Lhs) != len(as.Rhs) {
		return
	}
	for i, l := range as.Lhs {
		id, ok := l.(*ast.Ident)
		if !ok {
			continue
		}
		call, ok := as.Rhs[i].(*ast.CallExpr)
		isHandle := false
		if ok {
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "display" && sel.Sel.Name == "NewHandle" {
					isHandle = true
				}
			}
		}
		if isHandle {
			r.handles[id.Name] = true
		} else if as.Tok == token.DEFINE {
			delete(r.handles, id.Name)
		}
	}
}

// inlineConst replaces a reference to an untyped float constant of a
// compiled package by its literal: yaegi v0.16.1 types math.Pi as "untyped
// float64" and rejects 3.5*math.Pi as mismatched. The literal has float64
// precision, which is what the expression computes with anyway.
func (r *rewriter) inlineConst(e *ast.Expr) {
	if r.floatConst == nil {
		return
	}
	sel, ok := (*e).(*ast.SelectorExpr)
	if !ok {
		return
	}
	x, ok := sel.X.(*ast.Ident)
	if !ok {
		return
	}
	if lit, ok := r.floatConst(x.Name, sel.Sel.Name); ok {
		*e = &ast.BasicLit{ValuePos: sel.Pos(), Kind: token.FLOAT, Value: lit}
	}
}

func (r *rewriter) inlineConsts(list []ast.Expr) {
	for i := range list {
		r.inlineConst(&list[i])
	}
}
