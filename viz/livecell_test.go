package viz

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"gotensor/display"
)

// texts returns the text/plain of each recorded message, with "+" before updates.
func (r *displayRecorder) texts() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, m := range r.msgs {
		s := fmt.Sprint(m.data["text/plain"])
		if m.update {
			s = "+" + s
		}
		out = append(out, s)
	}
	return out
}

// cell runs body as a notebook cell would: with rec installed as the display publisher, and the standard-output
// fallback restored when body returns or panics, as the runtime does at a cell's end.
func cell(rec display.Publisher, body func()) {
	display.SetPublisher(rec)
	defer display.SetPublisher(nil)
	defer func() { _ = recover() }()
	body()
}

// TestLiveViewShownAtCellEnd checks that a live view the cell never closes shows its last state before the cell
// ends, under that cell's publisher, whatever the clock and whether the cell returns or panics; and that nothing
// reaches the next cell once the trailing timer fires.
func TestLiveViewShownAtCellEnd(t *testing.T) {
	fixed := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	progress := func(now func() time.Time) func() {
		return func() {
			p := NewProgress(ProgressOptions{Total: 10, Now: now})
			for range 10 {
				p.Add(1)
			}
		}
	}
	tests := []struct {
		name string
		body func()
		want []string // text/plain of each message the cell's publisher gets; "+" marks an update
	}{
		{"progress, fake clock", progress(func() time.Time { return fixed }),
			[]string{"  0%|                    | 0/10 [00:00<?, ? it/s]", "+100%|████████████████████| 10/10 [00:00<?, ? it/s]"}},
		{"progress, real clock", progress(nil), []string{"  0%|", "+100%|████████████████████| 10/10 [00:00<00:00, "}},
		{"loss curve", func() {
			c := NewLossCurve(LossCurveOptions{})
			for i := range 5 {
				c.Add(float64(5 - i))
			}
		}, []string{"loss: no data", "+loss: 5 points, first 5, last 1 (step 4), min 1 (step 4)"}},
		{"panic mid-loop", func() {
			p := NewProgress(ProgressOptions{Total: 10, Now: func() time.Time { return fixed }})
			for i := range 10 {
				if i == 7 {
					panic("diverged")
				}
				p.Add(1)
			}
		}, []string{"  0%|                    | 0/10 [00:00<?, ? it/s]", "+ 70%|██████████████      | 7/10 [00:00<?, ? it/s]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, next := &displayRecorder{}, &displayRecorder{}
			cell(rec, tt.body)
			got := rec.texts()
			display.SetPublisher(next) // the next cell starts before the trailing timer fires
			time.Sleep(2 * MinUpdateInterval)
			display.SetPublisher(nil)
			ok := len(got) == len(tt.want)
			for i := 0; ok && i < len(got); i++ {
				ok = strings.HasPrefix(got[i], tt.want[i])
			}
			if !ok {
				t.Errorf("cell %s published %q by its end, want %q", tt.name, got, tt.want)
			}
			if late := rec.texts()[len(got):]; len(late) > 0 {
				t.Errorf("cell %s published %q after its end", tt.name, late)
			}
			if n := next.texts(); len(n) > 0 {
				t.Errorf("cell %s's view published %q under the next cell", tt.name, n)
			}
		})
	}
}

// TestLiveViewTrailingInLaterCell checks the trailing publication of a view carried into a later cell: the
// change that cell makes is shown under it while it runs, not held for its end.
func TestLiveViewTrailingInLaterCell(t *testing.T) {
	var p *Progress
	first, second := &displayRecorder{}, &displayRecorder{}
	cell(first, func() {
		p = NewProgress(ProgressOptions{Total: 10, Sink: SinkFunc(func(_, text string, _ bool) { display.Text(text) })})
		p.Add(1) // held by the throttle, shown at the cell's end
	})
	display.SetPublisher(second)
	defer display.SetPublisher(nil)
	p.Add(1) // within the interval of the publication at the first cell's end: held, then shown by the timer
	deadline := time.Now().Add(5 * time.Second)
	for len(second.texts()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := second.texts(); len(got) != 1 || !strings.Contains(got[0], "2/10") {
		t.Errorf("second cell got %q while running, want one publication of 2/10", got)
	}
	if got := first.texts(); len(got) != 2 || !strings.Contains(got[1], "1/10") {
		t.Errorf("first cell got %q, want the start and 1/10", got)
	}
}

// TestLiveViewSinkPanicAtCellEnd checks that a Sink panicking in the publication at a cell's end does not stop
// the cell from ending (the runtime calls SetPublisher there).
func TestLiveViewSinkPanicAtCellEnd(t *testing.T) {
	calls := 0
	sink := SinkFunc(func(string, string, bool) {
		calls++
		if calls > 1 {
			panic("sink broke")
		}
	})
	cell(&displayRecorder{}, func() {
		p := NewProgress(ProgressOptions{Total: 3, Sink: sink})
		p.Add(1)
	})
	if calls != 2 {
		t.Errorf("sink called %d times, want 2 (start, cell end)", calls)
	}
}
