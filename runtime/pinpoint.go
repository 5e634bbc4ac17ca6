package runtime

import (
	"fmt"
	"go/ast"
	"go/token"
	goruntime "runtime"
	"strings"

	"gotensor/tensor"
)

// yaegi positions each frame of a panic at the first statement of the
// function or cell unit it was running, not at the statement that panicked
// (its runCfg means to find the running node, but its loop variable shadows
// the one its recovery reads). A cell whose loop panics on line 4 would be
// told "line 3"; an if block on line 4 "line 2", a line that succeeded.
// pinpoint narrows such a frame down without slowing cells: within the
// frame's body it looks for the statements that can have raised this panic
// (the call of the next frame's function; for the innermost frame, the
// tensor call named by a *tensor.Error, an index for an index out of range,
// a division for a division by zero, a dereference for a nil pointer, a
// panic call), and names the line when one statement fits, or the few lines
// that fit, or leaves the frame as yaegi gave it when none does.

// panicSite is what the session knows of the code a panic went through:
// the running cell's unit and every function and method cells defined.
type panicSite struct {
	fset  *token.FileSet
	unit  ast.Node
	funcs map[string]*storedFunc
	cell  int // the running cell's number
	// wrapper is set when the unit is a statement inFuncLit wrapped.
	wrapper bool
}

// wrapperLit returns the function literal of a unit made by inFuncLit.
func wrapperLit(unit ast.Node) *ast.FuncLit {
	b, ok := unit.(*ast.BlockStmt)
	if !ok || len(b.List) != 1 {
		return nil
	}
	es, ok := b.List[0].(*ast.ExprStmt)
	if !ok {
		return nil
	}
	c, ok := es.X.(*ast.CallExpr)
	if !ok {
		return nil
	}
	lit, _ := c.Fun.(*ast.FuncLit)
	return lit
}

// wrapperFrame returns the index in trace of the innermost frame of the
// function literal inFuncLit made, or -1. yaegi reports that literal (the
// cell's own statement) as the outermost frames, named main.func: the
// innermost of them is located as the cell's statement, the others say
// nothing more.
func (ps *panicSite) wrapperFrame(trace []string) int {
	if ps == nil || !ps.wrapper {
		return -1
	}
	first := -1
	for i := len(trace) - 1; i >= 0; i-- {
		m := panicLine.FindStringSubmatch(trace[i])
		if m == nil {
			continue
		}
		if m[3] != "main.func(...)" {
			break
		}
		first = i
	}
	return first
}

// maxCandidates is the most statements a frame names before it gives up.
const maxCandidates = 3

// frameBody returns the body to search for a frame of function fn ("" or
// "main" for the cell's own statements) and, for a function, its record.
func (ps *panicSite) frameBody(fn string) (ast.Node, *storedFunc) {
	if ps == nil {
		return nil, nil
	}
	if fn == "" || fn == "main" {
		if ps.wrapper {
			if lit := wrapperLit(ps.unit); lit != nil {
				return lit.Body, nil
			}
		}
		return ps.unit, nil
	}
	if f, ok := ps.funcs[fn]; ok {
		return f.decl.Body, f
	}
	var found *storedFunc
	for k, f := range ps.funcs {
		if strings.HasSuffix(k, "."+fn) {
			if found != nil {
				return nil, nil // two methods of the name: cannot tell
			}
			found = f
		}
	}
	if found == nil {
		return nil, nil
	}
	return found.decl.Body, found
}

// literalCall is the callee of a frame whose inner frame is a function
// literal: the statement calling a literal in place.
const literalCall = "func literal"

// anyLibraryCall is the callee standing for any method call or call of a
// gotensor package (tensor.Ones, nn.CrossEntropyLoss, x.Forward).
const anyLibraryCall = "a library call"

// libraryPackage names the packages whose functions raise tensor errors.
var libraryPackage = map[string]bool{"tensor": true, "nn": true, "optim": true, "autograd": true, "gpu": true, "viz": true}

