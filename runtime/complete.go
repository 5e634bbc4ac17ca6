package runtime

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/scanner"
	"go/token"
	"reflect"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/traefik/yaegi/stdlib"

	"gotensor/runtime/exports"
)

// completer answers completion and inspection from snapshots taken between
// cells (globals, symbol names, imports, cell declarations) and from the
// static symbol and doc tables, so it never touches the interpreter while a
// cell runs: Complete, Inspect and IsComplete are safe from any goroutine.
type completer struct {
	s *Session

	mu       sync.RWMutex
	globals  map[string]reflect.Type // global variables and constants
	names    []string                // every package-level name of the session
	imports  map[string]string       // import name → path
	cellDocs map[string]string       // cell-declared name → signature and doc
	methods  map[string][]string     // cell-declared type → its methods
	varTypes map[string]string       // global → cell-declared type name, when known syntactically

	// Types as the cells spelled them, parsed afresh for the completer
	// alone (the compiler rewrites the cell's own syntax trees).
	typeDecls  map[string]ast.Expr // cell-declared type → its definition
	varExprs   map[string]ast.Expr // global → its type, where a cell says it
	funcSigs   map[string]ast.Expr // cell-declared function → its *ast.FuncType
	methodSigs map[string]ast.Expr // "T.M" → the method's *ast.FuncType
}

// binSymbols merges the compiled symbol tables by import path.
var binSymbols = func() map[string]map[string]reflect.Value {
	m := map[string]map[string]reflect.Value{}
	for _, tables := range []map[string]map[string]reflect.Value{stdlib.Symbols, exports.Symbols} {
		for key, syms := range tables {
			if i := strings.LastIndex(key, "/"); i > 0 {
				m[key[:i]] = syms
			}
		}
	}
	return m
}()

func newCompleter(s *Session) *completer {
	c := &completer{
		s: s, globals: map[string]reflect.Type{}, imports: map[string]string{},
		cellDocs: map[string]string{}, methods: map[string][]string{}, varTypes: map[string]string{},
		typeDecls: map[string]ast.Expr{}, varExprs: map[string]ast.Expr{}, funcSigs: map[string]ast.Expr{},
		methodSigs: map[string]ast.Expr{},
	}
	c.refresh()
	return c
}

// refresh snapshots the interpreter's state; called between cells only.
func (c *completer) refresh() {
	g := map[string]reflect.Type{}
	for name, v := range c.s.in.Globals() {
		if v.IsValid() {
			g[name] = v.Type()
		}
	}
	var names []string
	for _, n := range c.s.syms.names() {
		if !strings.Contains(n, "/") && !strings.HasPrefix(n, "_gt") {
			names = append(names, n)
		}
	}
	imports := make(map[string]string, len(c.s.imports))
	for k, v := range c.s.imports {
		imports[k] = v
	}
	c.mu.Lock()
	c.globals, c.names, c.imports = g, names, imports
	c.mu.Unlock()
}

// noteDecls records the signatures, docs and methods a cell declares.
func (c *completer) noteDecls(fset *token.FileSet, f *ast.File) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.forgetMethods(f)
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			d2 := *d
			d2.Body, d2.Doc = nil, nil
			text := nodeString(fset, &d2) + docText(d.Doc)
			if d.Recv != nil && len(d.Recv.List) == 1 {
				recv := recvTypeName(d.Recv.List[0].Type)
				c.cellDocs[recv+"."+d.Name.Name] = text
				if !containsString(c.methods[recv], d.Name.Name) {
					c.methods[recv] = append(c.methods[recv], d.Name.Name)
				}
				setExpr(c.methodSigs, recv+"."+d.Name.Name, copyExpr(fset, d.Type))
				continue
			}
			c.cellDocs[d.Name.Name] = text
			setExpr(c.funcSigs, d.Name.Name, copyExpr(fset, d.Type))
			delete(c.varExprs, d.Name.Name)
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					c.cellDocs[sp.Name.Name] = "type " + nodeString(fset, sp) + docText(d.Doc)
					setExpr(c.typeDecls, sp.Name.Name, copyExpr(fset, sp.Type))
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						c.cellDocs[n.Name] = d.Tok.String() + " " + nodeString(fset, sp) + docText(d.Doc)
						if id, ok := sp.Type.(*ast.Ident); ok {
							c.varTypes[n.Name] = id.Name
						}
					}
				}
			}
			if d.Tok == token.VAR || d.Tok == token.CONST {
				c.noteVarExprs(fset, func(w *walker) *env { return w.genDecl(d, nil) })
			}
		}
	}
}

