package runtime

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"log"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/traefik/yaegi/interp"

	"gotensor/runtime/exports"
)

// progUnit is the syntax a compiled program ran, for locating its panics.
type progUnit struct {
	node    ast.Node
	wrapper bool
}

// compiled is a program ready to run.
type compileUnit struct {
	node ast.Node
	// fallback is compiled instead when node fails: the trailing expression
	// without its result capture (a call with no or several values).
	fallback ast.Node
	// forget lists names to drop before compiling (redefinitions).
	forget []string
	// importSpecs are recorded as imported once the unit compiles.
	importSpecs []importSpec
	// index is set for a top-level `name := x[i]`, retried with its type
	// written out when yaegi cannot infer it (see indexdefine.go).
	index *indexDefine
	// liftedVar is set for the assignment of a lifted var declaration
	// (see varinit.go): if it panics, the variable is taken back.
	liftedVar bool
	// funcs are the functions and methods the unit defines, kept for
	// redefinitions (see redefine.go); dropMethods are methods it redefines
	// on an existing type, whose old nodes go before it compiles.
	funcs       []*storedFunc
	dropMethods [][2]string
	// dependents is set for a unit that compiles earlier callers of
	// redefined code again; it may fail without failing the cell.
	dependents []*storedFunc
	// wrapper is set for a statement run in a function literal (see
	// shadowsGlobal), whose panics are the cell's own.
	wrapper bool
}

// compileCell parses, rewrites and compiles every segment of a cell. On any
// error the interpreter's symbols are restored, so a failed cell leaves
// nothing half-defined behind.
//
// undo holds, for each program that is one top-level definition, the
// symbols its names had before it (an invalid Value for none): a
// definition that panics (z := vals[9] * 2) is taken back, as Go never
// binds z.
func (s *Session) compileCell(code string) (progs []*interp.Program, undo []map[string]reflect.Value, cerr *CellError) {
	s.cellSeq++
	s.progUnits = s.progUnits[:0]
	units, cerr := s.prepare(code)
	if cerr != nil {
		return nil, nil, cerr
	}
	snap := s.syms.snapshot()
	importsBefore := make(map[string]string, len(s.imports))
	for k, v := range s.imports {
		importsBefore[k] = v
	}
	var undoMethods []func()
	defer func() {
		if cerr != nil {
			for i := len(undoMethods) - 1; i >= 0; i-- {
				undoMethods[i]()
			}
			s.syms.restore(snap)
			s.imports = importsBefore
			return
		}
		for _, u := range units {
			s.keepFuncs(u.forget, u.funcs)
			if _, isFile := u.node.(*ast.File); !isFile {
				// A top-level v := ... replaces a function of that name.
				defined := map[string]bool{}
				unitNames(u.node, defined)
				s.keepFuncs(slices.Collect(maps.Keys(defined)), nil)
			}
		}
	}()
	cellNames := map[string]bool{} // what the cell's compiled units define
	for i := range units {
		u := &units[i]
		prev := s.definitionSymbols(u.node, u.liftedVar, snap)
		var unitSnap map[string]reflect.Value
		if u.dependents != nil {
			unitSnap = s.syms.snapshot()
		}
		nUndo := len(undoMethods)
		for _, name := range u.forget {
			s.syms.forget(name)
			s.forgetInstances(name)
		}
		for _, m := range u.dropMethods {
			undoMethods = append(undoMethods, s.syms.dropMethod(m[0], m[1]))
			// Box[int] keeps the methods it was made with, cached as Get[int].
			s.forgetInstances(m[0])
			s.forgetInstances(m[1])
		}
		if err := s.typeMistake(u.node, cellNames); err != nil {
			return nil, nil, compileError(err, code)
		}
		p, err := s.compileAST(u.node)
		if err != nil && u.dependents != nil {
			// The callers keep their old bindings; the cell goes on.
			for i := len(undoMethods) - 1; i >= nUndo; i-- {
				undoMethods[i]()
			}
			undoMethods = undoMethods[:nUndo]
			s.syms.restore(unitSnap)
			u.funcs, u.forget = nil, nil
			s.notes = append(s.notes, dependentsNote(u.dependents, err))
			continue
		}
		if err != nil && u.index != nil && indexRetryable(err) {
			if undef := s.undefinedIn(u.node, snap, cellNames); undef != nil {
				return nil, nil, compileError(undef, code)
			}
			if missing := s.missingMember(u.node); missing != nil {
				return nil, nil, compileError(missing, code)
			}
			p, err = s.retryIndexDefine(u.index)
		}
		if err != nil && u.fallback != nil {
			p, err = s.compileAST(u.fallback)
		}
		if err != nil {
			var ie *internalError
			if errors.As(err, &ie) {
				if undef := s.undefinedIn(u.node, snap, cellNames); undef != nil {
					return nil, nil, compileError(undef, code) // yaegi panics on some undefined names
				}
				return nil, nil, compileError(s.explainInternal(ie), code)
			}
			return nil, nil, compileError(s.explain(err, u.node, snap, cellNames), code)
		}
		for _, sp := range u.importSpecs {
			s.imports[sp.name] = sp.path
		}
		unitNames(u.node, cellNames)
		progs = append(progs, p)
		undo = append(undo, prev)
		s.progUnits = append(s.progUnits, progUnit{node: u.node, wrapper: u.wrapper})
	}
	return progs, undo, nil
}

