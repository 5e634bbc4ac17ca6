package display

import (
	"fmt"
	"testing"
)

// texts returns the text/plain of each output p received.
func (p *fakePublisher) texts() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, c := range p.calls {
		out = append(out, fmt.Sprint(c.data["text/plain"]))
	}
	return out
}

// TestScopeAtEnd checks the functions run as a cell ends: in order, once, before the next publisher is
// installed (so what they show goes to the ending cell), surviving a panic among them, and not when cancelled.
func TestScopeAtEnd(t *testing.T) {
	prev := SetPublisher(nil)
	defer SetPublisher(prev)

	cell, next := &fakePublisher{}, &fakePublisher{}
	SetPublisher(cell)
	s := CurrentScope()
	var cancels []func()
	for _, name := range []string{"first", "cancelled", "panics", "last"} {
		cancel, ok := s.AtEnd(func() {
			if name == "panics" {
				panic("hook broke")
			}
			Text(name)
		})
		if !ok {
			t.Fatalf("AtEnd(%s) on a scope with a publisher = false, want true", name)
		}
		cancels = append(cancels, cancel)
	}
	cancels[1]()
	SetPublisher(next)
	if got, want := fmt.Sprint(cell.texts()), "[first last]"; got != want {
		t.Errorf("ending cell received %s, want %s", got, want)
	}
	if got := next.texts(); len(got) != 0 {
		t.Errorf("next cell received %q, want nothing", got)
	}
	cancels[0]() // after the end: a no-op
	if _, ok := s.AtEnd(func() { Text("late") }); ok {
		t.Errorf("AtEnd on an ended scope = true, want false")
	}
	SetPublisher(nil)
	if _, ok := CurrentScope().AtEnd(func() {}); ok {
		t.Errorf("AtEnd with no publisher = true, want false")
	}
	if got := fmt.Sprint(cell.texts(), next.texts()); got != "[first last] []" {
		t.Errorf("after the ends: cell, next = %s, want [first last] []", got)
	}
}

// TestScopeDo checks that Do runs while its scope is in force and not once the scope has ended.
func TestScopeDo(t *testing.T) {
	prev := SetPublisher(nil)
	defer SetPublisher(prev)
	tests := []struct {
		name string
		end  bool
		want bool
	}{
		{"in force", false, true},
		{"ended", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cell, next := &fakePublisher{}, &fakePublisher{}
			SetPublisher(cell)
			s := CurrentScope()
			if tt.end {
				SetPublisher(next)
			}
			ran := s.Do(func() { Text("timer") })
			if ran != tt.want || len(cell.texts()) != map[bool]int{true: 1}[tt.want] || len(next.texts()) != 0 {
				t.Errorf("Do = %v with cell %q, next %q; want %v, the text under the cell only if it ran",
					ran, cell.texts(), next.texts(), tt.want)
			}
		})
	}
}

// TestScopeAbort checks that the functions run as a cell ends see whether the runtime marked the cell aborted,
// and that a mark after the end changes nothing.
func TestScopeAbort(t *testing.T) {
	prev := SetPublisher(nil)
	defer SetPublisher(prev)
	tests := []struct {
		name       string
		abort      bool // Abort before the end
		abortAfter bool // Abort after the end
		want       bool
	}{
		{"ends normally", false, false, false},
		{"aborted", true, false, true},
		{"marked after its end", false, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			SetPublisher(&fakePublisher{})
			s := CurrentScope()
			seen := "not run"
			if _, ok := s.AtEnd(func() { seen = fmt.Sprint(s.Aborted()) }); !ok {
				t.Fatalf("AtEnd on a scope with a publisher = false, want true")
			}
			if tt.abort {
				s.Abort()
			}
			SetPublisher(nil)
			if tt.abortAfter {
				s.Abort()
			}
			if want := fmt.Sprint(tt.want); seen != want || s.Aborted() != tt.want {
				t.Errorf("Aborted() at the end = %s, after = %v; want %s", seen, s.Aborted(), want)
			}
		})
	}
}