// forgetMethods drops what is known of the methods of the types f
// declares: a redefinition starts afresh, with only the methods f declares
// (before or after the type). Callers hold c.mu.
func (c *completer) forgetMethods(f *ast.File) {
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, sp := range gd.Specs {
			name := sp.(*ast.TypeSpec).Name.Name
			for _, m := range c.methods[name] {
				delete(c.cellDocs, name+"."+m)
				delete(c.methodSigs, name+"."+m)
			}
			delete(c.methods, name)
		}
	}
}

// noteVarExprs records the types of the globals that walk declares, where
// they can be spelled in the session's terms, for completing their members
// later. Callers hold c.mu.
func (c *completer) noteVarExprs(fset *token.FileSet, walk func(*walker) *env) {
	defer func() { _ = recover() }() // knowing less is fine
	w := &walker{cs: c.newScope("")}
	for e := walk(w); e != nil; e = e.next {
		name := e.l.name
		if strings.HasPrefix(name, "_") {
			continue
		}
		delete(c.funcSigs, name)
		setExpr(c.varExprs, name, copyExpr(fset, w.cs.spell(w.cs.localType(e.l))))
	}
}

// setExpr sets m[k] to x, or deletes it when x is nil.
func setExpr(m map[string]ast.Expr, k string, x ast.Expr) {
	if x == nil {
		delete(m, k)
		return
	}
	m[k] = x
}

// copyExpr parses x's source again, a syntax tree no one else holds.
func copyExpr(fset *token.FileSet, x ast.Expr) ast.Expr {
	if x == nil {
		return nil
	}
	cp, err := parser.ParseExpr(nodeString(fset, x))
	if err != nil {
		return nil
	}
	return cp
}

// noteStmts records the types of the globals a cell's statements define,
// and the cell-declared type of those defined as `x := T{...}` or
// `x := &T{...}`.
func (c *completer) noteStmts(body *ast.BlockStmt) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.noteVarExprs(token.NewFileSet(), func(w *walker) *env { return w.stmts(body.List, nil, false) })
	for _, st := range body.List {
		as, ok := st.(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE || len(as.Lhs) != len(as.Rhs) {
			continue
		}
		for i, l := range as.Lhs {
			id, ok := l.(*ast.Ident)
			if !ok {
				continue
			}
			delete(c.varTypes, id.Name)
			rhs := as.Rhs[i]
			if u, ok := rhs.(*ast.UnaryExpr); ok && u.Op == token.AND {
				rhs = u.X
			}
			if cl, ok := rhs.(*ast.CompositeLit); ok {
				if tn, ok := cl.Type.(*ast.Ident); ok {
					c.varTypes[id.Name] = tn.Name
				}
			}
		}
	}
}

func recvTypeName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.StarExpr:
		return recvTypeName(e.X)
	case *ast.IndexExpr:
		return recvTypeName(e.X)
	case *ast.IndexListExpr:
		return recvTypeName(e.X)
	case *ast.Ident:
		return e.Name
	}
	return ""
}

func nodeString(fset *token.FileSet, n any) string {
	var b bytes.Buffer
	if err := printer.Fprint(&b, fset, n); err != nil {
		return ""
	}
	return b.String()
}

