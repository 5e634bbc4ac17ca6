package runtime

import (
	"errors"
	"fmt"
	"go/ast"
	"go/token"
	"reflect"
)

// typeMistake finds, before yaegi compiles n, the mistakes with a compiled
// value that yaegi would compile into a reflection panic at run time or
// report with a misleading message, and reports them as Go does: a member
// that is unexported or spelled as in PyTorch (x.grad, x.requires_grad),
// an index of a value that cannot be indexed (t[0] of a tensor), a range
// over a value that cannot be ranged over. Only values whose type the
// session knows (globals that neither the cell so far, in cellNames, nor
// a declaration inside n shadows) are checked; the rest is left to yaegi.
func (s *Session) typeMistake(n ast.Node, cellNames map[string]bool) error {
	shadowed := declaredIn(n)
	for name := range cellNames {
		shadowed[name] = true
	}
	typeOf := s.globalTypeOf(shadowed)
	if err := s.unexportedMember(n, typeOf); err != nil {
		return err
	}
	var found error
	ast.Inspect(n, func(x ast.Node) bool {
		if found != nil {
			return false
		}
		switch x := x.(type) {
		case *ast.IndexExpr:
			expr, t := typeOf(x.X)
			if t == nil || !opaqueValue(t) {
				return true
			}
			p := s.in.FileSet().Position(x.X.Pos())
			msg := fmt.Sprintf("%s:%d:%d: invalid operation: cannot index %s (variable of type %s)", cellFile, p.Line, p.Column, expr, t)
			if _, ok := t.MethodByName("Index"); ok {
				msg += fmt.Sprintf("; use %s.Index(i) or %s.Slice(\"i:j\")", expr, expr)
			}
			found = errors.New(msg)
		case *ast.RangeStmt:
			expr, t := typeOf(x.X)
			if t == nil || !opaqueValue(t) || t.Kind() >= reflect.Int && t.Kind() <= reflect.Uintptr {
				return true // range over an integer is Go 1.22's
			}
			p := s.in.FileSet().Position(x.X.Pos())
			msg := fmt.Sprintf("%s:%d:%d: cannot range over %s (variable of type %s)", cellFile, p.Line, p.Column, expr, t)
			if _, ok := t.MethodByName("Size"); ok {
				msg += fmt.Sprintf("; range over its first dimension with for i := range %s.Size(0) and %s.Index(i)", expr, expr)
			}
			found = errors.New(msg)
		}
		return found == nil
	})
	return found
}

// globalTypeOf returns a function giving an expression's text and its
// type, nil unless its root name is a global that shadowed leaves alone.
func (s *Session) globalTypeOf(shadowed map[string]bool) func(ast.Expr) (string, reflect.Type) {
	fset := token.NewFileSet()
	return func(x ast.Expr) (string, reflect.Type) {
		expr := nodeString(fset, x)
		if root := chainRoot(x); root == nil || shadowed[root.Name] {
			return expr, nil
		}
		s.comp.mu.RLock()
		defer s.comp.mu.RUnlock()
		return expr, s.comp.typeOf(expr, "")
	}
}

// opaqueValue reports whether a value of type t can be neither indexed nor
// ranged over: a struct, a pointer to one, or a boolean or number. (A
// function is left alone: F[int] instantiates a generic one.)
func opaqueValue(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
		return t.Kind() == reflect.Struct
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return true
	}
	return false
}

// unexportedMember finds a selector of an unexported field or method of a
// compiled type (x.grad of a *tensor.Tensor), which Go rejects and yaegi
// compiles into a reflection panic at run time, or of a lower-case name
// the type has no member of (x.requires_grad); the error names the
// exported method a PyTorch name stands for (x.Grad(), x.RequiresGrad()).
func (s *Session) unexportedMember(n ast.Node, typeOf func(ast.Expr) (string, reflect.Type)) error {
	var found error
	ast.Inspect(n, func(x ast.Node) bool {
		sel, ok := x.(*ast.SelectorExpr)
		if !ok || found != nil || token.IsExported(sel.Sel.Name) {
			return found == nil
		}
		expr, t := typeOf(sel.X)
		if t == nil {
			return true
		}
		base := t
		for base.Kind() == reflect.Ptr {
			base = base.Elem()
		}
		if base.PkgPath() == "" || base.PkgPath() == "main" {
			return true // an interpreted type: its own package
		}
		alt := exportedAlike(t, sel.Sel.Name)
		p := s.in.FileSet().Position(sel.Sel.Pos())
		var msg string
		if mt, isMethod := memberType(t, sel.Sel.Name); mt != nil {
			kind := "field"
			if isMethod {
				kind = "method"
			}
			msg = fmt.Sprintf("%s:%d:%d: %s.%s undefined (cannot refer to unexported %s %s)", cellFile, p.Line, p.Column, expr, sel.Sel.Name, kind, sel.Sel.Name)
		} else if alt != "" {
			msg = fmt.Sprintf("%s:%d:%d: %s.%s undefined (type %s has no field or method %s)", cellFile, p.Line, p.Column, expr, sel.Sel.Name, t, sel.Sel.Name)
		} else {
			return true // yaegi's own error says it is not there
		}
		if alt != "" {
			msg += fmt.Sprintf("; did you mean %s.%s?", expr, alt)
		}
		found = errors.New(msg)
		return false
	})
	return found
}

// exportedAlike is the exported method of t that name stands for in
// PyTorch's spelling (grad → Grad(), requires_grad → RequiresGrad()), or "".
func exportedAlike(t reflect.Type, name string) string {
	want := normalizeOp(name)
	for i := range t.NumMethod() {
		m := t.Method(i)
		if normalizeOp(m.Name) == want {
			if methodType(m, t).NumIn() == 0 {
				return m.Name + "()"
			}
			return m.Name
		}
	}
	return ""
}
