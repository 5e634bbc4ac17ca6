package runtime

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"gotensor/display"
	"gotensor/runtime/exports"
)

// Output receives what a running cell produces. The kernel implements it;
// every method may be called from any goroutine, but the runtime never calls
// two at once for one cell and keeps their order.
type Output interface {
	// Stream sends text written to standard output ("stdout") or standard
	// error ("stderr").
	Stream(name, text string)
	// Display sends a MIME bundle; update=true replaces the output shown
	// under displayID (update_display_data).
	Display(data, metadata map[string]any, displayID string, update bool)
	// ClearOutput clears the cell's output; with wait, when new output comes.
	ClearOutput(wait bool)
	// Input asks the user for a line of text (without its newline); it
	// returns an error when the client does not allow input.
	Input(prompt string, password bool) (string, error)
}

// Result is a cell's value: a MIME bundle. Data always has "text/plain".
type Result struct {
	Data, Metadata map[string]any
}

// Options configures a Session. The zero value works: output is captured at
// the file-descriptor level and everything is pre-imported.
type Options struct {
	// NoFDCapture leaves file descriptors 1 and 2 alone: only output written
	// by interpreted code through fmt, log and os.Stdout/os.Stderr reaches
	// the cell. For embedding the runtime in a program that owns its fds.
	NoFDCapture bool
}

// Session is one persistent Go interpreter: cells executed in it share
// variables, functions, types and imports.
type Session struct {
	opts Options
	in   *interp.Interpreter
	syms symTable
	rc   *runControl

	// zombie is closed when an interrupted run has really ended; the next
	// cell waits for it (see runControl).
	zombie chan struct{}

	execMu  sync.Mutex        // one Execute at a time
	imports map[string]string // import name → path, as the interpreter knows them
	handles map[string]bool   // variables holding display handles (see rewriter.richArg)

	cur     atomic.Pointer[cellRun] // the running cell, nil between cells
	stdout  *orderedWriter
	stderr  *orderedWriter
	capture *fdCapture // nil with NoFDCapture

	logOut io.Writer
	bg     background // output of cell goroutines between cells

	internalPanic string // message of the last yaegi compiler panic, for dropInternalLog

	comp *completer

	closeOnce sync.Once
}

var _ io.Writer = (*orderedWriter)(nil)

// preImported are the packages every cell can use without an import line,
// by the name shown.
var preImported = []importSpec{
	{name: "fmt", path: "fmt"},
	{name: "math", path: "math"},
	{name: "time", path: "time"},
	{name: "strings", path: "strings"},
	{name: "mat", path: "gonum.org/v1/gonum/mat"},
	{name: "display", path: "gotensor/display"},
	{name: "tensor", path: "gotensor/tensor"},
	{name: "gpu", path: "gotensor/gpu"},
	{name: "autograd", path: "gotensor/autograd"},
	{name: "nn", path: "gotensor/autograd/nn"},
	{name: "optim", path: "gotensor/autograd/optim"},
}

// New starts a session: an interpreter with the standard library, the
// gotensor packages and the prelude loaded, and (unless opts.NoFDCapture)
// file descriptors 1 and 2 captured.
func New(opts Options) (*Session, error) {
	s := &Session{opts: opts, imports: map[string]string{}, handles: map[string]bool{}}
	s.logOut = os.Stderr
	if !opts.NoFDCapture {
		c, err := acquireCapture()
		if err != nil {
			return nil, fmt.Errorf("runtime: capture output: %w", err)
		}
		s.capture = c
		s.logOut = c.realErr
	}
	s.stdout = &orderedWriter{s: s, name: "stdout"}
	s.stderr = &orderedWriter{s: s, name: "stderr"}
	s.in = interp.New(interp.Options{
		Stdout: s.stdout,
		Stderr: s.stderr,
		Stdin:  &inputReader{s: s},
		Env:    os.Environ(),
	})
	if err := s.load(); err != nil {
		s.Close()
		return nil, err
	}
	s.comp = newCompleter(s)
	return s, nil
}