// definitionSymbols returns the current symbols of the names a unit of
// one top-level definition (v := ..., var v T = ...) defines, or nil for
// any other unit; for the assignment of a lifted var declaration, their
// symbols from before the cell.
func (s *Session) definitionSymbols(n ast.Node, liftedVar bool, before map[string]reflect.Value) map[string]reflect.Value {
	b, ok := n.(*ast.BlockStmt)
	if !ok || len(b.List) != 1 {
		return nil
	}
	switch st := b.List[0].(type) {
	case *ast.AssignStmt:
		if liftedVar && st.Tok == token.ASSIGN {
			prev := map[string]reflect.Value{}
			for _, l := range st.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
					prev[id.Name] = before[id.Name]
				}
			}
			return prev
		}
		if st.Tok != token.DEFINE {
			return nil
		}
	case *ast.DeclStmt:
	default:
		return nil
	}
	names := map[string]bool{}
	unitNames(n, names)
	prev := make(map[string]reflect.Value, len(names))
	for name := range names {
		prev[name] = s.syms.lookup(name)
	}
	return prev
}

// unitNames adds the package-level names a compiled unit defines to names.
func unitNames(n ast.Node, names map[string]bool) {
	switch n := n.(type) {
	case *ast.File:
		for _, name := range declaredNames(n) {
			names[name] = true
		}
	case *ast.BlockStmt:
		for _, st := range n.List {
			switch st := st.(type) {
			case *ast.AssignStmt:
				if st.Tok == token.DEFINE {
					for _, l := range st.Lhs {
						if id, ok := l.(*ast.Ident); ok {
							names[id.Name] = true
						}
					}
				}
			case *ast.DeclStmt:
				if g, ok := st.Decl.(*ast.GenDecl); ok {
					for _, sp := range g.Specs {
						if vs, ok := sp.(*ast.ValueSpec); ok {
							for _, id := range vs.Names {
								names[id.Name] = true
							}
						}
					}
				}
			}
		}
	}
}

