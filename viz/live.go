package viz

import (
	"sync"
	"time"

	"gotensor/display"
)

// Sink receives the renderings of a live view (Progress, LossCurve). The runtime's display handle implements it
// by sending display_data the first time and update_display_data under the same display id afterwards.
type Sink interface {
	// Publish replaces the view's previous rendering with html (text/html) and text (text/plain). final is true
	// on the view's last call, whose text is a summary fit for nbconvert; nothing is published after it.
	Publish(html, text string, final bool)
}

// SinkFunc adapts a function to Sink.
type SinkFunc func(html, text string, final bool)

// Publish calls f(html, text, final).
func (f SinkFunc) Publish(html, text string, final bool) { f(html, text, final) }

// MinUpdateInterval is the shortest time between two publications of a live view: at most ten a second, so a
// fast training loop does not flood the notebook's websocket.
const MinUpdateInterval = 100 * time.Millisecond

// live is the machinery shared by the live views: a lock over the view's state, a throttle, serialised and
// ordered publication, and two ways of showing a change the throttle held back even if the program never calls
// Close: with the real clock, a trailing publication once the interval has passed; and, inside a notebook cell,
// a publication when the cell ends (display.Scope.AtEnd), so the cell's output holds the view's last state
// before the cell is over, whether it returned or panicked. A trailing publication runs only while the cell that
// scheduled it runs (display.Scope.Do): once that cell has ended, its held change has been shown already, and
// the timer must not publish under another cell.
//
// An open view stays registered with the scope of the cell that last changed it, throttled or not: when that
// cell ends aborted (display.Scope.Aborted: it panicked, failed or was interrupted), the view is drawn stopped,
// so it does not look as if its work were still running. Its next change (in a later cell) clears the mark.
type live struct {
	sink      Sink
	now       func() time.Time
	realClock bool
	interval  time.Duration
	render    func(now time.Time) (html, text string) // called with mu held

	mu          sync.Mutex // guards the view's state and the fields below
	seq         uint64     // number of the latest state
	closed      bool
	aborted     bool           // the cell that last changed the view ended aborted; cleared by the next change
	abortedAt   time.Time      // when that cell ended
	timerScope  *display.Scope // the scope of the scheduled trailing publication; nil when none
	endScope    *display.Scope // the scope whose end will publish the held change; nil when none
	cancelAtEnd func()         // unregisters the publication at endScope's end
	last        time.Time      // when the last publication was rendered
	rendered    uint64         // the state the last publication rendered
	started     bool

	pubMu sync.Mutex // serialises Sink calls; taken after mu is released
	sent  uint64     // number of the state last published
}

// endPublishWait bounds how long the publication at a cell's end waits for another publication of the same view
// under way (a Sink stuck in user code must not hang the kernel as it ends the cell).
const endPublishWait = time.Second

func (v *live) init(sink Sink, now func() time.Time, interval time.Duration, render func(time.Time) (string, string)) {
	v.sink, v.render = sink, render
	v.now, v.realClock = now, now == nil
	if v.realClock {
		v.now = time.Now
	}
	v.interval = max(interval, MinUpdateInterval)
}

// update applies change to the view's state, registers the view with the cell's end, and publishes when the
// throttle allows; otherwise the cell's end shows the change and, with the real clock, a trailing publication
// is scheduled. After close it changes nothing.
func (v *live) update(change func()) {
	now := v.now()
	v.mu.Lock()
	if v.closed {
		v.mu.Unlock()
		return
	}
	change()
	v.seq++
	v.aborted = false
	scope := display.CurrentScope()
	if v.endScope != scope {
		if cancel, ok := scope.AtEnd(func() { v.flushAtEnd(scope) }); ok {
			v.dropAtEnd()
			v.endScope, v.cancelAtEnd = scope, cancel
		}
	}
	if v.started && now.Sub(v.last) < v.interval {
		if v.realClock && v.timerScope != scope {
			v.timerScope = scope
			time.AfterFunc(v.interval-now.Sub(v.last), func() { v.flushIn(scope) })
		}
		v.mu.Unlock()
		return
	}
	v.emit(now, false, false)
}

// dropAtEnd unregisters the publication at the end of a cell, if any. Callers hold mu.
func (v *live) dropAtEnd() {
	if v.cancelAtEnd != nil {
		v.cancelAtEnd()
	}
	v.endScope, v.cancelAtEnd = nil, nil
}

// flushIn is the trailing publication scheduled in scope: it publishes the latest state if it has not been
// published yet, but only while scope (the cell that scheduled it) runs. A panic in the Sink is dropped: it
// would otherwise kill the program from the timer's goroutine.
func (v *live) flushIn(scope *display.Scope) {
	defer func() { _ = recover() }()
	ran := scope.Do(func() {
		now := v.now()
		v.mu.Lock()
		if v.timerScope == scope {
			v.timerScope = nil
		}
		if v.closed {
			v.mu.Unlock()
			return
		}
		v.emit(now, false, false)
	})
	if !ran {
		v.mu.Lock()
		if v.timerScope == scope {
			v.timerScope = nil
		}
		v.mu.Unlock()
	}
}

// flushAtEnd runs as scope, the cell that last changed the view, ends (see display.Scope.AtEnd): it publishes
// the change the throttle held, if any, and when the cell ended aborted, the view drawn stopped.
func (v *live) flushAtEnd(scope *display.Scope) {
	now, aborted := v.now(), scope.Aborted()
	v.mu.Lock()
	if v.endScope == scope {
		v.endScope, v.cancelAtEnd = nil, nil // display has dropped the registration
	}
	if v.closed {
		v.mu.Unlock()
		return
	}
	if aborted {
		v.aborted, v.abortedAt = true, now
		v.seq++
	}
	if v.seq == v.rendered { // shown already: nothing was held back
		v.mu.Unlock()
		return
	}
	v.emit(now, false, true)
}

// close applies change, marks the view closed and publishes its final rendering. Later calls do nothing.
func (v *live) close(change func()) {
	now := v.now()
	v.mu.Lock()
	if v.closed {
		v.mu.Unlock()
		return
	}
	change()
	v.seq++
	v.closed, v.aborted = true, false
	v.dropAtEnd()
	v.emit(now, true, false)
}

// emit renders under mu, releases it, then publishes unless a newer state was published meanwhile. With atEnd
// it waits at most endPublishWait for a publication under way, and gives up after.
func (v *live) emit(now time.Time, final, atEnd bool) {
	seq := v.seq
	v.started, v.last, v.rendered = true, now, seq
	html, text := v.render(now)
	v.mu.Unlock()
	if atEnd {
		if !lockWithin(&v.pubMu, endPublishWait) {
			return
		}
	} else {
		v.pubMu.Lock()
	}
	defer v.pubMu.Unlock()
	if seq <= v.sent && v.sent != 0 {
		return
	}
	v.sent = seq
	if v.sink != nil {
		v.sink.Publish(html, text, final)
	}
}

// lockWithin locks mu unless it stays locked for d, and reports whether it did.
func lockWithin(mu *sync.Mutex, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for !mu.TryLock() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
	return true
}

// snapshot renders the current state without publishing it.
func (v *live) snapshot(at func() time.Time) (html, text string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.render(at())
}