// load installs the symbol tables, the overrides and the prelude.
func (s *Session) load() error {
	std, extra := s.overrides()
	if err := s.in.Use(std); err != nil {
		return fmt.Errorf("runtime: load stdlib: %w", err)
	}
	if err := s.in.Use(exports.Symbols); err != nil {
		return fmt.Errorf("runtime: load gotensor symbols: %w", err)
	}
	if err := s.in.Use(extra); err != nil {
		return fmt.Errorf("runtime: load hooks: %w", err)
	}
	syms, err := mainSymbolsAfterInit(s.in)
	if err != nil {
		return fmt.Errorf("runtime: %w", err)
	}
	s.syms = syms
	if s.rc, err = newRunControl(s.in); err != nil {
		return fmt.Errorf("runtime: %w", err)
	}
	if _, err := s.in.Eval(prelude); err != nil {
		return fmt.Errorf("runtime: prelude: %w", err)
	}
	// Imports are file-scoped in yaegi: compile them under the pseudo file
	// name every cell uses, so cells see them.
	specs := append([]importSpec(nil), preImported...)
	for i := range specs {
		specs[i].line, specs[i].col = 1, 1
	}
	f, err := parseFileSrc(s.in.FileSet(), importSource(specs))
	if err != nil {
		return fmt.Errorf("runtime: pre-import: %w", err)
	}
	p, err := s.compileAST(f)
	if err == nil {
		_, err = s.in.Execute(p)
	}
	if err != nil {
		return fmt.Errorf("runtime: pre-import: %w", err)
	}
	for _, sp := range specs {
		s.imports[sp.name] = sp.path
	}
	return nil
}

// mainSymbolsAfterInit makes sure the main scope exists, then returns it.
func mainSymbolsAfterInit(in *interp.Interpreter) (symTable, error) {
	if _, err := in.Eval("package main"); err != nil {
		return symTable{}, fmt.Errorf("init main package: %w", err)
	}
	return mainSymbols(in)
}

// LogOutput returns the process's real standard error, saved before output
// capture took file descriptor 2. Hosts log through it.
func (s *Session) LogOutput() io.Writer { return s.logOut }

// Close releases the session's hold on output capture; the last session to
// close gives file descriptors 1 and 2 back. A running cell is not stopped.
func (s *Session) Close() error {
	s.closeOnce.Do(func() {
		if s.capture != nil {
			releaseCapture(s.capture)
		}
	})
	return nil
}

// cellRun is the state of one executing cell.
type cellRun struct {
	out    Output
	st     *streamer
	done   <-chan struct{} // closed when the cell is interrupted
	result map[string]any

	mu         sync.Mutex
	panicTrace []string // yaegi's "cell:L:C: panic: f(...)" lines, innermost first
}

// Execute runs one cell. Output streams through out while it runs;
// cancelling ctx interrupts it, and Execute then returns promptly with a
// *CellError named "Interrupted". The Result is nil when the cell does not
// end with an expression that has a value. Errors are *CellError.
func (s *Session) Execute(ctx context.Context, code string, out Output) (*Result, error) {
	s.execMu.Lock()
	defer s.execMu.Unlock()
	if ctx.Err() != nil {
		return nil, interruptedError()
	}
	if s.zombie != nil {
		if err := s.waitZombie(ctx, out); err != nil {
			return nil, err
		}
	}

	run := &cellRun{out: out, st: newStreamer(out), done: ctx.Done()}
	s.begin(run)
	defer s.end(run)

	progs, cerr := s.compileCell(code)
	if cerr != nil {
		s.dropInternalLog(run)
		return nil, cerr
	}
	for _, p := range progs {
		if err := s.run(ctx, run, p, code); err != nil {
			return nil, err
		}
	}
	s.comp.refresh()
	if run.result == nil {
		return nil, nil
	}
	return &Result{Data: run.result, Metadata: map[string]any{}}, nil
}

// waitZombie waits for an interrupted run stuck in a compiled call to
// return, telling the user when that takes a while.
func (s *Session) waitZombie(ctx context.Context, out Output) error {
	select {
	case <-s.zombie:
		s.zombie = nil
		return nil
	case <-time.After(time.Second):
		out.Stream("stderr", "waiting for the interrupted cell to return from a compiled call...\n")
	case <-ctx.Done():
		return interruptedError()
	}
	select {
	case <-s.zombie:
		s.zombie = nil
		return nil
	case <-ctx.Done():
		return interruptedError()
	}
}

// dropInternalLog removes the line yaegi's compiler logs (through the
// standard logger, to file descriptor 2) before it panics: the cell's error
// already says it.
func (s *Session) dropInternalLog(run *cellRun) {
	msg := s.internalPanic
	s.internalPanic = ""
	if msg == "" || s.capture == nil {
		return
	}
	s.capture.flush()
	run.st.dropTail("stderr", regexp.MustCompile(`(?m)^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d `+regexp.QuoteMeta(msg)+`\n\z`))
}