func docText(g *ast.CommentGroup) string {
	if t := strings.TrimSpace(g.Text()); t != "" {
		return "\n\n" + t
	}
	return ""
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// globalKind returns the kind of a global variable's type.
func (c *completer) globalKind(name string) (reflect.Kind, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	t, ok := c.globals[name]
	if !ok || t == nil {
		return reflect.Invalid, false
	}
	return t.Kind(), true
}

var goKeywords = []string{
	"break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough",
	"for", "func", "go", "goto", "if", "import", "interface", "map", "package", "range",
	"return", "select", "struct", "switch", "type", "var",
}

var goBuiltins = []string{
	"append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make",
	"max", "min", "new", "panic", "print", "println", "real", "recover",
	"bool", "byte", "complex128", "complex64", "error", "float32", "float64", "int", "int16",
	"int32", "int64", "int8", "rune", "string", "uint", "uint16", "uint32", "uint64", "uint8",
	"uintptr", "any", "true", "false", "nil", "iota",
}

// Complete returns the names that can replace the identifier at cursor, and
// the code-point range [start, end) they replace: names in scope, members
// of a package (tensor.Ze → Zeros), fields and methods of a value's type
// (x.Ba → Backward).
func (s *Session) Complete(code string, cursor int) (matches []string, start, end int) {
	c := s.comp
	off := byteOffset(code, cursor)
	i := off
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(code[:i])
		if !isIdentRune(r) {
			break
		}
		i -= size
	}
	j := off
	for j < len(code) {
		r, size := utf8.DecodeRuneInString(code[j:])
		if !isIdentRune(r) {
			break
		}
		j += size
	}
	prefix := code[i:off]
	start = utf8.RuneCountInString(code[:i])
	end = start + utf8.RuneCountInString(code[i:j])

	var candidates []string
	if i > 0 && code[i-1] == '.' {
		candidates = c.members(code, i)
	} else {
		candidates = c.scopeNames(code, i, j)
	}
	seen := map[string]bool{}
	for _, n := range candidates {
		if strings.HasPrefix(n, prefix) && !seen[n] && !strings.HasPrefix(n, "_") {
			seen[n] = true
			matches = append(matches, n)
		}
	}
	sort.Strings(matches)
	return matches, start, end
}

// scopeNames lists everything a bare identifier could be; [word, end) is
// the word being completed (byte offsets), which is not a name of its own.
// Names the cell declares in a function or block are offered only inside
// it, after their declaration.
func (c *completer) scopeNames(code string, word, end int) []string {
	c.mu.RLock()
	names := append([]string(nil), c.names...)
	for n := range c.imports {
		names = append(names, n)
	}
	cs := c.scopeAt(code, word)
	hidden := c.outOfScope(code, word, end, cs)
	c.mu.RUnlock()
	names = append(names, goKeywords...)
	names = append(names, goBuiltins...)
	names = append(names, cs.at.names()...)
	for _, n := range identsIn(code, word) {
		if !hidden[n] {
			names = append(names, n)
		}
	}
	return names
}

// identsIn lists the identifiers of the code being edited (names it
// declares are not yet known to the session), but for the one at byte
// offset skip: the word being typed would otherwise offer itself (fm gave
// [fm fmt]); where the cell uses it elsewhere too, it is still listed.
func identsIn(code string, skip int) []string {
	var s scanner.Scanner
	fset := token.NewFileSet()
	file := fset.AddFile("", -1, len(code))
	s.Init(file, []byte(code), nil, 0)
	var out []string
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return out
		}
		if tok == token.IDENT && file.Offset(pos) != skip {
			out = append(out, lit)
		}
	}
}

