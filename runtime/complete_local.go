package runtime

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"reflect"
	"strings"
)

// Completion inside the cell being typed: the cell is not compiled yet (it
// is usually half-typed), so its names are found syntactically. The cell up
// to the word being completed is parsed, the word replaced by a placeholder
// and the brackets still open closed, and its scopes are walked to the
// placeholder; go/parser keeps what it could parse of broken code.

// cursorIdent stands for the word being completed or inspected.
const cursorIdent = "_gtCursor_"

// local is a name the cell being edited declares.
type local struct {
	name   string
	typ    ast.Expr // its declared type (a type's definition, a func's signature)
	val    ast.Expr // or the value it is defined from
	idx    int      // which value of val (a, ok := m[k]; k, v := range x)
	rng    bool     // val is a range operand: idx 0 the key, 1 the value
	isType bool     // a type name
	isFunc bool     // a function declared by the cell
	doc    string   // a function's doc comment
	env    *env     // the names typ and val are resolved in
	off    int      // byte offset of the name in the cell
}

// env is a scope as a persistent list: each name points to the names
// visible before it, so a block's scope is just where its walk started.
type env struct {
	l    *local
	next *env
}

func (e *env) lookup(name string) *local {
	for ; e != nil; e = e.next {
		if e.l.name == name {
			return e.l
		}
	}
	return nil
}

// names lists the names of e, innermost first.
func (e *env) names() []string {
	var out []string
	for ; e != nil; e = e.next {
		out = append(out, e.l.name)
	}
	return out
}

// cellScope is the cell being edited, parsed up to a cursor.
type cellScope struct {
	c       *completer
	code    string
	fset    *token.FileSet
	delta   map[*token.File]int        // cell offset of a parsed segment's offset 0
	methods map[string][]*ast.FuncDecl // methods the cell declares, by receiver type
	at      *env                       // the names visible at the cursor
	types   map[*local]*ctype          // the types of locals, once worked out
	busy    map[*local]bool            // locals whose type is being worked out
	steps   int                        // work done, bounded against pathological code
	decls   map[string]bool            // names the cell declares at its top level
}

// scopeAt parses code up to the word starting at byte offset word and
// returns the names visible there. It never panics: on code it cannot make
// sense of, it knows fewer names. Callers hold c.mu for reading.
func (c *completer) scopeAt(code string, word int) (cs *cellScope) {
	cs = c.newScope(code)
	defer func() {
		if recover() != nil { // go/parser on odd input, or a bug here: know less
			cs.at = nil
		}
	}()
	if word < 0 || word > len(code) {
		return cs
	}
	src := code[:word] + cursorIdent + closers(code[:word])
	segs, err := splitCell(src)
	if err != nil || len(segs) == 0 {
		return cs
	}
	w := &walker{cs: cs}
	var stmtSegs [][]ast.Stmt
	var decls []ast.Decl
	var cur token.Pos
	for _, seg := range segs {
		stmts, ds, file := cs.parseSeg(src, seg)
		if file != nil && seg.start <= word && word <= seg.end {
			cur = file.Pos(word - cs.delta[file])
		}
		stmtSegs = append(stmtSegs, stmts)
		decls = append(decls, ds...)
	}
	var base *env
	for _, d := range decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv != nil && len(d.Recv.List) == 1 {
				recv := recvTypeName(d.Recv.List[0].Type)
				cs.methods[recv] = append(cs.methods[recv], d)
				continue
			}
			base = cs.add(base, &local{name: d.Name.Name, typ: d.Type, isFunc: true, doc: docText(d.Doc)}, d.Name)
		case *ast.GenDecl:
			base = w.genDecl(d, base)
		}
	}
	// Top-level statements see the declarations and the statements before
	// them; function bodies and declarations' values see every top-level
	// name.
	full := base
	for _, list := range stmtSegs {
		full = w.stmts(list, full, false)
	}
	for e := full; e != nil; e = e.next {
		cs.decls[e.l.name] = true
	}
	w.cur, w.at = cur, base
	top := base
	for _, list := range stmtSegs {
		top = w.stmts(list, top, true)
	}
	for _, d := range decls {
		if !w.contains(d) {
			continue
		}
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Body != nil && w.contains(d.Body) {
				w.funcScope(d.Recv, d.Type, d.Body, full)
			}
		case *ast.GenDecl:
			w.genDecl(d, full)
		}
	}
	cs.at = w.at
	return cs
}