// undefinedIn returns "undefined: x" for the first identifier in n that
// nothing defines (judged by the symbols from before the cell, since a
// failed compile leaves a placeholder for an undefined name, the imports
// and what the cell's earlier units defined), or nil.
func (s *Session) undefinedIn(n ast.Node, before map[string]reflect.Value, cellNames map[string]bool) error {
	known := func(name string) bool {
		if _, ok := before[name]; ok {
			return true
		}
		if _, ok := s.imports[name]; ok {
			return true
		}
		return cellNames[name] || strings.HasPrefix(name, "_gt_")
	}
	roots := []ast.Node{n}
	if f, ok := n.(*ast.File); ok { // not its package clause
		roots = roots[:0]
		for _, d := range f.Decls {
			roots = append(roots, d)
		}
		inFile := map[string]bool{}
		for _, name := range declaredNames(f) {
			inFile[name] = true
		}
		outer := known
		known = func(name string) bool { return inFile[name] || outer(name) }
	}
	for _, r := range roots {
		if id := firstUndefined(r, known); id != nil {
			p := s.in.FileSet().Position(id.Pos())
			return fmt.Errorf("%s:%d:%d: undefined: %s", cellFile, p.Line, p.Column, id.Name)
		}
	}
	return nil
}

// indexRetryable reports whether an index definition failed the way the
// typed retry fixes: yaegi's global type analysis gave up ("constant
// definition loop"), or its compiler panicked (v, ok := m[k] of a compiled
// map).
func indexRetryable(err error) bool {
	var ie *internalError
	return strings.Contains(err.Error(), "definition loop") || errors.As(err, &ie)
}

// retryIndexDefine compiles `var name T = x[i]` in place of a top-level
// `name := x[i]` that yaegi could not type, first dropping the placeholder
// the failed attempt left for name (or an older name, which a var
// declaration would keep: a redefinition, as for declarations).
func (s *Session) retryIndexDefine(d *indexDefine) (*interp.Program, error) {
	for _, id := range d.names() {
		s.syms.forget(id.Name)
	}
	node, err := s.typedIndexDefine(d)
	if err != nil {
		return nil, err
	}
	return s.compileAST(node)
}

// explain improves yaegi's least helpful message: a global statement using
// an undefined name fails as "constant definition loop". The pre-pass looks
// for the first identifier that nothing defines and names it instead.
func (s *Session) explain(err error, n ast.Node, before map[string]reflect.Value, cellNames map[string]bool) error {
	if !strings.Contains(err.Error(), "definition loop") {
		return err
	}
	if undef := s.undefinedIn(n, before, cellNames); undef != nil {
		return undef
	}
	if m := cellPos.FindString(err.Error()); m != "" {
		return fmt.Errorf("%s: cannot infer the type of this top-level definition (yaegi cannot type every expression in a global definition, such as an index of a compiled value or string, or a generic call inside a larger expression): define one variable per statement, or declare it with its type (var v T = ...)", m)
	}
	return err
}

// compileLog serialises compileAST's hold on the standard logger, which is
// process-wide.
var compileLog sync.Mutex

// compileAST compiles n, turning the interpreter's internal panics (it has
// several on unusual input) into errors. yaegi's compiler logs such a panic's
// message through the standard logger (log.Panic) just before panicking; the
// cell's error already says it, so while n compiles the logger writes to a
// buffer, and the buffer goes to the real destination afterwards without that
// line. Holding it here, in the compiling goroutine, is deterministic where
// removing it from the stream later raced with the stream's flush timer.
func (s *Session) compileAST(n ast.Node) (p *interp.Program, err error) {
	compileLog.Lock()
	defer compileLog.Unlock()
	dest := log.Writer()
	var held bytes.Buffer
	log.SetOutput(&held)
	defer func() {
		log.SetOutput(dest)
		r := recover()
		logged := held.Bytes()
		if r != nil {
			err = &internalError{msg: fmt.Sprint(r), node: n}
			logged = dropLogLine(logged, fmt.Sprint(r))
		}
		if len(logged) > 0 {
			dest.Write(logged) // lines other goroutines logged meanwhile
		}
	}()
	return s.in.CompileAST(n)
}

// dropLogLine removes from logged the last line that ends with msg.
func dropLogLine(logged []byte, msg string) []byte {
	i := bytes.LastIndex(logged, []byte(msg+"\n"))
	if i < 0 {
		return logged
	}
	start := bytes.LastIndexByte(logged[:i], '\n') + 1
	return append(logged[:start:start], logged[i+len(msg)+1:]...)
}

