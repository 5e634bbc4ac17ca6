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
	"sync"
	"sync/atomic"
	"time"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"gotensor/display"
	"gotensor/runtime/exports"
	"gotensor/viz"
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
	opts  Options
	in    *interp.Interpreter
	syms  symTable
	rc    *runControl
	frame *frameGrower // sizes the global frame before each run

	// zombie is an interrupted run that has not unwound yet; the next cell
	// waits for it (see runControl).
	zombie *zombie
	// stopper is closed when the goroutine re-stopping the last interrupted
	// run has returned; no run may start before (a late stop would end it).
	stopper chan struct{}

	execMu   sync.Mutex        // one Execute at a time
	imports  map[string]string // import name → path, as the interpreter knows them
	handles  map[string]bool   // variables holding display handles (see rewriter.richArg)
	fresh    int               // the pre-pass's counter for generated names
	shadowed map[string]bool   // min or max, once a cell declared its own
	// generics are the cell-declared generic functions whose calls the
	// pre-pass may instantiate (see geninfer.go).
	generics map[string]*ast.FuncType

	cur     atomic.Pointer[cellRun] // the running cell, nil between cells
	stdout  *orderedWriter
	stderr  *orderedWriter
	capture *fdCapture // nil with NoFDCapture

	logOut io.Writer
	bg     background // output of cell goroutines between cells
	// bgTrace holds yaegi's panic frame reports of a goroutine panicking
	// between cells, for goPanic.
	bgTrace struct {
		mu    sync.Mutex
		lines []string
	}

	comp *completer
	// panicMethod carries a panic value into interpreted code and its
	// method's text back (panictext.go).
	panicMethod panicMethod

	// funcs are the functions and methods cells defined, by "name" or
	// "T.M", for redefinitions (redefine.go); notes are what compiling a
	// cell has to tell its user on stderr.
	funcs   map[string]*storedFunc
	funcSeq int
	notes   []string
	// cellSeq numbers the cells compiled; progUnits are the syntax of the
	// running cell's programs, for locating panics (pinpoint.go).
	cellSeq   int
	progUnits []progUnit

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
	{name: "viz", path: "gotensor/viz"},
}