// parseSeg parses one segment of src, statements as a function's body,
// keeping what the parser makes of broken code.
func (cs *cellScope) parseSeg(src string, seg segment) ([]ast.Stmt, []ast.Decl, *token.File) {
	text := src[seg.start:seg.end]
	prefix := "package main;\n"
	if seg.kind == segStmt {
		prefix = "package main;func _(){\n"
		text += "\n}"
	}
	f, _ := parser.ParseFile(cs.fset, "", prefix+text, parser.SkipObjectResolution|parser.ParseComments)
	if f == nil {
		return nil, nil, nil
	}
	file := cs.fset.File(f.Package)
	if file == nil {
		return nil, nil, nil
	}
	cs.delta[file] = seg.start - len(prefix)
	if seg.kind != segStmt {
		return nil, f.Decls, file
	}
	if len(f.Decls) > 0 {
		if fd, ok := f.Decls[0].(*ast.FuncDecl); ok && fd.Body != nil {
			return fd.Body.List, nil, file
		}
	}
	return nil, nil, file
}

// add puts l in front of e, at the position of its name.
func (cs *cellScope) add(e *env, l *local, id *ast.Ident) *env {
	if id == nil || id.Name == "_" || id.Name == cursorIdent || id.Name == "" {
		return e
	}
	l.off = -1
	if f := cs.fset.File(id.Pos()); f != nil {
		l.off = f.Offset(id.Pos()) + cs.delta[f]
	}
	return &env{l: l, next: e}
}

func (c *completer) newScope(code string) *cellScope {
	return &cellScope{
		c: c, code: code, fset: token.NewFileSet(), delta: map[*token.File]int{},
		methods: map[string][]*ast.FuncDecl{}, types: map[*local]*ctype{}, busy: map[*local]bool{},
		decls: map[string]bool{},
	}
}

// closers returns what closes the brackets left open in code. A function
// literal that a go or defer statement is cut off in is called as well
// (`go func(x T) { x.` gets `}()`): go/parser drops a go or defer of
// anything but a call, and the literal's scope with it.
func closers(code string) string {
	var s scanner.Scanner
	fset := token.NewFileSet()
	s.Init(fset.AddFile("", -1, len(code)), []byte(code), func(token.Position, string) {}, 0)
	var open []string
	// goLit: the depth of open at which the literal after go or defer
	// starts (-1: none pending); prev is the token before.
	goLit, prev := -1, token.ILLEGAL
	for {
		_, tok, _ := s.Scan()
		switch tok {
		case token.EOF:
			var b strings.Builder
			for i := len(open) - 1; i >= 0; i-- {
				b.WriteString(open[i])
			}
			return b.String()
		case token.FUNC:
			if prev == token.GO || prev == token.DEFER {
				goLit = len(open)
			}
		case token.LPAREN:
			open = append(open, ")")
		case token.LBRACK:
			open = append(open, "]")
		case token.LBRACE:
			closer := "}"
			if goLit == len(open) && prev != token.STRUCT && prev != token.INTERFACE {
				closer, goLit = "}()", -1 // the literal's body
			}
			open = append(open, closer)
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if len(open) > 0 {
				open = open[:len(open)-1]
			}
		case token.SEMICOLON:
			if goLit == len(open) { // go func() T; no body: not a literal
				goLit = -1
			}
		}
		if tok != token.COMMENT {
			prev = tok
		}
	}
}

