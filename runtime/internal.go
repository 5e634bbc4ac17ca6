package runtime

import (
	"fmt"
	"go/ast"
	"go/token"
	"reflect"
	"strconv"
	"strings"
)

// yaegi v0.16.1 panics in its compiler on some input ("CFG post-order
// panic: runtime error: ...", "index out of range [5] with length 5"), and
// fails at run time with reflection errors on some constructs it accepts.
// compileAST recovers the panics; this file turns them into compile errors
// at the cell line, and catches the common triggers before yaegi sees them,
// with the message Go gives.

// explainInternal turns a yaegi compiler panic into a compile error at the
// cell position the panic names (else the statement's), with a hint at the
// likeliest cause, never the panic text itself.
func (s *Session) explainInternal(e *internalError) error {
	if err := s.missingMember(e.node); err != nil {
		return err
	}
	if err := s.rangeNilType(e); err != nil {
		return err
	}
	p := s.in.FileSet().Position(e.node.Pos())
	line, col := p.Line, p.Column
	if m := cellPos.FindStringSubmatch(e.msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		col, _ = strconv.Atoi(m[2])
	}
	hint := "split it into simpler statements (one variable per step) to find the part it cannot handle"
	if call := s.minMaxCall(e.node); call != nil {
		cp := s.in.FileSet().Position(call.Pos())
		line, col = cp.Line, cp.Column
		hint = "min and max of a compiled named type (time.Duration, tensor.DType) work everywhere but in a for loop's init or post statement: compute the value into a variable first"
	}
	return fmt.Errorf("%s:%d:%d: the interpreter (yaegi v0.16.1) cannot compile this statement: %s", cellFile, line, col, hint)
}

// rangeNilType points yaegi's "nil type" panic at a range statement over
// a function or an integer the pre-pass could not type.
func (s *Session) rangeNilType(e *internalError) error {
	var rng *ast.RangeStmt
	ast.Inspect(e.node, func(n ast.Node) bool {
		if r, ok := n.(*ast.RangeStmt); ok && rng == nil {
			rng = r
		}
		return rng == nil
	})
	if rng == nil || e.msg != "nil type" {
		return nil
	}
	p := s.in.FileSet().Position(rng.X.Pos())
	return fmt.Errorf("%s:%d:%d: cannot range over %s: yaegi cannot range over a function, nor over an integer whose type the pre-pass could not see (write int(...) around it)",
		cellFile, p.Line, p.Column, nodeString(token.NewFileSet(), rng.X))
}

// minMaxCall returns a min or max call left in n (the pre-pass moves the
// others out of their expressions).
func (s *Session) minMaxCall(n ast.Node) *ast.CallExpr {
	var found *ast.CallExpr
	ast.Inspect(n, func(x ast.Node) bool {
		if c, ok := x.(*ast.CallExpr); ok && found == nil {
			if id, ok := c.Fun.(*ast.Ident); ok && (id.Name == "min" || id.Name == "max") && !s.shadowed[id.Name] {
				found = c
			}
		}
		return found == nil
	})
	return found
}

