package runtime

import (
	"fmt"
	"go/ast"
	"slices"
	"sort"
	"strings"
)

// Redefinition in a notebook means what it means on a blackboard: once a
// cell redefines sq, everything that calls sq uses the new one. yaegi binds
// a call to the function it found when the caller compiled, and finds a
// type's first method of a name, so by itself a redefinition reaches only
// code compiled afterwards. The session therefore keeps every function and
// method a cell defined, and when a cell replaces one, the earlier
// functions and methods that call it (directly or through each other) are
// compiled again after the new definition, from their kept syntax trees.

// storedFunc is a top-level function or method a cell defined.
type storedFunc struct {
	decl *ast.FuncDecl
	recv string          // the receiver's type name; "" for a function
	uses map[string]bool // identifiers it names, and ".M" for each selector M
	seq  int             // definition order, to compile dependents in it
	cell int             // the number of the cell that defined it
}

// key names a function by its name and a method as "T.M".
func (f *storedFunc) key() string {
	if f.recv == "" {
		return f.decl.Name.Name
	}
	return f.recv + "." + f.decl.Name.Name
}

// provides is what a caller of f names: the function's name, or ".M".
func (f *storedFunc) provides() string {
	if f.recv == "" {
		return f.decl.Name.Name
	}
	return "." + f.decl.Name.Name
}

// methodRecv returns the type name of a method's receiver (T for T, *T,
// T[X] and *T[X]), or "" for a function.
func methodRecv(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return ""
	}
	return recvTypeName(d.Recv.List[0].Type)
}

// newStoredFunc records d with the names it uses.
func newStoredFunc(d *ast.FuncDecl, seq int) *storedFunc {
	f := &storedFunc{decl: d, recv: methodRecv(d), uses: map[string]bool{}, seq: seq}
	ast.Inspect(d, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			f.uses[n.Name] = true
		case *ast.SelectorExpr:
			f.uses["."+n.Sel.Name] = true
		}
		return true
	})
	return f
}

// redefinition is what one declaration unit replaces: the functions and
// methods it defines, the methods whose old nodes must go first, and the
// earlier definitions to compile again after it.
type redefinition struct {
	funcs       []*storedFunc // this unit's definitions, kept once the cell compiles
	dropMethods [][2]string   // {type, method} redefined on an existing type
	dependents  []*storedFunc // earlier callers of what the unit replaces
}

// planRedefinition works out, for the declarations of f (after the
// pre-pass), what they replace. forget lists the package-level names f
// redefines.
func (s *Session) planRedefinition(f *ast.File, forget []string) redefinition {
	var r redefinition
	own := map[string]bool{} // keys f defines
	changed := map[string]bool{}
	for _, name := range forget {
		if old, ok := s.funcs[name]; ok && old.recv == "" {
			changed[name] = true
		}
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Name.Name == "_" || fd.Name.Name == "init" {
			continue
		}
		s.funcSeq++
		sf := newStoredFunc(fd, s.funcSeq)
		sf.cell = s.cellSeq
		r.funcs = append(r.funcs, sf)
		own[sf.key()] = true
		if sf.recv != "" && !slices.Contains(forget, sf.recv) {
			if _, ok := s.funcs[sf.key()]; ok {
				r.dropMethods = append(r.dropMethods, [2]string{sf.recv, fd.Name.Name})
				changed[sf.provides()] = true
			}
		}
	}
	if len(changed) == 0 {
		return r
	}
	// Callers, and their callers, in definition order.
	deps := map[string]*storedFunc{}
	for grew := true; grew; {
		grew = false
		for k, g := range s.funcs {
			if own[k] || deps[k] != nil || (g.recv != "" && slices.Contains(forget, g.recv)) {
				continue
			}
			for name := range changed {
				if g.uses[name] {
					deps[k] = g
					changed[g.provides()] = true
					grew = true
					break
				}
			}
		}
	}
	for _, g := range deps {
		r.dependents = append(r.dependents, g)
	}
	// The unit's own functions compiled before the dependents bind their old
	// versions (isEven calling isOdd calling isEven): those that call one
	// are compiled again with them.
	if len(deps) > 0 {
		for _, sf := range r.funcs {
			for _, g := range deps {
				if sf.uses[g.provides()] {
					r.dependents = append(r.dependents, sf)
					break
				}
			}
		}
	}
	sort.Slice(r.dependents, func(i, j int) bool { return r.dependents[i].seq < r.dependents[j].seq })
	return r
}

// dependentsUnit compiles the dependents of a redefinition again: functions
// are forgotten first and methods' old nodes dropped. It fails softly (see
// compileCell): a caller that no longer compiles keeps its old binding.
func dependentsUnit(deps []*storedFunc) compileUnit {
	// yaegi keys a file's imports by the file name at its package clause's
	// position: the dependents' file takes the cell file's.
	pos := deps[0].decl.Pos()
	file := &ast.File{Package: pos, Name: &ast.Ident{NamePos: pos, Name: "main"}}
	u := compileUnit{node: file, dependents: deps, funcs: deps}
	for _, g := range deps {
		file.Decls = append(file.Decls, g.decl)
		if g.recv == "" {
			u.forget = append(u.forget, g.decl.Name.Name)
		} else {
			u.dropMethods = append(u.dropMethods, [2]string{g.recv, g.decl.Name.Name})
		}
	}
	return u
}

// keepFuncs records what a compiled cell defined; a redefined type takes
// its old methods with it, and a name redefined as a non-function is no
// longer a function.
func (s *Session) keepFuncs(forget []string, funcs []*storedFunc) {
	for _, name := range forget {
		delete(s.funcs, name)
		for k := range s.funcs {
			if strings.HasPrefix(k, name+".") {
				delete(s.funcs, k)
			}
		}
	}
	for _, f := range funcs {
		s.funcs[f.key()] = f
	}
}

// dependentsNote tells the user that earlier callers of what a cell
// redefined keep the old definitions, because they do not compile with the
// new ones (a changed signature, say), and where.
func dependentsNote(deps []*storedFunc, err error) string {
	names := make([]string, len(deps))
	for i, g := range deps {
		names[i] = g.key()
	}
	msg := err.Error()
	if m := cellPos.FindStringSubmatch(msg); m != nil {
		msg = "at line " + m[1] + ", column " + m[2] + " of the cell that defined it: " + strings.TrimLeft(strings.TrimPrefix(msg, m[0]), ": ")
	}
	if len(names) == 1 {
		return fmt.Sprintf("note: %s keeps using the earlier definitions: compiled again with this cell's, it fails %s\n", names[0], msg)
	}
	return fmt.Sprintf("note: %s keep using the earlier definitions: compiled again with this cell's, they fail %s\n", strings.Join(names, ", "), msg)
}