// walker finds the names visible at the cursor's position cur.
type walker struct {
	cs  *cellScope
	cur token.Pos
	at  *env
}

func (w *walker) contains(n ast.Node) bool {
	return w.cur.IsValid() && n != nil && n.Pos() <= w.cur && w.cur <= n.End()
}

// stmts walks a statement list from scope e and returns the scope after
// it; here says the list's block holds the cursor.
func (w *walker) stmts(list []ast.Stmt, e *env, here bool) *env {
	for _, s := range list {
		if s == nil {
			continue
		}
		if here && s.Pos() <= w.cur {
			w.at = e
		}
		next := w.stmt(s, e)
		if here && s.End() < w.cur {
			w.at = next
		}
		e = next
	}
	return e
}

// block walks a block in a scope of its own.
func (w *walker) block(b *ast.BlockStmt, e *env) {
	if b == nil {
		return
	}
	here := w.contains(b)
	if here {
		w.at = e
	}
	w.stmts(b.List, e, here)
}

// stmt walks one statement and returns the scope after it.
func (w *walker) stmt(s ast.Stmt, e *env) *env {
	cs := w.cs
	switch s := s.(type) {
	case *ast.AssignStmt:
		for _, r := range s.Rhs {
			w.expr(r, e)
		}
		if s.Tok != token.DEFINE {
			for _, l := range s.Lhs {
				w.expr(l, e)
			}
			return e
		}
		out := e
		for i, l := range s.Lhs {
			id, ok := l.(*ast.Ident)
			if !ok {
				continue
			}
			loc := &local{name: id.Name, env: e}
			switch {
			case len(s.Lhs) == len(s.Rhs):
				loc.val = s.Rhs[i]
			case len(s.Rhs) == 1:
				loc.val, loc.idx = s.Rhs[0], i
			}
			out = cs.add(out, loc, id)
		}
		return out
	case *ast.DeclStmt:
		if d, ok := s.Decl.(*ast.GenDecl); ok {
			return w.genDecl(d, e)
		}
	case *ast.BlockStmt:
		w.block(s, e)
	case *ast.LabeledStmt:
		return w.stmt(s.Stmt, e)
	case *ast.IfStmt:
		inner := w.init(s.Init, e)
		w.expr(s.Cond, inner)
		w.block(s.Body, inner)
		if s.Else != nil {
			if w.contains(s.Else) {
				w.at = inner
			}
			w.stmt(s.Else, inner)
		}
	case *ast.ForStmt:
		inner := w.init(s.Init, e)
		w.expr(s.Cond, inner)
		if s.Post != nil {
			w.stmt(s.Post, inner)
		}
		w.block(s.Body, inner)
	case *ast.RangeStmt:
		w.expr(s.X, e)
		inner := e
		if s.Tok == token.DEFINE {
			for i, k := range []ast.Expr{s.Key, s.Value} {
				if id, ok := k.(*ast.Ident); ok {
					inner = cs.add(inner, &local{name: id.Name, val: s.X, idx: i, rng: true, env: e}, id)
				}
			}
		}
		w.block(s.Body, inner)
	case *ast.SwitchStmt:
		inner := w.init(s.Init, e)
		w.expr(s.Tag, inner)
		w.clauses(s.Body, inner, nil, nil)
	case *ast.TypeSwitchStmt:
		inner := w.init(s.Init, e)
		var id *ast.Ident
		var x ast.Expr
		switch a := s.Assign.(type) {
		case *ast.AssignStmt:
			if len(a.Lhs) == 1 && len(a.Rhs) == 1 {
				id, _ = a.Lhs[0].(*ast.Ident)
				x = a.Rhs[0]
			}
		case *ast.ExprStmt:
			x = a.X
		}
		if ta, ok := x.(*ast.TypeAssertExpr); ok {
			x = ta.X
			w.expr(x, inner)
		}
		w.clauses(s.Body, inner, id, x)
	case *ast.SelectStmt:
		w.clauses(s.Body, e, nil, nil)
	default:
		w.expr(s, e)
	}
	return e
}

