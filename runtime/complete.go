package runtime

import (
	"reflect"
	"sync"
)

// completer answers completion and inspection from a snapshot of the
// session's globals taken after each cell, so it never touches the
// interpreter while a cell runs.
type completer struct {
	s *Session

	mu      sync.RWMutex
	globals map[string]reflect.Type
}

func newCompleter(s *Session) *completer {
	c := &completer{s: s, globals: map[string]reflect.Type{}}
	c.refresh()
	return c
}

// refresh snapshots the interpreter's globals; called between cells only.
func (c *completer) refresh() {
	g := map[string]reflect.Type{}
	for name, v := range c.s.in.Globals() {
		if v.IsValid() {
			g[name] = v.Type()
		}
	}
	c.mu.Lock()
	c.globals = g
	c.mu.Unlock()
}

// globalKind returns the kind of a global variable's type.
func (c *completer) globalKind(name string) (reflect.Kind, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	t, ok := c.globals[name]
	if !ok || t == nil {
		return reflect.Invalid, false
	}
	return t.Kind(), true
}