// members lists the fields and methods of the expression before the dot
// that precedes byte offset word, or a package's exported names.
func (c *completer) members(code string, word int) []string {
	before := code[:word-1]
	expr := trailingExpr(before)
	if expr == "" {
		return nil
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	cs := c.scopeAt(code, word)
	if path, ok := c.importPath(expr, code); ok && cs.at.lookup(expr) == nil {
		var out []string
		for name := range binSymbols[path] {
			if ast.IsExported(name) {
				out = append(out, name)
			}
		}
		return out
	}
	if x, err := parser.ParseExpr(expr); err == nil {
		var out []string
		if t := cs.safeType(x); t != nil {
			out = cs.safeMembers(t)
		}
		// A name of the cell shadows the session's: its members or none,
		// never the global's.
		if len(out) > 0 || cs.shadows(x) {
			return out
		}
	}
	var out []string
	if t := c.typeOf(expr, code); t != nil {
		out = append(out, typeMembers(t)...)
	}
	if tn, ok := c.varTypes[expr]; ok {
		out = append(out, c.methods[tn]...)
	}
	return out
}

// chainRoot is the name a selector/call/index chain starts from, nil when
// it starts from something else (a literal, a type's conversion); it sees
// through slicing, type assertions and instances.
func chainRoot(x ast.Expr) *ast.Ident {
	for {
		switch e := x.(type) {
		case *ast.Ident:
			return e
		case *ast.SelectorExpr:
			x = e.X
		case *ast.CallExpr:
			x = e.Fun
		case *ast.IndexExpr:
			x = e.X
		case *ast.IndexListExpr:
			x = e.X
		case *ast.SliceExpr:
			x = e.X
		case *ast.ParenExpr:
			x = e.X
		case *ast.StarExpr:
			x = e.X
		case *ast.TypeAssertExpr:
			x = e.X
		default:
			return nil
		}
	}
}

// shadows tells whether chain x starts from a name the cell declares in
// the cursor's scope, which hides any global of that name.
func (cs *cellScope) shadows(x ast.Expr) bool {
	id := chainRoot(x)
	return id != nil && cs.at.lookup(id.Name) != nil
}

// importPath resolves a package name, from the session or an import in code.
func (c *completer) importPath(name, code string) (string, bool) {
	if p, ok := c.imports[name]; ok {
		return p, true
	}
	if f, err := parser.ParseFile(token.NewFileSet(), "", "package p;"+code, parser.ImportsOnly); err == nil {
		for _, sp := range f.Imports {
			if importName(sp) == name {
				return strings.Trim(sp.Path.Value, "\"`"), true
			}
		}
	}
	if _, ok := binSymbols[name]; ok { // a standard package imported by its path
		return name, true
	}
	return "", false
}

// trailingExpr returns the selector/call chain that ends s ("x.Grad()" in
// "y := x.Grad()").
func trailingExpr(s string) string {
	i := len(s)
	depth := 0
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		switch {
		case r == ')' || r == ']':
			depth++
		case r == '(' || r == '[':
			if depth == 0 {
				return s[i:]
			}
			depth--
		case depth > 0 || isIdentRune(r) || r == '.':
		default:
			return s[i:]
		}
		i -= size
	}
	return s[i:]
}

// typeOf resolves the static type of a selector/call chain through the
// global snapshot and the compiled symbol tables.
func (c *completer) typeOf(expr, code string) reflect.Type {
	e, err := parser.ParseExpr(expr)
	if err != nil {
		return nil
	}
	var walk func(ast.Expr) (reflect.Type, bool)
	walk = func(e ast.Expr) (t reflect.Type, isFunc bool) {
		switch e := e.(type) {
		case *ast.Ident:
			if t, ok := c.globals[e.Name]; ok {
				return t, false
			}
		case *ast.ParenExpr:
			return walk(e.X)
		case *ast.CallExpr:
			ft, _ := walk(e.Fun)
			if ft != nil && ft.Kind() == reflect.Func && ft.NumOut() > 0 {
				return ft.Out(0), false
			}
		case *ast.SelectorExpr:
			if id, ok := e.X.(*ast.Ident); ok {
				if path, ok := c.importPath(id.Name, code); ok {
					v, ok := binSymbols[path][e.Sel.Name]
					if !ok {
						return nil, false
					}
					if v.Kind() == reflect.Ptr && v.IsNil() { // a type, exported as (*T)(nil)
						return v.Type().Elem(), false
					}
					return v.Type(), v.Kind() == reflect.Func
				}
			}
			base, _ := walk(e.X)
			if base == nil {
				return nil, false
			}
			return memberType(base, e.Sel.Name)
		}
		return nil, false
	}
	t, _ := walk(e)
	return t
}

// memberType is the type of field or method name of t (a method's type
// without its receiver).
func memberType(t reflect.Type, name string) (reflect.Type, bool) {
	if m, ok := t.MethodByName(name); ok {
		return methodType(m, t), true
	}
	if t.Kind() != reflect.Ptr && t.Kind() != reflect.Interface {
		if m, ok := reflect.PointerTo(t).MethodByName(name); ok {
			return methodType(m, t), true
		}
	}
	st := t
	if st.Kind() == reflect.Ptr {
		st = st.Elem()
	}
	if st.Kind() == reflect.Struct {
		if f, ok := st.FieldByName(name); ok {
			return f.Type, false
		}
	}
	return nil, false
}