// candidates returns the positions of the statements of body that can have
// raised the panic: those calling callee when it is set (an outer frame),
// else those matching the panic value v.
func candidates(body ast.Node, callee string, v any) []ast.Node {
	match := valueMatcher(v)
	switch callee {
	case "":
	case anyLibraryCall:
		match = func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok {
				return false
			}
			if sel, ok := c.Fun.(*ast.SelectorExpr); ok {
				id, isPkg := sel.X.(*ast.Ident)
				return !isPkg || !knownPackage[id.Name] || libraryPackage[id.Name]
			}
			return false
		}
	case literalCall:
		match = func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok {
				return false
			}
			_, lit := c.Fun.(*ast.FuncLit)
			return lit
		}
	default:
		match = func(n ast.Node) bool { return callName(n) == callee }
	}
	if match == nil {
		if callee == "" && ownPanic(v) {
			return candidates(body, "panic", nil)
		}
		return nil
	}
	var out []ast.Node
	eachLeaf(body, func(leaf ast.Node, parts []ast.Node) {
		for _, p := range parts {
			found := false
			ast.Inspect(p, func(n ast.Node) bool {
				if _, lit := n.(*ast.FuncLit); lit || found {
					return false // a literal's body is a frame of its own
				}
				if n != nil && match(n) {
					found = true
				}
				return !found
			})
			if found {
				out = append(out, leaf)
				return
			}
		}
	})
	if len(out) == 0 && callee == "" && ownPanic(v) {
		// A panic the frame raised itself.
		return candidates(body, "panic", nil)
	}
	if _, ok := v.(*tensor.Error); ok && len(out) == 0 && callee == "" {
		// An op no call is named after (a library's helper raised it):
		// any call that can reach compiled tensor code, at worst several
		// lines named as candidates, never a wrong single one.
		return candidates(body, anyLibraryCall, nil)
	}
	return out
}

// ownPanic reports whether v can be the value of a panic call in a cell:
// not a tensor error or a runtime error, which compiled code raises.
func ownPanic(v any) bool {
	if _, ok := v.(*tensor.Error); ok {
		return false
	}
	if _, ok := v.(goruntime.Error); ok {
		return false
	}
	msg := panicValue(v)
	return !strings.HasPrefix(msg, "runtime error") && !strings.HasPrefix(msg, "reflect")
}

// eachLeaf calls f for every simple statement under body, and for every
// compound statement with the parts of its header, which run in the
// compound's frame; it does not enter function literals.
func eachLeaf(body ast.Node, f func(leaf ast.Node, parts []ast.Node)) {
	ast.Inspect(body, func(n ast.Node) bool {
		switch s := n.(type) {
		case nil, *ast.BlockStmt, *ast.CaseClause, *ast.CommClause, *ast.LabeledStmt:
			if c, ok := s.(*ast.CaseClause); ok {
				f(c, exprs(c.List...))
			}
			return true
		case *ast.FuncLit:
			return false
		case *ast.IfStmt:
			f(s, append(nodes(s.Init), s.Cond))
		case *ast.ForStmt:
			f(s, nodes(s.Init, s.Post, s.Cond))
		case *ast.RangeStmt:
			f(s, []ast.Node{s.X})
		case *ast.SwitchStmt:
			f(s, append(nodes(s.Init), s.Tag))
		case *ast.TypeSwitchStmt:
			f(s, nodes(s.Init, s.Assign))
		case *ast.SelectStmt:
		case ast.Stmt:
			f(s, []ast.Node{s})
			return false
		}
		return true
	})
}

// nodes lists the non-nil statements and expressions given.
func nodes(xs ...any) []ast.Node {
	var out []ast.Node
	for _, x := range xs {
		switch x := x.(type) {
		case ast.Stmt:
			out = append(out, x)
		case ast.Expr:
			out = append(out, x)
		}
	}
	return out
}