// missingMember finds a selector naming a field or method its operand's
// (compiled) type lacks, such as model.To(device) on a type without To: yaegi
// panics on some of these instead of reporting them.
func (s *Session) missingMember(n ast.Node) error {
	var found error
	fset := token.NewFileSet()
	ast.Inspect(n, func(x ast.Node) bool {
		sel, ok := x.(*ast.SelectorExpr)
		if !ok || found != nil {
			return found == nil
		}
		expr := nodeString(fset, sel.X)
		s.comp.mu.RLock()
		t := s.comp.typeOf(expr, "")
		s.comp.mu.RUnlock()
		if t == nil || t.Kind() == reflect.Interface && t.NumMethod() == 0 {
			return true
		}
		base := t
		for base.Kind() == reflect.Ptr {
			base = base.Elem()
		}
		if base.PkgPath() == "" || base.PkgPath() == "main" {
			return true // an interpreted type: reflection does not see its methods
		}
		if mt, _ := memberType(t, sel.Sel.Name); mt == nil {
			p := s.in.FileSet().Position(sel.Sel.Pos())
			found = fmt.Errorf("%s:%d:%d: %s.%s undefined (type %s has no field or method %s)", cellFile, p.Line, p.Column, expr, sel.Sel.Name, t, sel.Sel.Name)
		}
		return found == nil
	})
	return found
}

// internalError is a panic inside yaegi's compiler.
type internalError struct {
	msg  string
	node ast.Node
}

func (e *internalError) Error() string { return "yaegi cannot compile this: " + e.msg }

// prepare runs the pre-pass: split the cell, drop repeated imports, parse
// and rewrite each segment, and turn a trailing expression into a result
// capture.
func (s *Session) prepare(code string) ([]compileUnit, *CellError) {
	segs, err := splitCell(code)
	if err != nil {
		return nil, syntaxError(err, code)
	}
	p := &prep{s: s, code: code, fset: s.in.FileSet(), oracle: &intOracle{globals: s.comp.globalKind}, defs: map[string]ast.Expr{}, wrappers: map[ast.Stmt]bool{}, declared: map[string]bool{}}
	last := len(segs) - 1 // the segment a trailing expression may end: imports count first
	for last > 0 && segs[last].kind == segImport {
		last--
	}
	for i, seg := range segs {
		var cerr *CellError
		switch seg.kind {
		case segPackage:
			// A whole program pasted into a cell: its package clause is
			// dropped and its main function runs after its declarations.
			p.program = true
		case segImport:
			cerr = p.imports(seg)
		case segDecl:
			cerr = p.decls(seg)
		case segStmt:
			cerr = p.stmts(seg, i == last)
		}
		if cerr != nil {
			return nil, cerr
		}
	}
	// Imports first, wherever the cell wrote them: what they import is
	// visible to the whole cell.
	units := make([]compileUnit, 0, len(p.units))
	for _, u := range p.units {
		if len(u.importSpecs) > 0 {
			units = append(units, u)
		}
	}
	for _, u := range p.units {
		if len(u.importSpecs) == 0 {
			units = append(units, u)
		}
	}
	p.units = units
	if p.program && p.hasMain {
		call := &ast.ExprStmt{X: &ast.CallExpr{Fun: ast.NewIdent("_gt_main")}}
		p.units = append(p.units, compileUnit{node: &ast.BlockStmt{List: []ast.Stmt{call}}})
	}
	return p.units, nil
}

// prep is the pre-pass state of one cell.
type prep struct {
	s       *Session
	code    string
	fset    *token.FileSet
	oracle  *intOracle
	units   []compileUnit
	defs    map[string]ast.Expr // the cell's top-level definitions so far (name → value)
	program bool                // the cell has a package clause
	hasMain bool                // the cell declares func main
	// lifted are the assignments liftVarInits made of var declarations.
	lifted map[ast.Stmt]bool
	// wrappers are the top-level statements run in a function literal
	// because they declare a name that is already global (shadowsGlobal).
	wrappers map[ast.Stmt]bool
	// declared are the names the cell's declarations so far define.
	declared map[string]bool
}

