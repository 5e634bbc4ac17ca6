package runtime

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
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

// lookup returns name's symbol, an invalid Value when it has none.
func (t symTable) lookup(name string) reflect.Value {
	return t.m.MapIndex(reflect.ValueOf(name))
}

// set puts sym back as name's symbol, or removes name for an invalid sym.
func (t symTable) set(name string, sym reflect.Value) {
	t.m.SetMapIndex(reflect.ValueOf(name), sym)
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

// runControl starts and stops interpreter runs the way EvalWithContext does
// internally, but lets the session wait for a stopped run to really end.
// ExecuteWithContext returns as soon as its context is cancelled while the
// run's goroutine may still be inside a compiled call; if the next cell
// started then, yaegi would reset the shared global frame's run id and the
// old run would resume. Fields reached through reflection, as in symTable.
type runControl struct {
	id         *uint64
	mu         *sync.RWMutex
	done       reflect.Value // the Interpreter.done field (chan struct{}), settable
	cancelChan *bool
}

func newRunControl(i *interp.Interpreter) (*runControl, error) {
	v := reflect.ValueOf(i).Elem()
	field := func(name string, kind reflect.Kind) (reflect.Value, error) {
		f := v.FieldByName(name)
		if !f.IsValid() || f.Kind() != kind {
			return reflect.Value{}, fmt.Errorf("yaegi layout changed: Interpreter.%s not found", name)
		}
		return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem(), nil
	}
	id, err := field("id", reflect.Uint64)
	if err != nil {
		return nil, err
	}
	mu, err := field("mutex", reflect.Struct)
	if err != nil {
		return nil, err
	}
	done, err := field("done", reflect.Chan)
	if err != nil {
		return nil, err
	}
	cc, err := field("cancelChan", reflect.Bool)
	if err != nil {
		return nil, err
	}
	rm, ok := mu.Addr().Interface().(*sync.RWMutex)
	if !ok {
		return nil, fmt.Errorf("yaegi layout changed: Interpreter.mutex is %s", mu.Type())
	}
	return &runControl{
		id:         id.Addr().Interface().(*uint64),
		mu:         rm,
		done:       done,
		cancelChan: cc.Addr().Interface().(*bool),
	}, nil
}

// use prepares a run: its channel operations become cancellable by closing
// ch (see stop).
func (rc *runControl) use(ch chan struct{}) {
	rc.mu.Lock()
	rc.done.Set(reflect.ValueOf(ch))
	*rc.cancelChan = true
	rc.mu.Unlock()
}

// stop ends every interpreted frame of the current run at its next step and
// releases its blocked channel operations.
func (rc *runControl) stop(ch chan struct{}) {
	atomic.AddUint64(rc.id, 1)
	close(ch)
}

// bump ends the frames of the current run again (see Session.run).
func (rc *runControl) bump() { atomic.AddUint64(rc.id, 1) }

// plainText formats v as fmt's %v does. A value of a cell-defined type with
// methods, once interpreted code has boxed it in an interface{}, reaches
// compiled code as yaegi's internal valueInterface{node, value}; fmt would
// print that wrapper's pointers, so the wrapped reflect.Value is taken out
// (an unexported field: through unsafe, as symTable does) and formatted.
// TestPlainTextOfCellTypes fails if a yaegi upgrade reshapes the wrapper.
func plainText(v any) string {
	rv := unwrapValue(v)
	if !rv.IsValid() {
		return fmt.Sprint(nil)
	}
	return fmt.Sprint(rv)
}

// unwrapValue is v with yaegi's wrappers taken off: a valueInterface, or
// the reflect.Value yaegi panics with.
func unwrapValue(v any) reflect.Value {
	rv := reflect.ValueOf(v)
	for {
		switch {
		case isValueInterface(rv):
			c := reflect.New(rv.Type()).Elem()
			c.Set(rv)
			f := c.FieldByName("value")
			rv = *(*reflect.Value)(unsafe.Pointer(f.UnsafeAddr()))
		case rv.IsValid() && rv.Type() == reflectValueType:
			rv = rv.Interface().(reflect.Value)
		case rv.IsValid() && rv.Kind() == reflect.Interface && !rv.IsNil():
			rv = rv.Elem()
		default:
			return rv
		}
	}
}

var reflectValueType = reflect.TypeFor[reflect.Value]()

func isValueInterface(rv reflect.Value) bool {
	if !rv.IsValid() || rv.Kind() != reflect.Struct {
		return false
	}
	t := rv.Type()
	if t.Name() != "valueInterface" || t.PkgPath() != "github.com/traefik/yaegi/interp" {
		return false
	}
	f, ok := t.FieldByName("value")
	return ok && f.Type == reflectValueType
}

// dropMethod removes method name from the cell-defined type typeName (and
// its pointer type), so that a redefinition compiled next is the one found:
// yaegi appends a method's node to its type and finds the first of a name,
// so without this a redefined method keeps its old body. It returns a
// function that puts the removed nodes back (for a cell that fails).
// Fields reached through reflection, as in symTable.
func (t symTable) dropMethod(typeName, name string) (undo func()) {
	sym := t.lookup(typeName)
	if !sym.IsValid() || sym.IsNil() {
		return func() {}
	}
	typ := sym.Elem().FieldByName("typ")
	types := []reflect.Value{typ, fieldOf(typ, "ptr")}
	// A generic type's instances made so far (Box[int]) carry methods of
	// their own.
	if inst := fieldOf(typ, "instance"); inst.IsValid() && inst.Kind() == reflect.Slice {
		for i := range inst.Len() {
			types = append(types, inst.Index(i), fieldOf(inst.Index(i), "ptr"))
		}
	}
	var undos []func()
	for _, it := range types {
		if !it.IsValid() || it.IsNil() {
			continue
		}
		methods := fieldOf(it, "method")
		if !methods.IsValid() {
			continue
		}
		old := reflect.ValueOf(methods.Interface()) // the slice header as it was
		kept := reflect.MakeSlice(methods.Type(), 0, methods.Len())
		for i := range methods.Len() {
			if ident := fieldOf(methods.Index(i), "ident"); ident.IsValid() && ident.String() == name {
				continue
			}
			kept = reflect.Append(kept, methods.Index(i))
		}
		if kept.Len() == methods.Len() {
			continue
		}
		methods.Set(kept)
		undos = append(undos, func() { methods.Set(old) })
	}
	return func() {
		for _, u := range undos {
			u()
		}
	}
}

// fieldOf returns the settable field name of the struct *p points to, or an
// invalid Value.
func fieldOf(p reflect.Value, name string) reflect.Value {
	if !p.IsValid() || p.Kind() != reflect.Pointer || p.IsNil() {
		return reflect.Value{}
	}
	f := p.Elem().FieldByName(name)
	if !f.IsValid() {
		return f
	}
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
}

// forgetInstances drops yaegi's instantiations of the generic function or
// type name: its cache (interp.generic, keyed "name[int,...]") and the
// symbols of instantiated types (Box[int] in the main scope), which would
// otherwise outlive a redefinition of name, of its methods or of what it
// calls. Dropping them only costs a new instantiation.
func (s *Session) forgetInstances(name string) {
	for _, k := range s.syms.names() {
		if strings.HasPrefix(k, name+"[") {
			s.syms.forget(k)
		}
	}
	v := reflect.ValueOf(s.in).Elem().FieldByName("generic")
	if !v.IsValid() || v.Kind() != reflect.Map {
		return
	}
	v = reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
	for _, k := range v.MapKeys() {
		if strings.HasPrefix(k.String(), name+"[") {
			v.SetMapIndex(k, reflect.Value{})
		}
	}
}

// frameGrower sizes yaegi's global frame before each run. yaegi's own
// resizeFrame (run at the start of every Execute) allocates a new slice of
// exactly the needed length and copies every global into it whenever a cell
// compiled new frame slots; a top-level expression such as `x + 1` takes a
// slot each time, so the copy made each cell cost more than the last (a
// trivial cell took 74 µs after 1,000 cells and 176 µs after 20,000). grow
// keeps the frame longer than yaegi needs, in chunks that double, and gives
// each new slot its zero value as it is compiled; resizeFrame, which only
// looks at the length, then finds nothing to do. Between reallocations the
// slice header is never written, so goroutines of earlier cells reading
// globals through it do not race with a new cell (resizeFrame wrote it
// every time). Fields reached through reflection, as in symTable;
// TestFrameGrows fails loudly if a yaegi upgrade reshapes them.
type frameGrower struct {
	data  *[]reflect.Value // Interpreter.frame.data
	types *[]reflect.Type  // Interpreter.universe.types
	mu    *sync.RWMutex    // Interpreter.frame.mutex
	ready int              // slots given their zero value so far
}

func newFrameGrower(i *interp.Interpreter) (*frameGrower, error) {
	v := reflect.ValueOf(i)
	frame, universe := fieldOf(v, "frame"), fieldOf(v, "universe")
	if !frame.IsValid() || frame.Kind() != reflect.Pointer || frame.IsNil() ||
		!universe.IsValid() || universe.Kind() != reflect.Pointer || universe.IsNil() {
		return nil, fmt.Errorf("yaegi layout changed: Interpreter.frame or .universe not found")
	}
	data, types, mu := fieldOf(frame, "data"), fieldOf(universe, "types"), fieldOf(frame, "mutex")
	if !data.IsValid() || data.Type() != reflect.TypeFor[[]reflect.Value]() ||
		!types.IsValid() || types.Type() != reflect.TypeFor[[]reflect.Type]() ||
		!mu.IsValid() || mu.Type() != reflect.TypeFor[sync.RWMutex]() {
		return nil, fmt.Errorf("yaegi layout changed: frame.data, frame.mutex or scope.types not found")
	}
	g := &frameGrower{
		data:  data.Addr().Interface().(*[]reflect.Value),
		types: types.Addr().Interface().(*[]reflect.Type),
		mu:    mu.Addr().Interface().(*sync.RWMutex),
	}
	g.ready = len(*g.data)
	return g, nil
}

// grow gives every frame slot compiled so far its zero value, as resizeFrame
// would. Slots already there are neither copied nor moved while the frame's
// length lasts, so goroutines of earlier cells see the same values.
func (g *frameGrower) grow() {
	g.mu.Lock()
	defer g.mu.Unlock()
	types, data := *g.types, *g.data
	l := len(types)
	// Slots yaegi's resizeFrame filled (a compile run without grow, such
	// as the prelude's) are valid; the spare ones grow keeps are not.
	for g.ready < min(l, len(data)) && data[g.ready].IsValid() {
		g.ready++
	}
	if l <= g.ready {
		return
	}
	if l > len(data) {
		grown := make([]reflect.Value, max(2*len(data), l+1024))
		copy(grown, data)
		data = grown
		*g.data = data
	}
	for j, t := range types[g.ready:l] {
		data[g.ready+j] = reflect.New(t).Elem()
	}
	g.ready = l
}