func exprs(xs ...ast.Expr) []ast.Node {
	out := make([]ast.Node, 0, len(xs))
	for _, x := range xs {
		out = append(out, x)
	}
	return out
}

// callName returns the name a call calls (f for f(...), M for x.M(...)).
func callName(n ast.Node) string {
	c, ok := n.(*ast.CallExpr)
	if !ok {
		return ""
	}
	fun := c.Fun
	for {
		switch f := fun.(type) {
		case *ast.IndexExpr: // G[T](...)
			fun = f.X
			continue
		case *ast.IndexListExpr:
			fun = f.X
			continue
		case *ast.ParenExpr:
			fun = f.X
			continue
		case *ast.Ident:
			return f.Name
		case *ast.SelectorExpr:
			return f.Sel.Name
		}
		return ""
	}
}

// valueMatcher returns what in a statement can raise a panic of value v,
// or nil when nothing specific can.
func valueMatcher(v any) func(ast.Node) bool {
	if te, ok := v.(*tensor.Error); ok {
		want := tensorOpCalls(te.Op)
		return func(n ast.Node) bool { return want[normalizeOp(callName(n))] }
	}
	msg := panicValue(v)
	switch {
	case strings.Contains(msg, "index out of range"), strings.Contains(msg, "slice bounds out of range"):
		return func(n ast.Node) bool {
			switch n.(type) {
			case *ast.IndexExpr, *ast.SliceExpr:
				return true
			}
			return false
		}
	case strings.Contains(msg, "integer divide by zero"):
		return func(n ast.Node) bool {
			switch e := n.(type) {
			case *ast.BinaryExpr:
				return e.Op == token.QUO || e.Op == token.REM
			case *ast.AssignStmt:
				return e.Tok == token.QUO_ASSIGN || e.Tok == token.REM_ASSIGN
			}
			return false
		}
	case strings.Contains(msg, "assignment to entry in nil map"):
		return func(n ast.Node) bool {
			a, ok := n.(*ast.AssignStmt)
			if !ok {
				return false
			}
			for _, l := range a.Lhs {
				if _, ok := l.(*ast.IndexExpr); ok {
					return true
				}
			}
			return false
		}
	case strings.Contains(msg, "nil pointer dereference"):
		return func(n ast.Node) bool {
			switch e := n.(type) {
			case *ast.StarExpr:
				return true
			case *ast.SelectorExpr:
				id, ok := e.X.(*ast.Ident)
				return !ok || !knownPackage[id.Name] // a package's member is not a dereference
			}
			return false
		}
	}
	return nil
}

// knownPackage lists the names cells refer to packages by, whose selectors
// are not dereferences.
var knownPackage = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range preImported {
		m[p.name] = true
	}
	for _, n := range []string{"os", "strconv", "sort", "rand", "errors", "sync", "bytes", "image", "color", "slices", "maps", "runtime"} {
		m[n] = true
	}
	return m
}()

// tensorOpCalls names, normalized, the calls that can raise a tensor error
// of op: the op itself (Sub for "sub", IndexSelect for "index_select"), and
// for the matrix products, every call reaching them.
func tensorOpCalls(op string) map[string]bool {
	o := normalizeOp(op)
	want := map[string]bool{o: true}
	switch o {
	case "mm", "mv", "bmm", "dot", "matmul":
		for _, c := range []string{"mm", "mv", "bmm", "dot", "matmul", "forward", "linear"} {
			want[c] = true
		}
	case "backward", "grad":
		want["backward"], want["grad"] = true, true
	case "select", "slice", "narrow":
		want["index"], want["slice"], want["select"], want["narrow"] = true, true, true, true
	case "linear", "sequential":
		// A module's shape check runs in its Forward; its sizes in NewLinear.
		want["forward"], want["newlinear"], want["newsequential"] = true, true, true
	case "crossentropy":
		want["crossentropyloss"] = true
	case "mseloss":
		want["mse"] = true
	case "to":
		want["cuda"], want["cpu"] = true, true
	}
	return want
}