// init walks an if/for/switch header's init statement, in the header's
// scope.
func (w *walker) init(s ast.Stmt, e *env) *env {
	if s == nil {
		return e
	}
	if w.contains(s) {
		w.at = e
	}
	return w.stmt(s, e)
}

// clauses walks the clauses of a switch or select; a type switch's clauses
// each declare id, of the clause's type when it names one, else of x.
func (w *walker) clauses(body *ast.BlockStmt, e *env, id *ast.Ident, x ast.Expr) {
	if body == nil {
		return
	}
	for _, s := range body.List {
		inner := e
		var list []ast.Stmt
		switch cl := s.(type) {
		case *ast.CaseClause:
			if id == nil {
				for _, x := range cl.List {
					w.expr(x, e)
				}
			} else {
				loc := &local{name: id.Name, val: x, env: e}
				if len(cl.List) == 1 {
					if n, ok := cl.List[0].(*ast.Ident); !ok || n.Name != "nil" {
						loc.typ, loc.val = cl.List[0], nil
					}
				}
				inner = w.cs.add(inner, loc, id)
			}
			list = cl.Body
		case *ast.CommClause:
			if cl.Comm != nil {
				inner = w.stmt(cl.Comm, e)
			}
			list = cl.Body
		default:
			continue
		}
		here := w.contains(s)
		if here {
			w.at = inner
		}
		w.stmts(list, inner, here)
	}
}

// genDecl adds the names of a var, const or type declaration.
func (w *walker) genDecl(d *ast.GenDecl, e *env) *env {
	out := e
	for _, sp := range d.Specs {
		switch sp := sp.(type) {
		case *ast.TypeSpec:
			out = w.cs.add(out, &local{name: sp.Name.Name, typ: sp.Type, isType: true, env: e}, sp.Name)
		case *ast.ValueSpec:
			for _, v := range sp.Values {
				w.expr(v, e)
			}
			for i, id := range sp.Names {
				loc := &local{name: id.Name, typ: sp.Type, env: e}
				switch {
				case len(sp.Values) == len(sp.Names):
					loc.val = sp.Values[i]
				case len(sp.Values) == 1:
					loc.val, loc.idx = sp.Values[0], i
				}
				out = w.cs.add(out, loc, id)
			}
		}
	}
	return out
}

// expr walks the function literals of n that hold the cursor.
func (w *walker) expr(n ast.Node, e *env) {
	if n == nil || !w.contains(n) {
		return
	}
	ast.Inspect(n, func(x ast.Node) bool {
		if fl, ok := x.(*ast.FuncLit); ok {
			if w.contains(fl.Body) {
				w.funcScope(nil, fl.Type, fl.Body, e)
			}
			return false
		}
		return true
	})
}

// funcScope walks a function's body with its receiver, type parameters,
// parameters and results in scope.
func (w *walker) funcScope(recv *ast.FieldList, ft *ast.FuncType, body *ast.BlockStmt, e *env) {
	inner := e
	addFields := func(fl *ast.FieldList, isType bool) {
		if fl == nil {
			return
		}
		for _, f := range fl.List {
			for _, id := range f.Names {
				inner = w.cs.add(inner, &local{name: id.Name, typ: f.Type, isType: isType, env: e}, id)
			}
		}
	}
	if ft != nil {
		addFields(ft.TypeParams, true)
	}
	addFields(recv, false)
	if ft != nil {
		addFields(ft.Params, false)
		addFields(ft.Results, false)
	}
	w.block(body, inner)
}

