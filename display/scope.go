package display

import (
	"sort"
	"sync"
	"time"
)

// A Scope is the span of one publisher installation: in a notebook, one
// cell's run, from the SetPublisher call that starts the cell to the one that
// ends it. Code that publishes later on its own (a timer, a goroutine) takes
// the scope when it starts and publishes through Do, so that its output never
// lands under another cell; code that holds output back (a throttled live
// view) registers with AtEnd to publish it before the cell ends.
type Scope struct {
	p Publisher

	mu      sync.Mutex // guards the fields below
	ended   bool
	aborted bool
	running int           // Do calls under way
	drained chan struct{} // closed when running drops to 0 after the scope ended
	hooks   map[uint64]func()
	nextID  uint64
}

// endWait bounds how long ending a scope waits for Do calls under way: a
// publication stuck in user code must not hang the kernel.
const endWait = time.Second

// CurrentScope returns the scope in force now. Outside a notebook (no
// publisher installed) it is a scope without a publisher, which ends when one
// is installed.
func CurrentScope() *Scope { return current.Load() }

// Do runs f unless s has ended, and reports whether it ran. While f runs, s
// does not end (for up to a second), so what f publishes goes to s's
// publisher.
func (s *Scope) Do(f func()) bool {
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		return false
	}
	s.running++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.running--
		if s.running == 0 && s.drained != nil {
			close(s.drained)
			s.drained = nil
		}
		s.mu.Unlock()
	}()
	f()
	return true
}

// AtEnd registers f to run when s ends, that is when the cell's publisher is
// being replaced: before any later scope begins and while s's publisher is
// still installed, so that f can publish under the ending cell. Registered
// functions run once, in the order they were registered; a panic in one is
// recovered and dropped, and f must not call SetPublisher. cancel unregisters
// f (a no-op once it has run). When s has no publisher or has already ended,
// nothing is registered and ok is false: there is no cell to publish under.
func (s *Scope) AtEnd(f func()) (cancel func(), ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p == nil || s.ended {
		return func() {}, false
	}
	if s.hooks == nil {
		s.hooks = map[uint64]func(){}
	}
	s.nextID++
	id := s.nextID
	s.hooks[id] = f
	return func() {
		s.mu.Lock()
		delete(s.hooks, id)
		s.mu.Unlock()
	}, true
}

// Abort records that the run s spans ended early: in a notebook, that its
// cell panicked, returned an error or was interrupted. The runtime calls it
// just before it ends the cell, so that the functions registered with AtEnd
// can ask Aborted and show that their work stopped (a live view would
// otherwise keep looking as if it were still running). After s has ended it
// does nothing.
func (s *Scope) Abort() {
	s.mu.Lock()
	if !s.ended {
		s.aborted = true
	}
	s.mu.Unlock()
}

// Aborted reports whether Abort was called on s before it ended.
func (s *Scope) Aborted() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.aborted
}

// end marks s ended, waits (a bounded time) for Do calls under way, then runs
// its AtEnd functions.
func (s *Scope) end() {
	s.mu.Lock()
	s.ended = true
	var drained chan struct{}
	if s.running > 0 {
		s.drained = make(chan struct{})
		drained = s.drained
	}
	ids := make([]uint64, 0, len(s.hooks))
	for id := range s.hooks {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	hooks := s.hooks
	s.hooks = nil
	s.mu.Unlock()
	if drained != nil {
		t := time.NewTimer(endWait)
		select {
		case <-drained:
		case <-t.C:
		}
		t.Stop()
	}
	for _, id := range ids {
		runRecovered(hooks[id])
	}
}

// runRecovered calls f; a panic ends f only, since the caller is the runtime
// ending a cell, which must go on.
func runRecovered(f func()) {
	defer func() { _ = recover() }()
	f()
}