// imports keeps the imports the session does not have yet.
func (p *prep) imports(seg segment) *CellError {
	f, err := parseDecls(p.fset, p.code, seg)
	if err != nil {
		return syntaxError(err, p.code)
	}
	var keep []importSpec
	var forget []string
	for _, sp := range imports(p.fset, f) {
		if _, ok := binSymbols[sp.path]; !ok {
			return compileError(unknownImport(sp), p.code)
		}
		if path, ok := p.s.imports[sp.name]; ok {
			if path == sp.path {
				continue // already imported: harmless
			}
			forget = append(forget, p.s.importKeys(sp.name)...)
		}
		keep = append(keep, sp)
	}
	if len(keep) == 0 {
		return nil
	}
	f, err = parseFileSrc(p.fset, importSource(keep))
	if err != nil {
		return syntaxError(err, p.code)
	}
	p.units = append(p.units, compileUnit{node: f, forget: forget, importSpecs: keep})
	return nil
}

// unknownImport explains an import of a package the session cannot load:
// yaegi would ask for a GOPATH, but cells import only compiled packages.
func unknownImport(sp importSpec) error {
	return fmt.Errorf("%s:%d:%d: cannot import %q: no such package in this kernel; cells can import the standard library (Go 1.22, without os/exec, syscall, unsafe and plugin) and %s",
		cellFile, sp.line, sp.col, sp.path, strings.Join(exports.Packages, ", "))
}

// decls prepares declarations; redefined names are forgotten first.
func (p *prep) decls(seg segment) *CellError {
	f, err := parseDecls(p.fset, p.code, seg)
	if err != nil {
		return syntaxError(err, p.code)
	}
	if err := p.s.precheck(f); err != nil {
		return compileError(err, p.code)
	}
	// yaegi runs main after compiling anything once main exists in package
	// main: a cell's main is renamed, and called only for a pasted program.
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
			fd.Name.Name = "_gt_main"
			p.hasMain = true
		}
	}
	var forget []string
	for _, name := range declaredNames(f) {
		if name == "min" || name == "max" {
			p.s.shadowed[name] = true // for good: the prelude's is gone
		}
	}
	p.s.comp.noteDecls(p.fset, f)
	p.s.noteGenerics(f)
	p.s.instantiateGenerics(f, p.defs)
	lifted := p.liftVarInits(f)
	p.s.newRewriter(p.oracle).rewrite(f)
	for _, name := range declaredNames(f) {
		if p.s.syms.has(name) {
			forget = append(forget, name)
		}
	}
	for _, name := range declaredNames(f) {
		p.declared[name] = true
	}
	r := p.s.planRedefinition(f, forget)
	p.units = append(p.units, compileUnit{node: f, forget: forget, funcs: r.funcs, dropMethods: r.dropMethods})
	if len(r.dependents) > 0 {
		p.units = append(p.units, dependentsUnit(r.dependents))
	}
	if len(lifted) > 0 {
		return p.stmtUnits(&ast.BlockStmt{Lbrace: lifted[0].Pos(), List: lifted, Rbrace: lifted[len(lifted)-1].End()}, false)
	}
	return nil
}

// stmts prepares statements; in the cell's last segment a trailing
// expression becomes the result.
func (p *prep) stmts(seg segment, last bool) *CellError {
	body, err := parseStmts(p.fset, p.code, seg)
	if err != nil {
		return syntaxError(err, p.code)
	}
	if err := p.s.precheck(body); err != nil {
		return compileError(err, p.code)
	}
	p.s.instantiateGenerics(body, p.defs)
	p.s.typeGenericDefines(body, p.defs)
	return p.stmtUnits(body, last)
}