func methodType(m reflect.Method, recv reflect.Type) reflect.Type {
	if recv.Kind() == reflect.Interface {
		return m.Type
	}
	// Drop the receiver argument.
	in := make([]reflect.Type, 0, m.Type.NumIn()-1)
	for i := 1; i < m.Type.NumIn(); i++ {
		in = append(in, m.Type.In(i))
	}
	out := make([]reflect.Type, 0, m.Type.NumOut())
	for i := 0; i < m.Type.NumOut(); i++ {
		out = append(out, m.Type.Out(i))
	}
	return reflect.FuncOf(in, out, m.Type.IsVariadic())
}

// typeMembers lists the exported methods (of T and *T) and fields of t.
func typeMembers(t reflect.Type) []string {
	var out []string
	add := func(tt reflect.Type) {
		for i := 0; i < tt.NumMethod(); i++ {
			out = append(out, tt.Method(i).Name)
		}
	}
	add(t)
	if t.Kind() != reflect.Ptr && t.Kind() != reflect.Interface {
		add(reflect.PointerTo(t))
	}
	st := t
	if st.Kind() == reflect.Ptr {
		st = st.Elem()
	}
	if st.Kind() == reflect.Struct {
		for i := 0; i < st.NumField(); i++ {
			if f := st.Field(i); f.IsExported() {
				out = append(out, f.Name)
			}
		}
	}
	return out
}

func isIdentRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// byteOffset converts a code-point index to a byte offset, clamped to code.
func byteOffset(code string, cursor int) int {
	if cursor <= 0 {
		return 0
	}
	n := 0
	for i := range code {
		if n == cursor {
			return i
		}
		n++
	}
	return len(code)
}

var boolType = &ctype{rt: reflect.TypeOf(false)}

// exprType is the type of expression x in scope e; idx picks a value of a
// multi-valued one (a call's results, the ok of v, ok := m[k]).
func (cs *cellScope) exprType(x ast.Expr, e *env, idx int) *ctype {
	if x == nil || !cs.tick() {
		return nil
	}
	switch x := x.(type) {
	case *ast.Ident:
		return cs.identType(x.Name, e)
	case *ast.BasicLit:
		return &ctype{rt: map[token.Token]reflect.Type{
			token.INT: predeclared["int"], token.FLOAT: predeclared["float64"], token.IMAG: reflect.TypeOf(0i),
			token.CHAR: predeclared["rune"], token.STRING: predeclared["string"],
		}[x.Kind]}
	case *ast.CompositeLit:
		return cs.typeExpr(x.Type, e)
	case *ast.FuncLit:
		return &ctype{under: x.Type, env: e}
	case *ast.ParenExpr:
		return cs.exprType(x.X, e, idx)
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok && e.lookup(id.Name) == nil {
			if _, global := cs.c.globals[id.Name]; !global {
				if path, ok := cs.c.importPath(id.Name, cs.code); ok {
					v, ok := binSymbols[path][x.Sel.Name]
					if !ok || v.Kind() == reflect.Ptr && v.IsNil() {
						return nil // a type is no value
					}
					return &ctype{rt: v.Type()}
				}
			}
		}
		return cs.memberType(cs.exprType(x.X, e, 0), x.Sel.Name)
	case *ast.IndexExpr:
		t := cs.exprType(x.X, e, 0)
		switch cs.kind(t) {
		case reflect.Func: // an instance of a generic function
			return t
		case reflect.Map:
			if idx == 1 {
				return boolType
			}
		case reflect.Ptr:
			return cs.elemOf(cs.elemOf(t, false), false)
		}
		return cs.elemOf(t, false)
	case *ast.IndexListExpr:
		return cs.exprType(x.X, e, 0)
	case *ast.SliceExpr:
		t := cs.exprType(x.X, e, 0)
		if k := cs.kind(t); k == reflect.Array || k == reflect.Ptr {
			el := cs.elemOf(t, false)
			if k == reflect.Ptr {
				el = cs.elemOf(el, false)
			}
			return &ctype{wrap: reflect.Slice, elem: el}
		}
		return t
	case *ast.StarExpr:
		return cs.elemOf(cs.exprType(x.X, e, 0), false)
	case *ast.UnaryExpr:
		switch x.Op {
		case token.AND:
			if el := cs.exprType(x.X, e, 0); el != nil {
				return &ctype{wrap: reflect.Ptr, elem: el}
			}
			return nil
		case token.ARROW:
			if idx == 1 {
				return boolType
			}
			return cs.elemOf(cs.exprType(x.X, e, 0), false)
		case token.NOT:
			return boolType
		}
		return cs.exprType(x.X, e, 0)
	case *ast.BinaryExpr:
		switch x.Op {
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ, token.LAND, token.LOR:
			return boolType
		case token.SHL, token.SHR:
			return cs.exprType(x.X, e, 0)
		}
		if _, lit := x.X.(*ast.BasicLit); lit {
			if t := cs.exprType(x.Y, e, 0); t != nil {
				return t
			}
		}
		return cs.exprType(x.X, e, 0)
	case *ast.TypeAssertExpr:
		if idx == 1 {
			return boolType
		}
		return cs.typeExpr(x.Type, e)
	case *ast.CallExpr:
		return cs.callType(x, e, idx)
	}
	return nil
}

