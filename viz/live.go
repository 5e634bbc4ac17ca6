package viz

import (
	"sync"
	"time"
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
// ordered publication, and (with the real clock) a trailing publication so the last change before a pause is
// shown even if the program never calls Close.
type live struct {
	sink      Sink
	now       func() time.Time
	realClock bool
	interval  time.Duration
	render    func(now time.Time) (html, text string) // called with mu held

	mu      sync.Mutex // guards the view's state and the fields below
	seq     uint64     // number of the latest state
	closed  bool
	pending bool      // a trailing publication is scheduled
	last    time.Time // when the last publication was rendered
	started bool

	pubMu sync.Mutex // serialises Sink calls; taken after mu is released
	sent  uint64     // number of the state last published
}

func (v *live) init(sink Sink, now func() time.Time, interval time.Duration, render func(time.Time) (string, string)) {
	v.sink, v.render = sink, render
	v.now, v.realClock = now, now == nil
	if v.realClock {
		v.now = time.Now
	}
	v.interval = max(interval, MinUpdateInterval)
}

// update applies change to the view's state and publishes when the throttle allows; otherwise, with the real
// clock, it schedules a trailing publication. After close it changes nothing.
func (v *live) update(change func()) {
	now := v.now()
	v.mu.Lock()
	if v.closed {
		v.mu.Unlock()
		return
	}
	change()
	v.seq++
	if v.started && now.Sub(v.last) < v.interval {
		if v.realClock && !v.pending {
			v.pending = true
			time.AfterFunc(v.interval-now.Sub(v.last), v.flush)
		}
		v.mu.Unlock()
		return
	}
	v.emit(now, false)
}

// flush publishes the latest state if it has not been published yet.
func (v *live) flush() {
	now := v.now()
	v.mu.Lock()
	v.pending = false
	if v.closed {
		v.mu.Unlock()
		return
	}
	v.emit(now, false)
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
	v.closed = true
	v.emit(now, true)
}

// emit renders under mu, releases it, then publishes unless a newer state was published meanwhile.
func (v *live) emit(now time.Time, final bool) {
	seq := v.seq
	v.started, v.last = true, now
	html, text := v.render(now)
	v.mu.Unlock()
	v.pubMu.Lock()
	defer v.pubMu.Unlock()
	if seq <= v.sent && v.sent != 0 {
		return
	}
	v.sent = seq
	if v.sink != nil {
		v.sink.Publish(html, text, final)
	}
}

// snapshot renders the current state without publishing it.
func (v *live) snapshot(at func() time.Time) (html, text string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.render(at())
}