// stmtUnits turns parsed top-level statements into compile units.
func (p *prep) stmtUnits(body *ast.BlockStmt, last bool) *CellError {
	for _, st := range body.List {
		if d, ok := st.(*ast.DeferStmt); ok {
			pos := p.fset.Position(d.Pos())
			return compileError(fmt.Errorf("%s:%d:%d: defer at the top level of a cell is not supported: put it inside a function", cellFile, pos.Line, pos.Column), p.code)
		}
	}
	p.s.newRewriter(p.oracle).rewrite(body)
	p.s.comp.noteStmts(body)
	var tail *ast.ExprStmt
	if last && len(body.List) > 0 {
		if es, ok := body.List[len(body.List)-1].(*ast.ExprStmt); ok {
			tail = es
			body.List = body.List[:len(body.List)-1]
		}
	}
	// One unit per statement: yaegi reports a panic at the first statement
	// of the block it runs, so this makes it the failing statement. From the
	// first statement that starts a goroutine on, the rest of the segment is
	// one unit: each unit is a separate run, and yaegi races (harmlessly,
	// but visibly to the race detector) when a run starts while goroutines
	// of the previous one create frames.
	split := len(body.List)
	for i, st := range body.List {
		if startsGoroutine(st) {
			split = i
			break
		}
	}
	index := noteDefines(body.List, p.defs)
	globals := map[string]bool{}
	for _, name := range p.s.syms.names() {
		globals[name] = true
	}
	for name := range p.declared {
		globals[name] = true
	}
	for i, st := range body.List {
		body.List[i] = localScope(st)
		if shadowsGlobal(st, globals) {
			body.List[i] = inFuncLit(st)
			p.wrappers[body.List[i]] = true
		}
		if is := index[st]; is != nil {
			index[body.List[i]] = is
		}
		topLevelNames(st, globals)
	}
	for _, st := range body.List[:split] {
		p.units = append(p.units, compileUnit{node: &ast.BlockStmt{Lbrace: st.Pos(), List: []ast.Stmt{st}, Rbrace: st.End()}, index: index[st], liftedVar: p.lifted[st], wrapper: p.wrappers[st]})
	}
	rest := body.List[split:]
	switch {
	case tail != nil:
		p.units = append(p.units, resultUnit(tail, rest))
	case len(rest) > 0:
		p.units = append(p.units, compileUnit{node: &ast.BlockStmt{Lbrace: rest[0].Pos(), List: rest, Rbrace: rest[len(rest)-1].End()}})
	}
	return nil
}

// localScope puts a top-level statement that opens a scope of its own (a
// loop, an if or a switch) in a block: yaegi v0.16.1 makes the variables
// of their headers (for i := 0; ...) globals of the cell, which leak into
// later cells and make a later loop's per-iteration copy of i assign that
// global, so closures share it again.
func localScope(st ast.Stmt) ast.Stmt {
	inner := st
	if l, ok := st.(*ast.LabeledStmt); ok {
		inner = l.Stmt
	}
	switch inner.(type) {
	case *ast.ForStmt, *ast.RangeStmt, *ast.IfStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
		return &ast.BlockStmt{Lbrace: st.Pos(), List: []ast.Stmt{st}, Rbrace: st.End()}
	}
	return st
}

// shadowsGlobal reports whether a top-level compound statement or block
// declares, inside, a name that is already global. yaegi binds such a
// declaration to the global at a cell's top level (i := 100, then
// for i := range 5 {} leaves i at 5; a global of another type panics with
// a reflect.Set error), where inside a function it makes a new local; so
// such a statement runs in a function literal (inFuncLit).
func shadowsGlobal(st ast.Stmt, globals map[string]bool) bool {
	switch st.(type) {
	case *ast.BlockStmt, *ast.ForStmt, *ast.RangeStmt, *ast.IfStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt, *ast.LabeledStmt:
	default:
		return false
	}
	found := false
	ast.Inspect(st, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok && globals[id.Name] {
						found = true
					}
				}
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				for _, x := range []ast.Expr{n.Key, n.Value} {
					if id, ok := x.(*ast.Ident); ok && globals[id.Name] {
						found = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				found = found || globals[id.Name]
			}
		case *ast.TypeSpec:
			found = found || globals[n.Name.Name]
		}
		return !found
	})
	return found
}