// callType is the type of a call's result idx, or of a conversion.
func (cs *cellScope) callType(x *ast.CallExpr, e *env, idx int) *ctype {
	if cs.isType(x.Fun, e) {
		return cs.typeExpr(x.Fun, e)
	}
	if id, ok := x.Fun.(*ast.Ident); ok && e.lookup(id.Name) == nil && !containsString(cs.c.names, id.Name) {
		arg := func(i int) ast.Expr {
			if i < len(x.Args) {
				return x.Args[i]
			}
			return nil
		}
		switch id.Name {
		case "len", "cap", "copy":
			return &ctype{rt: predeclared["int"]}
		case "new":
			if el := cs.typeExpr(arg(0), e); el != nil {
				return &ctype{wrap: reflect.Ptr, elem: el}
			}
			return nil
		case "make":
			return cs.typeExpr(arg(0), e)
		case "append", "min", "max":
			return cs.exprType(arg(0), e, 0)
		case "real", "imag":
			return &ctype{rt: predeclared["float64"]}
		case "complex":
			return &ctype{rt: reflect.TypeOf(0i)}
		case "recover":
			return &ctype{rt: predeclared["any"]}
		}
	}
	rs := cs.results(cs.exprType(x.Fun, e, 0))
	if idx < len(rs) {
		return rs[idx]
	}
	return nil
}

// isType tells whether x names a type rather than a value.
func (cs *cellScope) isType(x ast.Expr, e *env) bool {
	switch x := x.(type) {
	case *ast.ParenExpr:
		return cs.isType(x.X, e)
	case *ast.Ident:
		if l := e.lookup(x.Name); l != nil {
			return l.isType
		}
		if _, ok := cs.c.globals[x.Name]; ok {
			return false
		}
		_, cellType := cs.c.typeDecls[x.Name]
		_, basic := predeclared[x.Name]
		return cellType || basic
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok && e.lookup(id.Name) == nil {
			if path, ok := cs.c.importPath(id.Name, cs.code); ok {
				v, ok := binSymbols[path][x.Sel.Name]
				return ok && v.Kind() == reflect.Ptr && v.IsNil()
			}
		}
	case *ast.IndexExpr:
		return cs.isType(x.X, e)
	case *ast.IndexListExpr:
		return cs.isType(x.X, e)
	case *ast.StarExpr:
		return cs.isType(x.X, e)
	case *ast.ArrayType, *ast.MapType, *ast.ChanType, *ast.FuncType, *ast.InterfaceType, *ast.StructType:
		return true
	}
	return false
}

