package runtime

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/traefik/yaegi/interp"
)

// Go prints a panic of an error as its Error() text and of a fmt.Stringer
// as its String(). yaegi v0.16.1 hands Go's panic a value of a cell-defined
// type as its bare struct, without the methods (they exist only as
// interpreted code), so `panic(ParseError{Line: 3})` would read "{3}". When
// a cell's panic carries such a value, methodText finds the one cell type
// it can be and calls the method in interpreted code, after the cell's own
// run has ended.
type panicMethod struct {
	mu   sync.Mutex
	val  any    // the value, for _gtrt.PanicValue
	text string // set by _gtrt.SetPanicText
	done bool
}

// panicText is how a cell's panic with value v reads. Interrupting ctx
// stops a method that does not return.
func (s *Session) panicText(ctx context.Context, v any) string {
	if t, ok := s.methodText(ctx, v); ok {
		return t
	}
	return panicValue(v)
}

// methodText returns the Error() or String() text of v when v is a value
// (or pointer) of exactly one cell-declared struct type that has that
// method. A cell type of another kind (type MyErr string) is reflected as
// its underlying type, which plain values share (panic("boom") is a
// string too), so it is left alone; so is a struct layout that two cell
// types share. An anonymous struct value laid out as a cell type with the
// method (struct{ Line int }{3} for ParseError) would be taken for it.
// It runs interpreted code, so it is called only between runs of the
// session (never from a goroutine of a cell).
func (s *Session) methodText(ctx context.Context, v any) (string, bool) {
	rv := unwrapValue(v)
	if !rv.IsValid() {
		return "", false
	}
	typ, star := rv.Type(), ""
	if typ.Kind() == reflect.Pointer {
		typ, star = typ.Elem(), "*"
	}
	if typ.Kind() != reflect.Struct || typ.Name() != "" {
		return "", false // a compiled type (fmt prints its method) or a non-struct
	}
	// Types of the same layout look alike to reflection: if another
	// cell type is laid out as v's, which one v is cannot be told.
	var match string
	for _, name := range s.syms.names() {
		sym := s.syms.lookup(name)
		if kind := fieldOf(sym, "kind"); !kind.IsValid() || fmt.Sprint(kind.Interface()) != "typeSym" {
			continue
		}
		rt := fieldOf(fieldOf(sym, "typ"), "rtype")
		if !rt.IsValid() || rt.IsNil() || rt.Interface().(reflect.Type) != typ {
			continue
		}
		if match != "" {
			return "", false
		}
		match = name
	}
	if match == "" {
		return "", false
	}
	s.comp.mu.RLock()
	ms := s.comp.methods[match]
	method := ""
	switch {
	case slices.Contains(ms, "Error"):
		method = "Error"
	case slices.Contains(ms, "String"):
		method = "String"
	}
	decl := s.comp.cellDocs[match+"."+method]
	s.comp.mu.RUnlock()
	if method == "" || star == "" && pointerReceiver(decl) {
		return "", false // not in the value's method set: Go would not call it
	}
	return s.callMethod(ctx, rv.Interface(), star+match, method)
}

// callMethod calls v's method on v asserted to the cell type typ. A
// method that does not return is stopped when ctx is done (the user
// interrupts), as a cell's run is; one blocked in a compiled call is
// given up after a second and left behind.
func (s *Session) callMethod(ctx context.Context, v any, typ, method string) (string, bool) {
	pm := &s.panicMethod
	pm.mu.Lock()
	pm.val, pm.text, pm.done = v, "", false
	pm.mu.Unlock()
	finished := make(chan struct{})
	var err error
	go func() {
		defer close(finished)
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("compile: %v", r)
			}
		}()
		var p *interp.Program
		p, err = s.in.Compile(fmt.Sprintf("_gtrt.SetPanicText(_gtrt.PanicValue().(%s).%s())", typ, method))
		if err == nil {
			s.frame.grow()
			_, err = s.in.Execute(p)
		}
	}()
	select {
	case <-finished:
	case <-ctx.Done():
		give := time.After(time.Second)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
	stopping:
		for {
			s.rc.bump()
			select {
			case <-finished:
				break stopping
			case <-give:
				return "", false
			case <-tick.C:
			}
		}
	}
	pm.mu.Lock()
	defer pm.mu.Unlock()
	pm.val = nil
	if err != nil || !pm.done {
		return "", false
	}
	return pm.text, true
}

// pointerReceiver reports whether decl, a method's declaration as the
// completer keeps it ("func (p *T) Error() string" and its doc), has a
// pointer receiver.
func pointerReceiver(decl string) bool {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+decl, 0)
	if err != nil || len(f.Decls) == 0 {
		return false
	}
	fd, ok := f.Decls[0].(*ast.FuncDecl)
	if !ok || fd.Recv == nil || len(fd.Recv.List) != 1 {
		return false
	}
	_, star := fd.Recv.List[0].Type.(*ast.StarExpr)
	return star
}

func (s *Session) panicValueHook() any {
	s.panicMethod.mu.Lock()
	defer s.panicMethod.mu.Unlock()
	return s.panicMethod.val
}

func (s *Session) setPanicTextHook(t string) {
	s.panicMethod.mu.Lock()
	defer s.panicMethod.mu.Unlock()
	s.panicMethod.text, s.panicMethod.done = t, true
}