// precheck finds, before yaegi compiles n, mistakes and constructs that
// would make it panic or misbehave, and reports them as Go would.
func (s *Session) precheck(n ast.Node) error {
	var err error
	fset := s.in.FileSet()
	at := func(p token.Pos, format string, args ...any) {
		if err == nil {
			pos := fset.Position(p)
			err = fmt.Errorf("%s:%d:%d: %s", cellFile, pos.Line, pos.Column, fmt.Sprintf(format, args...))
		}
	}
	// A package name used as a value (checkImpl(fmt), a cell of just
	// `tensor`) makes yaegi panic at run time or print 0.
	declared := declaredIn(n)
	selParts := map[*ast.Ident]bool{}
	pkgAsValue := func(id *ast.Ident) bool {
		if selParts[id] || declared[id.Name] || s.syms.has(id.Name) {
			return false
		}
		_, isPkg := s.imports[id.Name]
		return isPkg
	}
	ast.Inspect(n, func(x ast.Node) bool {
		if err != nil {
			return false
		}
		switch x := x.(type) {
		case *ast.SelectorExpr:
			if id, ok := x.X.(*ast.Ident); ok {
				selParts[id] = true
			}
			selParts[x.Sel] = true
		case *ast.KeyValueExpr:
			if id, ok := x.Key.(*ast.Ident); ok {
				selParts[id] = true // a field name in a composite literal
			}
		case *ast.BranchStmt:
			if x.Label != nil {
				selParts[x.Label] = true
			}
		case *ast.LabeledStmt:
			selParts[x.Label] = true
		}
		switch x := x.(type) {
		case *ast.AssignStmt:
			if l, r := len(x.Lhs), len(x.Rhs); l != r && r != 1 {
				at(x.Pos(), "assignment mismatch: %s but %s", count(l, "variable"), count(r, "value"))
			}
		case *ast.ValueSpec:
			if l, r := len(x.Names), len(x.Values); r > 0 && l != r && r != 1 {
				at(x.Pos(), "assignment mismatch: %s but %s", count(l, "variable"), count(r, "value"))
			} else if r == 1 && l > 1 && !multiValue(x.Values[0], l) {
				at(x.Names[0].Pos(), "assignment mismatch: %s but 1 value", count(l, "variable"))
			}
		case *ast.Ident:
			if pkgAsValue(x) {
				at(x.Pos(), "use of package %s not in selector", x.Name)
			}
		case *ast.SelectorExpr:
			if s.isMethodExpr(x) && err == nil {
				at(x.Pos(), "method expressions (%s) are not supported by yaegi: use a method value or a function literal", nodeString(token.NewFileSet(), x))
			}
		}
		return true
	})
	return err
}

// multiValue reports whether e may give n values: a call, or with n == 2
// a comma-ok form (m[k], x.(T), <-ch).
func multiValue(e ast.Expr, n int) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		return true
	case *ast.IndexExpr, *ast.TypeAssertExpr:
		return n == 2
	case *ast.UnaryExpr:
		return n == 2 && e.Op == token.ARROW
	}
	return false
}

// count spells "3 variables", "1 value".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// isMethodExpr reports whether sel is a method expression: T.M or (*T).M
// for a type T a cell declared or a compiled package's pkg.T. yaegi
// compiles them into calls that panic with reflection errors.
func (s *Session) isMethodExpr(sel *ast.SelectorExpr) bool {
	return s.isTypeName(sel.X)
}

// isTypeName reports whether e names a type: one a cell declared, a
// compiled package's, or a pointer to either in parentheses ((*T), not
// (*p), a dereferenced value).
func (s *Session) isTypeName(e ast.Expr) bool {
	switch x := e.(type) {
	case *ast.ParenExpr:
		if star, ok := x.X.(*ast.StarExpr); ok {
			return s.isTypeName(star.X)
		}
		return s.isTypeName(x.X)
	case *ast.Ident:
		s.comp.mu.RLock()
		doc := s.comp.cellDocs[x.Name]
		_, isVar := s.comp.globals[x.Name]
		s.comp.mu.RUnlock()
		return strings.HasPrefix(doc, "type ") && !isVar
	case *ast.SelectorExpr:
		pkg, ok := x.X.(*ast.Ident)
		if !ok {
			return false
		}
		path, ok := s.imports[pkg.Name]
		if !ok {
			return false
		}
		v, ok := binSymbols[path][x.Sel.Name]
		return ok && v.IsValid() && v.Kind() == reflect.Ptr && v.IsNil() // a type, exported as (*T)(nil)
	}
	return false
}

// declaredIn lists every name n declares anywhere (variables, parameters,
// fields, types, functions), for checks that must not flag a name a cell
// reuses for its own.
func declaredIn(n ast.Node) map[string]bool {
	declared := map[string]bool{}
	ast.Inspect(n, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.AssignStmt:
			if x.Tok == token.DEFINE {
				for _, l := range x.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						declared[id.Name] = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, id := range x.Names {
				declared[id.Name] = true
			}
		case *ast.Field:
			for _, id := range x.Names {
				declared[id.Name] = true
			}
		case *ast.TypeSpec:
			declared[x.Name.Name] = true
		case *ast.FuncDecl:
			declared[x.Name.Name] = true
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{x.Key, x.Value} {
				if id, ok := e.(*ast.Ident); ok {
					declared[id.Name] = true
				}
			}
		}
		return true
	})
	return declared
}