// identType is the type of a name: the cell's, then the session's.
func (cs *cellScope) identType(name string, e *env) *ctype {
	if l := e.lookup(name); l != nil {
		return cs.localType(l)
	}
	switch name {
	case "true", "false":
		return boolType
	}
	c := cs.c
	rt := c.globals[name]
	if x, ok := c.varExprs[name]; ok && rt != nil { // not of a cell that failed
		if t := cs.typeExpr(x, nil); cs.kind(t) == rt.Kind() {
			return t
		}
	}
	if ft, ok := c.funcSigs[name]; ok && (rt == nil || rt.Kind() == reflect.Func) {
		return &ctype{under: ft}
	}
	if rt != nil {
		return &ctype{rt: rt, named: c.varTypes[name]}
	}
	return nil
}

// methodsOf lists the methods the cells declared on t's named type; the
// session's methods of that name are not those of a type the cell being
// typed (re)declares.
func (cs *cellScope) methodsOf(t *ctype) []string {
	var out []string
	if !t.cell {
		out = append(out, cs.c.methods[t.named]...)
	}
	for _, d := range cs.methods[t.named] {
		out = append(out, d.Name.Name)
	}
	return out
}

// methodSig is the signature of a method the cells declared on t's named
// type.
func (cs *cellScope) methodSig(t *ctype, name string) *ctype {
	for _, d := range cs.methods[t.named] {
		if d.Name.Name == name {
			return &ctype{under: d.Type, env: cs.at}
		}
	}
	if ft, ok := cs.c.methodSigs[t.named+"."+name]; ok && !t.cell {
		return &ctype{under: ft}
	}
	return nil
}

// memberType is the type of field or method name of t.
func (cs *cellScope) memberType(t *ctype, name string) *ctype {
	var found *ctype
	cs.eachMember(t, 0, func(n string, typ func() *ctype) bool {
		if n != name {
			return true
		}
		found = typ()
		return false
	})
	return found
}

// members lists the fields and methods of t.
func (cs *cellScope) members(t *ctype) []string {
	var out []string
	cs.eachMember(t, 0, func(n string, _ func() *ctype) bool {
		out = append(out, n)
		return true
	})
	return out
}

// eachMember calls f with each method and field of t (promoted ones too)
// and a way to get its type, until f returns false.
func (cs *cellScope) eachMember(t *ctype, depth int, f func(string, func() *ctype) bool) bool {
	if t == nil || depth > 4 || !cs.tick() {
		return true
	}
	if t.named != "" {
		for _, m := range cs.methodsOf(t) {
			if !f(m, func() *ctype { return cs.methodSig(t, m) }) {
				return false
			}
		}
	}
	if t.wrap == reflect.Ptr {
		return cs.eachMember(t.elem, depth+1, f)
	}
	if t.rt != nil {
		rt := t.rt
		for _, m := range typeMembers(rt) {
			if !f(m, func() *ctype {
				mt, _ := memberType(rt, m)
				return &ctype{rt: mt}
			}) {
				return false
			}
		}
		return true
	}
	u := cs.underlying(t)
	if u == nil || u.rt != nil || u.wrap != reflect.Invalid {
		if u != nil && u != t {
			return cs.eachMember(u, depth+1, f)
		}
		return true
	}
	switch x := u.under.(type) {
	case *ast.StarExpr:
		return cs.eachMember(cs.typeExpr(x.X, u.env), depth+1, f)
	case *ast.StructType:
		return cs.eachField(x.Fields, u.env, depth, f)
	case *ast.InterfaceType:
		return cs.eachField(x.Methods, u.env, depth, f)
	}
	return true
}

// eachField walks the fields of a struct or the methods of an interface,
// embedded ones included.
func (cs *cellScope) eachField(fl *ast.FieldList, e *env, depth int, f func(string, func() *ctype) bool) bool {
	if fl == nil {
		return true
	}
	for _, fd := range fl.List {
		typ := fd.Type
		get := func() *ctype { return cs.typeExpr(typ, e) }
		if len(fd.Names) == 0 { // embedded
			x := typ
			if st, ok := x.(*ast.StarExpr); ok {
				x = st.X
			}
			if sel, ok := x.(*ast.SelectorExpr); ok {
				x = sel.Sel
			}
			if id, ok := x.(*ast.Ident); ok && !f(id.Name, get) {
				return false
			}
			if !cs.eachMember(get(), depth+1, f) {
				return false
			}
			continue
		}
		for _, id := range fd.Names {
			if !f(id.Name, get) {
				return false
			}
		}
	}
	return true
}