// normalizeOp lower-cases a name and drops underscores, so that
// "index_select", "IndexSelect" and "Add_" meet ("indexselect", "add").
func normalizeOp(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, "_", ""))
}

// pinpointed is a frame narrowed to one or a few statements.
type pinpointed struct {
	lines []int
	cols  []int
	srcs  []string // the statements' text, for a function of an earlier cell
}

// pinpoint narrows the frame of fn (the cell's statements for "" or "main")
// given the next inner frame's function callee ("" for the innermost).
func (ps *panicSite) pinpoint(fn, callee string, v any) (pinpointed, *storedFunc, bool) {
	body, sf := ps.frameBody(fn)
	if body == nil {
		return pinpointed{}, nil, false
	}
	cs := candidates(body, callee, v)
	if len(cs) == 0 || len(cs) > maxCandidates {
		return pinpointed{}, sf, false
	}
	var pp pinpointed
	for _, c := range cs {
		if !c.Pos().IsValid() {
			return pinpointed{}, sf, false // a statement the pre-pass made
		}
		p := ps.fset.Position(c.Pos())
		pp.lines = append(pp.lines, p.Line)
		pp.cols = append(pp.cols, p.Column)
		pp.srcs = append(pp.srcs, strings.SplitN(nodeString(ps.fset, c), "\n", 2)[0])
	}
	return pp, sf, true
}

// render writes a pinpointed frame: "cell line 4" and the source with a
// caret; for several, each; for a function of an earlier cell, its text.
func (pp pinpointed) render(prefix string, code string, thisCell bool) []string {
	var where string
	if thisCell {
		where = prefix + "cell line " + joinLines(pp.lines)
	} else {
		where = prefix + "line " + joinLines(pp.lines) + " of the cell that defined it"
	}
	if len(pp.lines) > 1 {
		where += " (yaegi does not say which)"
	}
	out := []string{where}
	for i := range pp.lines {
		if thisCell {
			out = append(out, sourceLines(code, pp.lines[i], pp.cols[i])...)
		} else {
			out = append(out, "    "+pp.srcs[i])
		}
	}
	return out
}

func joinLines(ls []int) string {
	s := make([]string, len(ls))
	for i, l := range ls {
		s[i] = fmt.Sprint(l)
	}
	switch len(s) {
	case 1:
		return s[0]
	default:
		return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
	}
}

// chainOf keeps the frames of trace that belong to the panic being
// reported. yaegi prints a frame line for every frame a panic unwinds,
// also for a panic that an outer function then recovered, so the lines of
// earlier, recovered panics can come first. Walking from the outermost
// frame in, each frame's function must be called in the body of the frame
// around it; the first that is not starts the leftovers, which are dropped.
// Frames whose body is unknown (literals, compiled code) are kept.
func (ps *panicSite) chainOf(trace []string) []string {
	if ps == nil {
		return trace
	}
	outer := ""    // the function of the frame around the next one
	known := false // whether outer's body is known
	for i := len(trace) - 1; i >= 0; i-- {
		m := panicLine.FindStringSubmatch(trace[i])
		if m == nil {
			continue
		}
		name := strings.TrimPrefix(strings.TrimSuffix(m[3], "(...)"), "main.")
		if strings.HasPrefix(name, "_gt_") {
			continue // the prelude's frames
		}
		literal := name == "func" || strings.HasSuffix(name, ".func")
		if name == "main" || name == "" {
			name = ""
		}
		if known && !literal && name != "" {
			body, _ := ps.frameBody(outer)
			if body != nil && !callsIn(body, name) {
				return trace[i+1:]
			}
		}
		switch {
		case literal:
			known = false
		case name == "":
			outer, known = "", true
		default:
			outer, known = name, true
		}
	}
	return trace
}

// callsIn reports whether body calls a function or method named name.
func callsIn(body ast.Node, name string) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if callName(n) == name {
			found = true
		}
		return !found
	})
	return found
}