// inFuncLit returns st as func() { st }(), positioned at st.
func inFuncLit(st ast.Stmt) ast.Stmt {
	lit := &ast.FuncLit{
		Type: &ast.FuncType{Func: st.Pos(), Params: &ast.FieldList{}},
		Body: &ast.BlockStmt{Lbrace: st.Pos(), List: []ast.Stmt{st}, Rbrace: st.End()},
	}
	return &ast.ExprStmt{X: &ast.CallExpr{Fun: lit, Lparen: st.End(), Rparen: st.End()}}
}

// topLevelNames adds the names a top-level statement defines to names.
func topLevelNames(st ast.Stmt, names map[string]bool) {
	unitNames(&ast.BlockStmt{List: []ast.Stmt{st}}, names)
}

// startsGoroutine reports whether st contains a go statement.
func startsGoroutine(st ast.Stmt) bool {
	found := false
	ast.Inspect(st, func(n ast.Node) bool {
		if _, ok := n.(*ast.GoStmt); ok {
			found = true
		}
		return !found
	})
	return found
}

func (s *Session) newRewriter(o *intOracle) *rewriter {
	r := newRewriter(o)
	r.n = &s.fresh
	r.shadowed = s.shadowed
	r.handles = s.handles
	r.floatConst = s.floatConst
	return r
}

// floatConst returns the literal of an untyped float constant pkg.name of a
// compiled package imported under pkg (see rewriter.inlineConst).
func (s *Session) floatConst(pkg, name string) (string, bool) {
	path, ok := s.imports[pkg]
	if !ok {
		return "", false
	}
	v, ok := binSymbols[path][name]
	if !ok || !v.IsValid() || !v.CanInterface() {
		return "", false
	}
	c, ok := v.Interface().(constant.Value)
	if !ok || c.Kind() != constant.Float {
		return "", false
	}
	f, _ := constant.Float64Val(c)
	lit := strconv.FormatFloat(f, 'g', -1, 64)
	if !strings.ContainsAny(lit, ".eEn") { // keep it a float literal: 2 → 2.0
		lit += ".0"
	}
	return lit, true
}

// resultUnit turns a trailing expression x into `_gt_emit(x)`, falling back
// to plain `x` when x has no single value (fmt.Println(...), a void call).
// The statements in before run first, in the same unit.
func resultUnit(es *ast.ExprStmt, before []ast.Stmt) compileUnit {
	pos := es.Pos()
	if len(before) > 0 {
		pos = before[0].Pos()
	}
	emit := &ast.ExprStmt{X: &ast.CallExpr{
		Fun:    &ast.Ident{Name: "_gt_emit", NamePos: es.Pos()},
		Lparen: es.Pos(), Args: []ast.Expr{es.X}, Rparen: es.End(),
	}}
	withEmit := append(append([]ast.Stmt(nil), before...), emit)
	plain := append(append([]ast.Stmt(nil), before...), es)
	u := compileUnit{
		node:     &ast.BlockStmt{Lbrace: pos, List: withEmit, Rbrace: es.End()},
		fallback: &ast.BlockStmt{Lbrace: pos, List: plain, Rbrace: es.End()},
	}
	if call, ok := es.X.(*ast.CallExpr); ok {
		if _, builtin := builtinName(call.Fun); builtin {
			u.node, u.fallback = u.fallback, nil
		}
	}
	return u
}

// importKeys lists the symbol-table keys under which the interpreter stores
// an import bound to name ("name/file").
func (s *Session) importKeys(name string) []string {
	var keys []string
	for _, k := range s.syms.names() {
		if len(k) > len(name) && k[:len(name)+1] == name+"/" {
			keys = append(keys, k)
		}
	}
	return keys
}
