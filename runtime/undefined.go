package runtime

import (
	"go/ast"
	"go/types"
)

// firstUndefined returns the first identifier in n that is neither declared
// inside n, nor known to the session (known), nor predeclared. It is a
// syntactic approximation used only to explain a compile error.
func firstUndefined(n ast.Node, known func(string) bool) *ast.Ident {
	declared := map[string]bool{}
	ast.Inspect(n, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.AssignStmt:
			for _, l := range x.Lhs {
				if id, ok := l.(*ast.Ident); ok {
					declared[id.Name] = true
				}
			}
		case *ast.ValueSpec:
			for _, id := range x.Names {
				declared[id.Name] = true
			}
		case *ast.TypeSpec:
			declared[x.Name.Name] = true
		case *ast.Field:
			for _, id := range x.Names {
				declared[id.Name] = true
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{x.Key, x.Value} {
				if id, ok := e.(*ast.Ident); ok {
					declared[id.Name] = true
				}
			}
		case *ast.LabeledStmt:
			declared[x.Label.Name] = true
		case *ast.FuncDecl:
			declared[x.Name.Name] = true
		}
		return true
	})
	var found *ast.Ident
	var visit func(ast.Node)
	visit = func(root ast.Node) {
		ast.Inspect(root, func(x ast.Node) bool {
			if found != nil {
				return false
			}
			switch x := x.(type) {
			case *ast.SelectorExpr:
				visit(x.X)
				return false
			case *ast.KeyValueExpr:
				if _, ok := x.Key.(*ast.Ident); !ok {
					visit(x.Key)
				}
				visit(x.Value)
				return false
			case *ast.BranchStmt:
				return false
			case *ast.Ident:
				name := x.Name
				if name == "_" || declared[name] || known(name) || types.Universe.Lookup(name) != nil {
					return true
				}
				found = x
				return false
			}
			return true
		})
	}
	visit(n)
	return found
}