// outOfScope lists the names code declares inside functions and blocks
// that are not visible at the word at byte offset word: identsIn would
// otherwise offer a loop variable after its loop.
func (c *completer) outOfScope(code string, word, end int, cs *cellScope) map[string]bool {
	out := map[string]bool{}
	defer func() {
		if recover() != nil {
			out = map[string]bool{}
		}
	}()
	src := code[:word] + cursorIdent + code[end:]
	segs, err := splitCell(src)
	if err != nil {
		return out
	}
	fset := token.NewFileSet()
	for _, seg := range segs {
		prefix, text := "package main;", src[seg.start:seg.end]
		if seg.kind == segStmt {
			prefix, text = "package main;func _(){", text+"\n}"
		}
		f, _ := parser.ParseFile(fset, "", prefix+text, parser.SkipObjectResolution)
		if f == nil {
			continue
		}
		funcLits := func(n ast.Node) {
			ast.Inspect(n, func(n ast.Node) bool {
				if fl, ok := n.(*ast.FuncLit); ok {
					localNames(fl, out)
					return false
				}
				return true
			})
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			switch {
			case seg.kind != segStmt && ok:
				localNames(fd, out)
			case seg.kind != segStmt:
				funcLits(d)
			case ok && fd.Body != nil:
				for _, s := range fd.Body.List {
					switch s.(type) {
					case *ast.AssignStmt, *ast.DeclStmt:
						funcLits(s)
					default:
						localNames(s, out)
					}
				}
			}
		}
	}
	for _, n := range cs.at.names() {
		delete(out, n)
	}
	for n := range cs.decls {
		delete(out, n)
	}
	for _, n := range c.names {
		delete(out, n)
	}
	return out
}

// localNames adds the names declared anywhere under n to out.
func localNames(n ast.Node, out map[string]bool) {
	add := func(fl *ast.FieldList) {
		if fl == nil {
			return
		}
		for _, f := range fl.List {
			for _, id := range f.Names {
				out[id.Name] = true
			}
		}
	}
	ast.Inspect(n, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.FuncDecl:
			add(x.Recv)
		case *ast.FuncType:
			add(x.TypeParams)
			add(x.Params)
			add(x.Results)
		case *ast.AssignStmt:
			if x.Tok == token.DEFINE {
				for _, l := range x.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						out[id.Name] = true
					}
				}
			}
		case *ast.RangeStmt:
			if x.Tok == token.DEFINE {
				for _, k := range []ast.Expr{x.Key, x.Value} {
					if id, ok := k.(*ast.Ident); ok {
						out[id.Name] = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, id := range x.Names {
				out[id.Name] = true
			}
		case *ast.TypeSpec:
			out[x.Name.Name] = true
		}
		return true
	})
}

// ctype is a type as completion knows it: one reflection knows (rt), a
// type the cells declared (named, with its methods; under its definition),
// a type spelled in source (under, resolved in env), or a pointer to or
// slice of another (wrap, elem).
type ctype struct {
	rt    reflect.Type
	named string
	under ast.Expr
	env   *env
	wrap  reflect.Kind // reflect.Ptr or reflect.Slice around elem
	elem  *ctype
	cell  bool // named is declared by the cell being typed, not the session
}

// String spells t as Go source would, as far as it is known.
func (t *ctype) String() string {
	switch {
	case t == nil:
		return "?"
	case t.named != "":
		return t.named
	case t.wrap == reflect.Ptr:
		return "*" + t.elem.String()
	case t.wrap == reflect.Slice:
		return "[]" + t.elem.String()
	case t.rt != nil:
		return t.rt.String()
	case t.under != nil:
		return nodeString(token.NewFileSet(), t.under)
	}
	return "?"
}

// tick counts work; false once the budget is spent (a cyclic type, or a
// huge cell).
func (cs *cellScope) tick() bool {
	cs.steps++
	return cs.steps < 20000
}