// New starts a session: an interpreter with the standard library, the
// gotensor packages and the prelude loaded, and (unless opts.NoFDCapture)
// file descriptors 1 and 2 captured.
func New(opts Options) (*Session, error) {
	s := &Session{opts: opts, imports: map[string]string{}, handles: map[string]bool{}, shadowed: map[string]bool{}, generics: map[string]*ast.FuncType{}, funcs: map[string]*storedFunc{}}
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
	if s.frame, err = newFrameGrower(s.in); err != nil {
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
func (s *Session) Execute(ctx context.Context, code string, out Output) (_ *Result, err error) {
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
	defer func() { s.end(run, err != nil) }()
	defer func() {
		// Whatever the outcome, completion sees what the cell defined; not
		// while an interrupted run may still be writing the globals.
		if s.zombie == nil {
			s.comp.refresh()
		}
	}()

	progs, undo, cerr := s.compileCell(code)
	for _, n := range s.notes {
		run.st.write("stderr", []byte(n))
	}
	s.notes = nil
	if cerr != nil {
		return nil, cerr
	}
	// One cancellation channel for the whole cell, so an interrupt also
	// releases goroutines that earlier statements of the cell started.
	cancel := make(chan struct{})
	for i, p := range progs {
		if err := s.run(ctx, run, p, code, cancel, s.progUnits[i]); err != nil {
			if s.zombie == nil { // not while the run may still write them
				// Neither this definition nor the ones after it ran: take
				// them all back, last first, so a name defined twice gets
				// the symbol it had before the first.
				for j := len(progs) - 1; j >= i; j-- {
					for name, sym := range undo[j] {
						s.syms.set(name, sym)
					}
				}
			}
			return nil, err
		}
	}
	if run.result == nil {
		return nil, nil
	}
	return &Result{Data: run.result, Metadata: map[string]any{}}, nil
}

// zombie is an interrupted run still inside a compiled call.
type zombie struct {
	finished <-chan struct{} // closed when the run has unwound
	abandon  chan struct{}   // closed to stop re-stopping it
	stopped  chan struct{}   // closed when the re-stopping goroutine has returned
}

// zombieGrace is how long a cell waits for an interrupted run to unwind
// before abandoning it.
const zombieGrace = 2 * time.Second

// waitZombie waits for an interrupted run stuck in a compiled call to
// return. One blocked for good (a sync.WaitGroup.Wait that nothing will
// release) is abandoned after zombieGrace, with a warning, so the session
// stays usable: its goroutine stays blocked, and should the call ever
// return, its cell's remaining top-level statements may run.
func (s *Session) waitZombie(ctx context.Context, out Output) error {
	z := s.zombie
	select {
	case <-z.finished:
	case <-time.After(zombieGrace):
		out.Stream("stderr", "note: the interrupted cell is still blocked inside a compiled call; it is abandoned\n")
		close(z.abandon)
		<-z.stopped // no stop may hit the next cell's run
	case <-ctx.Done():
		return interruptedError()
	}
	s.zombie = nil
	return nil
}

// begin makes run the destination of output and displays.
func (s *Session) begin(run *cellRun) {
	s.bgTrace.mu.Lock()
	s.bgTrace.lines = nil // frames of recovered panics between cells
	s.bgTrace.mu.Unlock()
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

// end flushes everything the cell wrote and detaches it. A cell that failed
// (panicked, errored or was interrupted) has its display scope aborted first,
// so its open live views show that they stopped.
func (s *Session) end(run *cellRun, failed bool) {
	if s.capture != nil {
		s.capture.flushPending()
		s.capture.setSink(nil)
	}
	run.st.close()
	if failed {
		display.CurrentScope().Abort()
	}
	display.SetPublisher(nil)
	s.cur.CompareAndSwap(run, nil)
}

// run executes one compiled program, turning panics and interrupts into
// *CellError.
func (s *Session) run(ctx context.Context, run *cellRun, p *interp.Program, code string, ch chan struct{}, unit progUnit) error {
	if s.stopper != nil {
		<-s.stopper
		s.stopper = nil
	}
	s.rc.use(ch)
	s.frame.grow()
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
		z := &zombie{finished: finished, abandon: make(chan struct{}), stopped: make(chan struct{})}
		go func() {
			defer close(z.stopped)
			tick := time.NewTicker(time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-finished:
					return
				case <-z.abandon:
					return
				case <-tick.C:
					select {
					case <-finished:
						return
					case <-z.abandon:
						return
					default:
						s.rc.bump()
					}
				}
			}
		}()
		s.stopper = z.stopped
		select {
		case <-finished:
		case <-time.After(5 * time.Millisecond):
			// Still inside a compiled call: report now, and make the next
			// cell wait until the run has unwound.
			s.zombie = z
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
		return panicError(s.panicText(ctx, pv.Value), pv, trace, code, &panicSite{fset: s.in.FileSet(), unit: unit.node, wrapper: unit.wrapper, funcs: s.funcs, cell: s.cellSeq})
	}
	return runError(err, code)
}

// setResult records the cell's value bundle (called from the prelude).
func (s *Session) setResult(b map[string]any) {
	if run := s.cur.Load(); run != nil {
		run.result = b
	}
}

// goPanic reports a panic recovered in a goroutine a cell started.
func (s *Session) goPanic(v any) {
	msg := "panic in goroutine: " + panicValue(v) + "\n"
	var trace []string
	if run := s.cur.Load(); run != nil {
		run.mu.Lock()
		trace = run.panicTrace
		run.panicTrace = nil
		run.mu.Unlock()
	} else {
		s.bgTrace.mu.Lock()
		trace = s.bgTrace.lines
		s.bgTrace.lines = nil
		s.bgTrace.mu.Unlock()
	}
	for _, l := range trace {
		if where, _, _, ok := panicFrame(l); ok && where != "" {
			msg += "    " + where + "\n"
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
		return
	case <-run.done:
	}
	if s.cur.Load() == run {
		// Interrupted: stop the run before returning, since the goroutine
		// that stops it may not be scheduled yet, and a loop whose sleeps
		// now return at once would race through its iterations.
		s.rc.bump()
		return
	}
	// The cell ended (its context is done when Execute returns): this is
	// a goroutine it started, which sleeps on.
	<-t.C
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
			"SetResult":    reflect.ValueOf(s.setResult),
			"GoPanic":      reflect.ValueOf(s.goPanic),
			"PanicValue":   reflect.ValueOf(s.panicValueHook),
			"SetPanicText": reflect.ValueOf(s.setPanicTextHook),
			"Rich":         reflect.ValueOf(viz.Rich),
			"Text":         reflect.ValueOf(plainText),
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