// begin makes run the destination of output and displays.
func (s *Session) begin(run *cellRun) {
	if s.capture != nil {
		s.capture.flushPending() // earlier bytes go to the real streams
	}
	s.cur.Store(run)
	if s.capture != nil {
		s.capture.setSink(run.st)
	}
	display.SetPublisher(&publisher{s: s, run: run})
	s.releaseBackground(run)
}

// end flushes everything the cell wrote and detaches it.
func (s *Session) end(run *cellRun) {
	if s.capture != nil {
		s.capture.flush()
		s.capture.setSink(nil)
	}
	run.st.close()
	display.SetPublisher(nil)
	s.cur.CompareAndSwap(run, nil)
}

// run executes one compiled program, turning panics and interrupts into
// *CellError.
func (s *Session) run(ctx context.Context, run *cellRun, p *interp.Program, code string) error {
	ch := s.rc.arm()
	finished := make(chan struct{})
	var err error
	go func() {
		defer close(finished)
		_, err = s.in.Execute(p)
	}()
	select {
	case <-finished:
	case <-ctx.Done():
		s.rc.stop(ch)
		// Keep stopping until the run has unwound: a run cancelled before its
		// goroutine started would otherwise adopt the new run id and go on.
		go func() {
			tick := time.NewTicker(time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-finished:
					return
				case <-tick.C:
					s.rc.bump()
				}
			}
		}()
		select {
		case <-finished:
		case <-time.After(5 * time.Millisecond):
			// Still inside a compiled call: report now, and make the next
			// cell wait until the run has unwound.
			s.zombie = finished
		}
		return interruptedError()
	}
	if ctx.Err() != nil {
		return interruptedError()
	}
	if err == nil {
		return nil
	}
	var pv interp.Panic
	if errors.As(err, &pv) {
		run.mu.Lock()
		trace := append([]string(nil), run.panicTrace...)
		run.mu.Unlock()
		return panicError(pv, trace, code)
	}
	return runError(err, code)
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
}

// compileCell parses, rewrites and compiles every segment of a cell. On any
// error the interpreter's symbols are restored, so a failed cell leaves
// nothing half-defined behind.
func (s *Session) compileCell(code string) (progs []*interp.Program, cerr *CellError) {
	units, cerr := s.prepare(code)
	if cerr != nil {
		return nil, cerr
	}
	snap := s.syms.snapshot()
	importsBefore := make(map[string]string, len(s.imports))
	for k, v := range s.imports {
		importsBefore[k] = v
	}
	defer func() {
		if cerr != nil {
			s.syms.restore(snap)
			s.imports = importsBefore
		}
	}()
	for _, u := range units {
		for _, name := range u.forget {
			s.syms.forget(name)
		}
		p, err := s.compileAST(u.node)
		if err != nil && u.fallback != nil {
			p, err = s.compileAST(u.fallback)
		}
		if err != nil {
			var ie *internalError
			if errors.As(err, &ie) {
				s.internalPanic = ie.msg
				return nil, compileError(s.explainInternal(ie), code)
			}
			return nil, compileError(s.explain(err, u.node, snap), code)
		}
		for _, sp := range u.importSpecs {
			s.imports[sp.name] = sp.path
		}
		progs = append(progs, p)
	}
	return progs, nil
}

// explain improves yaegi's least helpful message: a global statement using
// an undefined name fails as "constant definition loop". The pre-pass looks
// for the first identifier that nothing defines and names it instead.
func (s *Session) explain(err error, n ast.Node, before map[string]reflect.Value) error {
	if !strings.Contains(err.Error(), "definition loop") {
		return err
	}
	// Judge by the symbols from before the cell: the failed compile itself
	// leaves a placeholder for the undefined name.
	known := func(name string) bool { _, ok := before[name]; return ok }
	if id := firstUndefined(n, known); id != nil {
		p := s.in.FileSet().Position(id.Pos())
		return fmt.Errorf("%s:%d:%d: undefined: %s", cellFile, p.Line, p.Column, id.Name)
	}
	return err
}

// compileAST compiles n, turning the interpreter's internal panics (it has
// several on unusual input) into errors.
func (s *Session) compileAST(n ast.Node) (p *interp.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &internalError{msg: fmt.Sprint(r), node: n}
		}
	}()
	return s.in.CompileAST(n)
}