// typeExpr resolves a type expression written in scope e (nil: the
// session's scope).
func (cs *cellScope) typeExpr(x ast.Expr, e *env) *ctype {
	if x == nil || !cs.tick() {
		return nil
	}
	switch x := x.(type) {
	case *ast.Ident:
		if l := e.lookup(x.Name); l != nil {
			if l.isType {
				return &ctype{named: x.Name, under: l.typ, env: l.env, cell: true}
			}
			return nil
		}
		if u, ok := cs.c.typeDecls[x.Name]; ok {
			return &ctype{named: x.Name, under: u}
		}
		if rt, ok := predeclared[x.Name]; ok {
			return &ctype{rt: rt}
		}
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok && e.lookup(id.Name) == nil {
			if path, ok := cs.c.importPath(id.Name, cs.code); ok {
				if v, ok := binSymbols[path][x.Sel.Name]; ok && v.Kind() == reflect.Ptr && v.IsNil() {
					return &ctype{rt: v.Type().Elem()}
				}
			}
		}
	case *ast.ParenExpr:
		return cs.typeExpr(x.X, e)
	case *ast.IndexExpr: // an instance of a generic type
		return cs.typeExpr(x.X, e)
	case *ast.IndexListExpr:
		return cs.typeExpr(x.X, e)
	case *ast.Ellipsis: // a variadic parameter
		return &ctype{wrap: reflect.Slice, elem: cs.typeExpr(x.Elt, e)}
	case *ast.StarExpr, *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.FuncType, *ast.StructType, *ast.InterfaceType:
		return &ctype{under: x, env: e}
	}
	return nil
}

// underlying strips t's names down to a reflected type, a wrapper or a
// type literal.
func (cs *cellScope) underlying(t *ctype) *ctype {
	for t != nil && t.rt == nil && t.wrap == reflect.Invalid && cs.tick() {
		switch t.under.(type) {
		case *ast.StarExpr, *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.FuncType, *ast.StructType, *ast.InterfaceType:
			if t.named == "" {
				return t
			}
			return &ctype{under: t.under, env: t.env}
		case nil:
			return nil
		}
		t = cs.typeExpr(t.under, t.env)
	}
	return t
}

// kind is t's reflect kind, Invalid when not known.
func (cs *cellScope) kind(t *ctype) reflect.Kind {
	u := cs.underlying(t)
	switch {
	case u == nil:
		return reflect.Invalid
	case u.wrap != reflect.Invalid:
		return u.wrap
	case u.rt != nil:
		return u.rt.Kind()
	}
	switch x := u.under.(type) {
	case *ast.StarExpr:
		return reflect.Ptr
	case *ast.ArrayType:
		if x.Len == nil {
			return reflect.Slice
		}
		return reflect.Array
	case *ast.MapType:
		return reflect.Map
	case *ast.ChanType:
		return reflect.Chan
	case *ast.FuncType:
		return reflect.Func
	case *ast.StructType:
		return reflect.Struct
	case *ast.InterfaceType:
		return reflect.Interface
	}
	return reflect.Invalid
}

// elemOf is the element type of a pointer, slice, array, map, channel or
// string; key asks for a map's key instead.
func (cs *cellScope) elemOf(t *ctype, key bool) *ctype {
	u := cs.underlying(t)
	switch {
	case u == nil:
		return nil
	case u.wrap != reflect.Invalid:
		return u.elem
	case u.rt != nil:
		switch u.rt.Kind() {
		case reflect.Map:
			if key {
				return &ctype{rt: u.rt.Key()}
			}
			return &ctype{rt: u.rt.Elem()}
		case reflect.Ptr, reflect.Slice, reflect.Array, reflect.Chan:
			return &ctype{rt: u.rt.Elem()}
		case reflect.String:
			return &ctype{rt: predeclared["byte"]}
		}
		return nil
	}
	switch x := u.under.(type) {
	case *ast.StarExpr:
		return cs.typeExpr(x.X, u.env)
	case *ast.ArrayType:
		return cs.typeExpr(x.Elt, u.env)
	case *ast.MapType:
		if key {
			return cs.typeExpr(x.Key, u.env)
		}
		return cs.typeExpr(x.Value, u.env)
	case *ast.ChanType:
		return cs.typeExpr(x.Value, u.env)
	}
	return nil
}

