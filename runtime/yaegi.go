package runtime

import (
	"fmt"
	"reflect"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// yaegi v0.16.1 has no API to forget a package-level symbol, yet a notebook
// must let a cell redefine a type or function, and a cell that fails to
// compile must not leave half-declared symbols behind. symTable reaches the
// main package's symbol map (interp.scopes["main"].sym) through reflection.
// The module pins yaegi at v0.16.1, and TestSymTableLayout fails loudly if a
// different version changes the layout.
type symTable struct {
	m reflect.Value // map[string]*interp.symbol, settable
}

func mainSymbols(i *interp.Interpreter) (symTable, error) {
	v := reflect.ValueOf(i).Elem().FieldByName("scopes")
	if !v.IsValid() || v.Kind() != reflect.Map {
		return symTable{}, fmt.Errorf("yaegi layout changed: Interpreter.scopes not found")
	}
	v = reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
	sc := v.MapIndex(reflect.ValueOf("main"))
	if !sc.IsValid() || sc.IsNil() {
		return symTable{}, fmt.Errorf("yaegi layout changed: no main scope")
	}
	sym := sc.Elem().FieldByName("sym")
	if !sym.IsValid() || sym.Kind() != reflect.Map {
		return symTable{}, fmt.Errorf("yaegi layout changed: scope.sym not found")
	}
	return symTable{reflect.NewAt(sym.Type(), unsafe.Pointer(sym.UnsafeAddr())).Elem()}, nil
}

// snapshot copies the table's entries (symbol pointers, not symbols).
func (t symTable) snapshot() map[string]reflect.Value {
	snap := make(map[string]reflect.Value, t.m.Len())
	it := t.m.MapRange()
	for it.Next() {
		snap[it.Key().String()] = it.Value()
	}
	return snap
}

// restore puts the table back to snap in place (the map is shared with other
// interpreter structures, so it must stay the same map).
func (t symTable) restore(snap map[string]reflect.Value) {
	for _, k := range t.m.MapKeys() {
		if _, ok := snap[k.String()]; !ok {
			t.m.SetMapIndex(k, reflect.Value{})
		}
	}
	for k, v := range snap {
		t.m.SetMapIndex(reflect.ValueOf(k), v)
	}
}

// forget removes name from the table.
func (t symTable) forget(name string) {
	t.m.SetMapIndex(reflect.ValueOf(name), reflect.Value{})
}

// has reports whether name is defined.
func (t symTable) has(name string) bool {
	return t.m.MapIndex(reflect.ValueOf(name)).IsValid()
}

// names lists the defined names.
func (t symTable) names() []string {
	var out []string
	for _, k := range t.m.MapKeys() {
		out = append(out, k.String())
	}
	return out
}