// internalError is a panic inside yaegi's compiler.
type internalError struct {
	msg  string
	node ast.Node
}

func (e *internalError) Error() string { return "yaegi cannot compile this: " + e.msg }

// explainInternal points a yaegi compiler panic at its likeliest cause: a
// range statement over a function or an integer yaegi cannot type.
func (s *Session) explainInternal(e *internalError) error {
	var rng *ast.RangeStmt
	ast.Inspect(e.node, func(n ast.Node) bool {
		if r, ok := n.(*ast.RangeStmt); ok && rng == nil {
			rng = r
		}
		return rng == nil
	})
	if rng == nil || e.msg != "nil type" {
		return e
	}
	p := s.in.FileSet().Position(rng.X.Pos())
	return fmt.Errorf("%s:%d:%d: cannot range over %s: yaegi cannot range over a function, nor over an integer whose type the pre-pass could not see (write int(...) around it)",
		cellFile, p.Line, p.Column, nodeString(token.NewFileSet(), rng.X))
}

// prepare runs the pre-pass: split the cell, drop repeated imports, parse
// and rewrite each segment, and turn a trailing expression into a result
// capture.
func (s *Session) prepare(code string) ([]compileUnit, *CellError) {
	segs, err := splitCell(code)
	if err != nil {
		return nil, syntaxError(err, code)
	}
	fset := s.in.FileSet()
	oracle := &intOracle{globals: s.comp.globalKind}
	var units []compileUnit
	program, hasMain := false, false
	for i, seg := range segs {
		switch seg.kind {
		case segPackage:
			// A whole program pasted into a cell: its package clause is
			// dropped and its main function runs after its declarations.
			program = true
		case segImport:
			f, err := parseDecls(fset, code, seg)
			if err != nil {
				return nil, syntaxError(err, code)
			}
			var keep []importSpec
			var forget []string
			for _, sp := range imports(fset, f) {
				if p, ok := s.imports[sp.name]; ok {
					if p == sp.path {
						continue // already imported: harmless
					}
					forget = append(forget, s.importKeys(sp.name)...)
				}
				keep = append(keep, sp)
			}
			if len(keep) == 0 {
				continue
			}
			f, err = parseFileSrc(fset, importSource(keep))
			if err != nil {
				return nil, syntaxError(err, code)
			}
			units = append(units, compileUnit{node: f, forget: forget, importSpecs: keep})
		case segDecl:
			f, err := parseDecls(fset, code, seg)
			if err != nil {
				return nil, syntaxError(err, code)
			}
			// yaegi runs main after compiling anything once main exists in
			// package main: a cell's main is renamed, and called only for a
			// pasted program.
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
					fd.Name.Name = "_gt_main"
					hasMain = true
				}
			}
			s.newRewriter(oracle).rewrite(f)
			s.comp.noteDecls(fset, f)
			var forget []string
			for _, name := range declaredNames(f) {
				if s.syms.has(name) {
					forget = append(forget, name)
				}
			}
			units = append(units, compileUnit{node: f, forget: forget})
		case segStmt:
			body, err := parseStmts(fset, code, seg)
			if err != nil {
				return nil, syntaxError(err, code)
			}
			for _, st := range body.List {
				if d, ok := st.(*ast.DeferStmt); ok {
					p := fset.Position(d.Pos())
					return nil, compileError(fmt.Errorf("%s:%d:%d: defer at the top level of a cell is not supported: put it inside a function", cellFile, p.Line, p.Column), code)
				}
			}
			s.newRewriter(oracle).rewrite(body)
			s.comp.noteStmts(body)
			var tail *ast.ExprStmt
			if i == len(segs)-1 && len(body.List) > 0 {
				if es, ok := body.List[len(body.List)-1].(*ast.ExprStmt); ok {
					tail = es
					body.List = body.List[:len(body.List)-1]
				}
			}
			if len(body.List) > 0 {
				units = append(units, compileUnit{node: body})
			}
			if tail != nil {
				units = append(units, resultUnit(tail))
			}
		}
	}
	if program && hasMain {
		call := &ast.ExprStmt{X: &ast.CallExpr{Fun: ast.NewIdent("_gt_main")}}
		units = append(units, compileUnit{node: &ast.BlockStmt{List: []ast.Stmt{call}}})
	}
	return units, nil
}

