package runtime

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/scanner"
	"go/token"
	"reflect"
	"regexp"
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
				continue
			}
			c.cellDocs[d.Name.Name] = text
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					c.cellDocs[sp.Name.Name] = "type " + nodeString(fset, sp) + docText(d.Doc)
					delete(c.methods, sp.Name.Name) // a redefinition starts afresh
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						c.cellDocs[n.Name] = d.Tok.String() + " " + nodeString(fset, sp) + docText(d.Doc)
						if id, ok := sp.Type.(*ast.Ident); ok {
							c.varTypes[n.Name] = id.Name
						}
					}
				}
			}
		}
	}
}

// noteStmts records the cell-declared type of globals defined as
// `x := T{...}` or `x := &T{...}`.
func (c *completer) noteStmts(body *ast.BlockStmt) {
	c.mu.Lock()
	defer c.mu.Unlock()
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
		candidates = c.members(code[:i-1], code)
	} else {
		candidates = c.scopeNames(code, i)
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

// scopeNames lists everything a bare identifier could be; word is the
// byte offset of the word being completed, which is not a name of its own.
func (c *completer) scopeNames(code string, word int) []string {
	c.mu.RLock()
	names := append([]string(nil), c.names...)
	for n := range c.imports {
		names = append(names, n)
	}
	c.mu.RUnlock()
	names = append(names, goKeywords...)
	names = append(names, goBuiltins...)
	return append(names, identsIn(code, word)...)
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

// members lists the fields and methods of the expression before a dot, or
// a package's exported names.
func (c *completer) members(before, code string) []string {
	expr := trailingExpr(before)
	if expr == "" {
		return nil
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if path, ok := c.importPath(expr, code); ok {
		var out []string
		for name := range binSymbols[path] {
			if ast.IsExported(name) {
				out = append(out, name)
			}
		}
		return out
	}
	var out []string
	t := c.typeOf(expr, code)
	if t == nil {
		t = c.localType(expr, before, code)
	}
	if t != nil {
		out = append(out, typeMembers(t)...)
	}
	if tn, ok := c.varTypes[expr]; ok {
		out = append(out, c.methods[tn]...)
	}
	return out
}

// localType infers the type of a variable the code being edited defines
// (`y := tensor.Ones(2)` earlier in the same cell) from its last definition
// before the cursor.
func (c *completer) localType(name, before, code string) reflect.Type {
	if !token.IsIdentifier(name) {
		return nil
	}
	re := regexp.MustCompile(`(?m)\b` + name + `\s*:?=\s*(.+?)\s*$`)
	ms := re.FindAllStringSubmatch(before, -1)
	if len(ms) == 0 {
		return nil
	}
	rhs := ms[len(ms)-1][1]
	if strings.HasPrefix(rhs, "&") {
		rhs = rhs[1:]
	}
	return c.typeOf(rhs, code)
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
