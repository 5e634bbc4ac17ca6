package viz

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"gotensor/display"
)

// abortingCell runs body as a notebook cell would, and marks the cell aborted when body panics, as the runtime
// does for a cell that panics, fails or is interrupted.
func abortingCell(rec display.Publisher, body func()) {
	display.SetPublisher(rec)
	defer display.SetPublisher(nil)
	defer func() {
		if recover() != nil {
			display.CurrentScope().Abort()
		}
	}()
	body()
}

// last returns the text/plain and text/html of the last message r recorded.
func (r *displayRecorder) last() (text, html string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.msgs) == 0 {
		return "", ""
	}
	m := r.msgs[len(r.msgs)-1]
	return fmt.Sprint(m.data["text/plain"]), fmt.Sprint(m.data["text/html"])
}

// TestLiveViewStoppedWhenCellAborts checks the last publication of a view still open as its cell ends: drawn
// stopped (text and HTML) when the cell panicked, whether or not the throttle held its last change back; as it
// was when the cell returned; untouched when the view was closed.
func TestLiveViewStoppedWhenCellAborts(t *testing.T) {
	progress := func(step time.Duration, fail, closeIt bool) func() {
		return func() {
			clock := newFakeClock()
			p := NewProgress(ProgressOptions{Total: 100, Description: "fit", Now: clock.Now})
			for i := range 100 {
				if i == 37 {
					if closeIt {
						p.Close()
					}
					if fail {
						panic("diverged")
					}
					return
				}
				clock.advance(step)
				p.Add(1)
			}
		}
	}
	tests := []struct {
		name      string
		body      func()
		wantText  string // the last text/plain, a prefix unless it ends in "$"
		wantHTML  []string
		notInHTML []string
	}{
		{"panic, change held by the throttle", progress(time.Millisecond, true, false),
			"+fit:  37%|███████▍            | 37/100 [00:00, 1000.00 it/s] stopped at 37/100$",
			[]string{`data-state="aborted"`, `--jp-error-color1`, `>stopped at 37/100</span>`}, []string{`data-state="running"`}},
		{"panic, every change shown", progress(time.Second, true, false),
			"+fit:  37%|███████▍            | 37/100 [00:37, 1.00 it/s] stopped at 37/100$",
			[]string{`data-state="aborted"`, `>stopped at 37/100</span>`}, []string{`data-state="running"`}},
		{"returns without Close", progress(time.Second, false, false),
			"+fit:  37%|███████▍            | 37/100 [00:37<01:03, 1.00 it/s]$",
			[]string{`data-state="running"`}, []string{"stopped at", `data-state="aborted"`}},
		{"closed, then panic", progress(time.Second, true, true),
			"+fit:  37%|███████▍            | 37/100 [00:37, 1.00 it/s]$",
			[]string{`data-state="stopped"`}, []string{"stopped at", `data-state="aborted"`}},
		{"loss curve, panic", func() {
			c := NewLossCurve(LossCurveOptions{})
			c.Add(2)
			c.Add(1)
			panic("diverged")
		}, "+loss: 2 points, first 2, last 1 (step 1), min 1 (step 1)\n(stopped: the cell ended before Close)$",
			[]string{`data-state="aborted"`, `(stopped)</span>`}, []string{"(live)"}},
		{"loss curve, returns", func() {
			c := NewLossCurve(LossCurveOptions{})
			c.Add(2)
		}, "+loss: 1 points, first 2, last 2 (step 0), min 2 (step 0)$", []string{"(live)"}, []string{"(stopped)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &displayRecorder{}
			abortingCell(rec, tt.body)
			text, html := rec.last()
			if msgs := rec.texts(); len(msgs) > 0 {
				text = msgs[len(msgs)-1]
			}
			want, exact := strings.CutSuffix(tt.wantText, "$")
			if exact && text != want || !exact && !strings.HasPrefix(text, want) {
				t.Errorf("cell %s: last text/plain = %q, want %q", tt.name, text, want)
			}
			for _, s := range tt.wantHTML {
				if !strings.Contains(html, s) {
					t.Errorf("cell %s: last text/html lacks %q:\n%s", tt.name, s, html)
				}
			}
			for _, s := range tt.notInHTML {
				if strings.Contains(html, s) {
					t.Errorf("cell %s: last text/html has %q:\n%s", tt.name, s, html)
				}
			}
		})
	}
}

// TestLiveViewResumedAfterAbort checks that a view drawn stopped by an aborted cell runs again when a later
// cell changes it, and that a cell that does not touch it leaves it alone.
func TestLiveViewResumedAfterAbort(t *testing.T) {
	clock := newFakeClock()
	var p *Progress
	first := &displayRecorder{}
	abortingCell(first, func() {
		p = NewProgress(ProgressOptions{Total: 10, Now: clock.Now})
		p.Add(3)
		panic("interrupted")
	})
	if got := p.String(); !strings.HasSuffix(got, "stopped at 3/10") {
		t.Errorf("after the aborted cell: String() = %q, want it to end in %q", got, "stopped at 3/10")
	}
	other := &displayRecorder{}
	abortingCell(other, func() { panic("unrelated") })
	if got := other.texts(); len(got) != 0 {
		t.Errorf("a cell that never touched the view got %q, want nothing", got)
	}
	second := &displayRecorder{}
	abortingCell(second, func() {
		clock.advance(time.Second)
		p.Add(1)
	})
	text, html := second.last()
	if strings.Contains(text, "stopped") || !strings.Contains(html, `data-state="running"`) || !strings.Contains(text, "4/10") {
		t.Errorf("resumed in a later cell: last publication %q (html %q), want 4/10 running, not stopped", text, html)
	}
}