func (s *Session) newRewriter(o *intOracle) *rewriter {
	r := newRewriter(o)
	r.handles = s.handles
	return r
}

// resultUnit turns a trailing expression x into `_gt_emit(x)`, falling back
// to plain `x` when x has no single value (fmt.Println(...), a void call).
func resultUnit(es *ast.ExprStmt) compileUnit {
	pos := es.Pos()
	emit := &ast.ExprStmt{X: &ast.CallExpr{
		Fun:    &ast.Ident{Name: "_gt_emit", NamePos: pos},
		Lparen: pos, Args: []ast.Expr{es.X}, Rparen: es.End(),
	}}
	u := compileUnit{
		node:     &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{emit}, Rbrace: es.End()},
		fallback: &ast.BlockStmt{Lbrace: pos, List: []ast.Stmt{es}, Rbrace: es.End()},
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

// setResult records the cell's value bundle (called from the prelude).
func (s *Session) setResult(b map[string]any) {
	if run := s.cur.Load(); run != nil {
		run.result = b
	}
}

// goPanic reports a panic recovered in a goroutine a cell started.
func (s *Session) goPanic(v any) {
	msg := fmt.Sprintf("panic in goroutine: %v\n", v)
	if run := s.cur.Load(); run != nil {
		run.mu.Lock()
		trace := run.panicTrace
		run.panicTrace = nil
		run.mu.Unlock()
		for _, l := range trace {
			if where, _, _, ok := panicFrame(l); ok {
				msg += "    " + where + "\n"
			}
		}
	}
	s.stderr.Write([]byte(msg))
}

// sleep is time.Sleep for cells: it returns early when the cell is
// interrupted, so an interrupt never waits out a long sleep.
func (s *Session) sleep(d time.Duration) {
	run := s.cur.Load()
	if run == nil || d <= 0 {
		time.Sleep(d)
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-run.done:
	}
}

// overrides returns the standard library's symbol tables with the
// session's replacements patched in (yaegi's Use re-runs its stdlib set-up
// whenever it sees "fmt/fmt", so they cannot be loaded separately), and the
// hooks the prelude calls.
func (s *Session) overrides() (std, extra interp.Exports) {
	fprint := func(w io.Writer, a ...any) (int, error) { return fmt.Fprint(s.route(w), a...) }
	fprintf := func(w io.Writer, f string, a ...any) (int, error) { return fmt.Fprintf(s.route(w), f, a...) }
	fprintln := func(w io.Writer, a ...any) (int, error) { return fmt.Fprintln(s.route(w), a...) }
	patch := map[string]map[string]reflect.Value{
		"fmt/fmt": {
			"Fprint":   reflect.ValueOf(fprint),
			"Fprintf":  reflect.ValueOf(fprintf),
			"Fprintln": reflect.ValueOf(fprintln),
		},
		"time/time": {"Sleep": reflect.ValueOf(s.sleep)},
	}
	std = interp.Exports{}
	for pkg, syms := range stdlib.Symbols {
		std[pkg] = syms
		if p, ok := patch[pkg]; ok {
			m := make(map[string]reflect.Value, len(syms))
			for k, v := range syms {
				m[k] = v
			}
			for k, v := range p {
				m[k] = v
			}
			std[pkg] = m
		}
	}
	mt := stdlib.MapTypes[reflect.ValueOf(fmt.Fprint)]
	extra = interp.Exports{
		"gtrt/gtrt": {
			"SetResult": reflect.ValueOf(s.setResult),
			"GoPanic":   reflect.ValueOf(s.goPanic),
		},
		".": {"MapTypes": reflect.ValueOf(map[reflect.Value][]reflect.Type{
			reflect.ValueOf(fprint):   mt,
			reflect.ValueOf(fprintf):  mt,
			reflect.ValueOf(fprintln): mt,
		})},
	}
	return std, extra
}

// route sends cell writes aimed at the process's stdout or stderr through
// the session's ordered writers, so they keep their order with each other
// and with displays.
func (s *Session) route(w io.Writer) io.Writer {
	switch w {
	case os.Stdout:
		return s.stdout
	case os.Stderr:
		return s.stderr
	}
	return w
}

// parseFileSrc parses generated declaration source.
func parseFileSrc(fset *token.FileSet, src string) (*ast.File, error) {
	return parser.ParseFile(fset, cellFile, src, parser.SkipObjectResolution)
}