// results lists the result types of a function type.
func (cs *cellScope) results(t *ctype) []*ctype {
	u := cs.underlying(t)
	if u == nil {
		return nil
	}
	if u.rt != nil {
		if u.rt.Kind() != reflect.Func {
			return nil
		}
		out := make([]*ctype, u.rt.NumOut())
		for i := range out {
			out[i] = &ctype{rt: u.rt.Out(i)}
		}
		return out
	}
	ft, ok := u.under.(*ast.FuncType)
	if !ok || ft.Results == nil {
		return nil
	}
	var out []*ctype
	for _, f := range ft.Results.List {
		rt := cs.typeExpr(f.Type, u.env)
		for n := max(len(f.Names), 1); n > 0; n-- {
			out = append(out, rt)
		}
	}
	return out
}

// localType works out the type of a name the cell declares.
func (cs *cellScope) localType(l *local) *ctype {
	if t, ok := cs.types[l]; ok {
		return t
	}
	if cs.busy[l] {
		return nil
	}
	cs.busy[l] = true
	var t *ctype
	switch {
	case l.isType:
	case l.typ != nil:
		t = cs.typeExpr(l.typ, l.env)
	case l.rng:
		t = cs.rangeType(cs.exprType(l.val, l.env, 0), l.idx)
	case l.val != nil:
		t = cs.exprType(l.val, l.env, l.idx)
	}
	delete(cs.busy, l)
	cs.types[l] = t
	return t
}

// rangeType is the type of a range loop's key (idx 0) or value over x.
func (cs *cellScope) rangeType(x *ctype, idx int) *ctype {
	k := cs.kind(x)
	switch k {
	case reflect.Map:
		return cs.elemOf(x, idx == 0)
	case reflect.Chan:
		if idx == 0 {
			return cs.elemOf(x, false)
		}
	case reflect.String:
		if idx == 0 {
			return &ctype{rt: predeclared["int"]}
		}
		return &ctype{rt: predeclared["rune"]}
	case reflect.Slice, reflect.Array, reflect.Ptr:
		if idx == 0 {
			return &ctype{rt: predeclared["int"]}
		}
		if k == reflect.Ptr { // a pointer to an array
			return cs.elemOf(cs.elemOf(x, false), false)
		}
		return cs.elemOf(x, false)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if idx == 0 {
			return x
		}
	}
	return nil
}

// spell writes t as a type expression of the session's scope, or nil when
// it involves a type only reflection knows (the global's own reflected type
// then serves) or a type local to a function.
func (cs *cellScope) spell(t *ctype) ast.Expr {
	switch {
	case t == nil || t.rt != nil:
		return nil
	case t.named != "":
		if t.env != nil && t.env.lookup(t.named) != nil && !cs.decls[t.named] && cs.c.typeDecls[t.named] == nil {
			return nil
		}
		return ast.NewIdent(t.named)
	case t.wrap == reflect.Ptr || t.wrap == reflect.Slice:
		el := cs.spell(t.elem)
		if el == nil {
			return nil
		}
		if t.wrap == reflect.Ptr {
			return &ast.StarExpr{X: el}
		}
		return &ast.ArrayType{Elt: el}
	}
	return t.under
}

// safeType is the type of x at the cursor, nil where it is not known or
// working it out fails.
func (cs *cellScope) safeType(x ast.Expr) (t *ctype) {
	defer func() {
		if recover() != nil {
			t = nil
		}
	}()
	return cs.exprType(x, cs.at, 0)
}

// safeMembers lists t's members, none where listing them fails.
func (cs *cellScope) safeMembers(t *ctype) (out []string) {
	defer func() {
		if recover() != nil {
			out = nil
		}
	}()
	return cs.members(t)
}
