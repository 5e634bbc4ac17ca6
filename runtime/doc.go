// Package runtime is the persistent Go session behind a gotensor notebook: it
// evaluates cells in one long-lived yaegi interpreter, streams their output,
// turns their last expression into a rich result, reports their errors at
// the cell's own line and column, and answers completion and inspection.
//
// # Sessions and cells
//
// New starts a Session; Execute runs one cell. Variables, functions, types,
// methods and imports defined by a cell stay for the later ones, and any of
// them may be redefined, a function or variable even with a new type. Cells
// mix declarations and statements freely. A cell that fails to compile
// leaves the session exactly as it was; a cell that panics keeps what ran
// before the panic (as a Python cell does), but not the variable whose
// definition panicked (z := xs[9] leaves z undefined, or as it was). A whole program pasted into a
// cell (package clause, imports, func main) runs: its main is called once.
// A func main declared in an ordinary cell is kept under another name, since
// yaegi would otherwise run it after every later cell.
//
// Pre-imported, usable without an import line: fmt, math, strings, time,
// gonum's mat (gonum.org/v1/gonum/mat), and gotensor's display, tensor, gpu,
// autograd, nn (gotensor/autograd/nn), optim (gotensor/autograd/optim) and
// viz (gotensor/viz: progress bars, loss curves, plots).
// Any standard-library package yaegi ships can be imported (all but
// os/exec, syscall, unsafe and plugin); importing a package twice is
// harmless. Importing anything else is a compile error at the import's
// line:column that lists what can be imported. Adding a compiled package for cells: list it in
// runtime/exports (Packages and the go:generate line), regenerate, and add
// it to preImported if cells should not need an import line.
//
// # Results and rich output
//
// A cell ending in an expression with one value produces a Result: a MIME
// bundle with text/plain (the value's String or Error method, else %v)
// plus whatever the value offers through the display package's interfaces,
// which types defined in a cell can implement too:
//
//	HTML() string                      text/html
//	SVG() string                       image/svg+xml
//	Markdown() string                  text/markdown
//	PNG() []byte, or being image.Image image/png
//	JSON() any                         application/json
//	MIMEBundle() map[string]any        any MIME types, winning over the above
//
// Values viz knows how to render come first (viz.Rich: a *tensor.Tensor
// shows as an HTML table with its text twin).
//
// A trailing call with no value or several (fmt.Println(...)) shows nothing
// extra, and so does a cell of statements. A nil interface value (a nil
// error, autograd.GradCheck's result when the gradients agree) shows as
// <nil>, as fmt prints it: Go has no None to hide, and a blank result would
// hide that the check ran. The display package publishes
// while the cell runs (display.HTML, display.Show, handles with Update,
// Clear).
//
// # Output
//
// While any session is open, file descriptors 1 and 2 are pipes
// (Options.NoFDCapture opts out), so output of interpreted and compiled code
// alike reaches the running cell: fmt, log, os.Stdout.Write, C libraries,
// goroutines. Streams are coalesced (first bytes within about 5 ms, then
// backing off to 200 ms) and never split a UTF-8 sequence. Interpreted
// fmt/log output, writes through fmt.Fprint* to os.Stdout/os.Stderr and
// displays keep their exact order; bytes written straight to the file
// descriptors are ordered with displays (a flush marker goes through each
// pipe before a display) and otherwise in arrival order. Between cells,
// captured bytes go to the process's real streams, so a test binary's own
// output still reaches the test runner, and output of cell goroutines is
// held for the next cell. The kernel logs through LogOutput, the real
// standard error. fmt.Scan, Scanln and Scanf read through Output.Input,
// with the unfinished last line of stdout (fmt.Print("name? ")) as the
// prompt.
//
// # Interrupts
//
// Cancelling Execute's context stops the cell at its next interpreted step:
// busy loops, loops calling compiled code, time.Sleep (replaced by an
// interruptible sleep), blocked channel operations and selects. Execute
// returns at once with a *CellError named "Interrupted" (medians of
// 40–350 µs after the cancel on the shared 2-core test machine; the tests
// require ≤ 20 ms) and everything defined before stays. A cell stuck inside
// one long compiled call is reported at once, and the next cell waits for
// that call to return, for at most 2 s: a call blocked for good (a
// sync.WaitGroup.Wait nothing releases) is then abandoned with a note, its
// goroutine left blocked.
// An interrupt also stops goroutines that earlier cells started.
//
// # What the pre-pass rewrites
//
// yaegi v0.16.1 implements Go as of about 1.21; before compiling, a go/parser
// pre-pass rewrites each cell:
//   - it splits the cell into runs of imports, declarations and statements
//     (yaegi rejects a source mixing them) and compiles them all before
//     running any, so a compile error anywhere runs nothing;
//   - it compiles the cell's imports first, wherever they are written, and
//     refuses an import of a package the session cannot load;
//   - it reports, as Go would, mistakes that make yaegi panic or misbehave:
//     assignment count mismatches (a, b, c := 1, 2), a package used as a
//     value (f(fmt), a cell of just `tensor`), method expressions; any
//     other yaegi compiler panic is a compile error at the cell line it
//     names, with a hint, never the panic text;
//   - a top-level var declaration whose value uses a variable of an earlier
//     cell or of a statement (x := 1; var y = x), or a typed one calling a
//     generic function (yaegi left it zero), is run as a statement
//     after the cell's declarations (yaegi failed it as "variable
//     definition loop"): var y T = x becomes var y T plus y = x, an
//     untyped var y = x becomes y := x; so do the comma-ok forms
//     var v, ok = m[k] (x.(T), <-ch);
//   - it drops imports the session already has, and forgets the old symbol
//     of a redefined function, type, variable or constant (yaegi would keep
//     the old type);
//   - a redefined function or method reaches the functions and methods of
//     earlier cells that call it: they are compiled again after it (yaegi
//     binds a call when the caller compiles, and finds a type's first
//     method of a name). One that no longer compiles (the signature
//     changed) keeps the old definition, and the cell says so on stderr.
//     Values made before a type was redefined keep the old type, and a
//     variable holding a function value (f := sq) keeps the function it
//     was given, as in Go. Redefining a method while a goroutine of an
//     earlier cell is calling methods of that type is a data race (the
//     type's method list is rewritten in place);
//   - loop variables become per-iteration (Go 1.22) when the body captures or
//     takes the address of them: `for i := 0; ...` and `for k, v := range`
//     loops get a fresh copy in the body under the original name;
//   - a loop, if, switch or select at a cell's top level runs in a block of
//     its own, so the variables of its header stay local: yaegi made them
//     globals, and a later loop's per-iteration copy of a leaked i then
//     assigned that global, so closures shared it again;
//   - `for i := range n` over an integer becomes a counted loop (n evaluated
//     once, i of n's type) when n is recognizably an integer: a literal,
//     len/cap, a conversion, arithmetic on those, an integer variable or
//     parameter, a global of integer kind, or x.Numel()/x.Dim()/x.Len();
//   - references to untyped float constants of compiled packages (math.Pi)
//     become float literals: yaegi rejects 3.5*math.Pi as mismatched types;
//   - a top-level `v := x[i]` that yaegi cannot type (x a value of a
//     compiled type, such as autograd.Grad(...)[0] or strings.Fields(s)[0],
//     or a string), or a definition computing on such values (sh[0] * sh[1],
//     g[0].Pow(2), fs[0] + "x", ps[0].Detach()), is compiled as
//     `var v T = ...`, T worked out from the
//     compiled symbol tables, the session's globals and the cell's earlier
//     definitions (also `a, b := x[0], y`, `v, ok := m[k]` and
//     `v, ok := x.(T)`, `v, ok := <-ch`, which yaegi's compiler panicked
//     on);
//   - min and max (not builtins in yaegi) are computed with comparisons
//     into temporaries before their statement, so they work on any ordered
//     type, compiled named ones (time.Duration) included, with NaN winning
//     as with the builtins; their arguments are then evaluated before the
//     rest of the statement. A for loop's condition is checked at the top
//     of its body for this, and the right side of && and || is evaluated
//     in an if. Where a call cannot move (a for loop's init or post
//     statement) the prelude's generic min and max serve the predeclared
//     types, and a compiled named type is a compile error that says so;
//   - a call of a cell's generic function with a type parameter only a
//     function parameter's result gives (Map(xs, func(i int) string {...})
//     of Map[T, U any](xs []T, f func(T) U) []U), which yaegi infers
//     wrongly, gets its type arguments written out (Map[int, string]),
//     unified from the argument types the source spells (function and
//     composite literals) or the session knows (globals and compiled
//     calls of types it can write); a top-level v := G[A, B](...) of a
//     cell's generic function becomes var v R plus v = G[A, B](...), R its
//     result type with the type arguments put in (yaegi failed it as "not
//     a generic type"), and so does one built on such calls with literals
//     (c := Id(3) + 1, b := Id(2) > 1);
//   - `go f(x)` becomes a goroutine that evaluates f and x first, as Go
//     does, and recovers a panic to report it on the cell's stderr instead
//     of killing the process;
//   - a trailing expression becomes a call that builds its MIME bundle;
//     display.Show(v), and Show/Update on a variable holding a display
//     handle, get v's bundle built in interpreted code, where methods of
//     cell-defined types are visible;
//   - compile-error positions are the cell's own line:column (yaegi's
//     wrapper shifts them), shown with the source line and a caret.
//
// # Limits (yaegi v0.16.1)
//
// These still do not work or differ from compiled Go:
//   - range over functions (Go 1.23 iterators) fails to compile; range over
//     an integer whose type the pre-pass cannot recognize (a field, a call of
//     an arbitrary function) fails with "nil type": convert it, int(n);
//   - the pre-pass writes out the type arguments of a call of a cell's
//     generic function from the argument types it can see (constants with
//     Go's default types, composite literals, conversions, the session's
//     variables, function literals); a type parameter that only a function
//     argument's result gives (Map[T, U any](xs []T, f func(T) U) []U) is
//     not inferred when that argument is a named function or a variable
//     holding one (declared in the same cell, say): then
//     yaegi fails it as "cannot use type func(int) string as type func(int)
//     int", and explicit instantiation works, Map[int, string](xs, f).
//     A generic function's body is checked only when called: an undefined
//     name in it panics at the call ("index out of range [0] with length
//     0"), not at its declaration. At a cell's top level, a variable
//     defined by a generic call whose type arguments are not written or
//     inferred by the pre-pass (ms := Pair(k, v)) fails as "not a generic
//     type" or a compile panic: write them (Pair[string, int](k, v)) or
//     declare its type (var ms map[string]int = Pair(k, v)); generic
//     functions and types of compiled packages are not exported to cells
//     (yaegi's extractor skips them);
//   - a value of a cell-defined type stored in an interface-typed global
//     (var v any = T{}) loses its methods: shown with %v, not String();
//     values of cell-defined types lose their methods when passed to compiled
//     code as interfaces, except through the paths above (results, Show,
//     handle updates) and fmt's Stringer/error handling;
//   - a panic with a value of a cell-defined error or Stringer type reads
//     as its Error() or String() text only when no other cell type has
//     the same fields (reflection cannot tell such types apart, and yaegi
//     hands the panic a bare struct); recover gets the value itself;
//   - a variable of type error holding a value of a cell-defined type
//     cannot be copied into a new error variable (e2 := err panics with
//     "reflect.Set: value of type struct {...} is not assignable to type
//     error"); assign it to an interface{} variable, or pass it on;
//   - a loop variable captured by a closure stays shared when the loop body
//     also assigns to it;
//   - a method value (v.M, not called) stays bound to the variable v, not
//     to a copy: taken from a loop variable, every one calls M on the last
//     element, and assigning v later changes what it calls; write a
//     function literal instead, func() int { return v.M() }, which gets
//     a per-iteration v like any closure;
//   - method expressions (T.M, (*T).M) are refused with a compile error
//     (yaegi compiles them into calls that fail);
//   - defer at the top level of a cell is rejected (yaegi runs it twice):
//     defer inside functions works;
//   - yaegi locates a panicking frame only at the first statement of the
//     function or block it was running; the traceback narrows each frame
//     to the statements of that body that can raise the panic (the call of
//     the next frame's function, the call a tensor error names, an index,
//     a division, a dereference, a panic call) and names the line when one
//     fits, the lines when two or three do ("yaegi does not say which"),
//     else the line where the body starts; a function of an earlier cell
//     is shown with its line in that cell and its text. Runtime panics are
//     yaegi's reflection errors translated back to Go's messages where
//     known;
//   - a top-level loop, if, switch or block that declares a name already
//     global (i := 100, then for i := range 5) runs in a function literal,
//     because at a cell's top level yaegi binds such a declaration to the
//     global (the loop clobbered i, or panicked for a global of another
//     type);
//   - the println builtin writes to standard output;
//   - unbounded recursion exhausts the Go stack, which no program can
//     recover from: the kernel process dies within about a second (the stack
//     limit is 256 MB) with the report in Jupyter's log, and Jupyter restarts it;
//   - a goroutine started by compiled code (not by a cell) that panics
//     kills the process, as in any Go program;
//   - bufio on os.Stdin does not reach the front end; use fmt.Scan*;
//   - the standard library is yaegi's Go 1.22 symbol set: later additions
//     (package iter, ...) are missing, and so are the generic functions of
//     slices and maps (slices.Sort, slices.Max, maps.Keys: yaegi's own
//     sources for them do not load); sort.Ints and sort.Slice work.
//
// # Concurrency
//
// Execute runs one cell at a time. Complete, Inspect and IsComplete read
// snapshots taken between cells (the globals' types, the declarations of
// earlier cells) plus the text of the cell being typed, which they parse
// for its local names and their scopes; they may be called from any
// goroutine while a cell runs and never touch the interpreter.
package runtime
