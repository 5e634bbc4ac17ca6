package viz

import (
	"strings"
	"sync"
	"testing"
	"time"

	"gotensor/display"
	"gotensor/tensor"
)

// displayRecorder is a display.Publisher that records what reaches the notebook.
type displayRecorder struct {
	mu   sync.Mutex
	msgs []displayMsg
}

type displayMsg struct {
	data   map[string]any
	id     string
	update bool
}

func (r *displayRecorder) Display(data, metadata map[string]any, displayID string, update bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, displayMsg{data, displayID, update})
}

func (r *displayRecorder) Clear(bool) {}

// TestProgressThroughDisplay checks the default sink: a display_data, then update_display_data messages under
// the same display id, the last one carrying the final text summary.
func TestProgressThroughDisplay(t *testing.T) {
	rec := &displayRecorder{}
	prev := display.SetPublisher(rec)
	defer display.SetPublisher(prev)
	clock := newFakeClock()
	p := NewProgress(ProgressOptions{Total: 5, Description: "fit", Now: clock.Now})
	for i := 0; i < 5; i++ {
		clock.advance(200 * time.Millisecond)
		p.Add(1)
	}
	p.Close()
	if len(rec.msgs) != 7 {
		t.Fatalf("got %d display messages, want 7 (start, 5 updates 200 ms apart, final)", len(rec.msgs))
	}
	first, last := rec.msgs[0], rec.msgs[len(rec.msgs)-1]
	if first.update || first.id == "" {
		t.Errorf("first message update=%v id=%q, want a display_data with a display id", first.update, first.id)
	}
	for _, m := range rec.msgs[1:] {
		if !m.update || m.id != first.id {
			t.Errorf("later message update=%v id=%q, want update_display_data for %q", m.update, m.id, first.id)
		}
	}
	if want := "fit: 100%|████████████████████| 5/5 [00:01, 5.00 it/s]"; last.data["text/plain"] != want {
		t.Errorf("final text/plain = %q, want %q", last.data["text/plain"], want)
	}
	if html, _ := last.data["text/html"].(string); !strings.Contains(html, `data-state="done"`) {
		t.Errorf("final text/html lacks the finished bar: %s", html)
	}
}

func TestRich(t *testing.T) {
	x := tensor.New([]float64{1, 2})
	if b, ok := Rich(x); !ok || b["text/plain"] != x.String() || !strings.Contains(b["text/html"].(string), "<table") {
		t.Errorf("Rich(tensor) = %v, %v; want its bundle", b, ok)
	}
	if _, ok := Rich(42); ok {
		t.Errorf("Rich(42) claimed a bundle")
	}
	var nilT *tensor.Tensor
	if _, ok := Rich(nilT); ok {
		t.Errorf("Rich(nil tensor) claimed a bundle")
	}
	// display.Bundle finds the views' own renderers
	g := seedGraph()
	if b := display.Bundle(g); b["image/svg+xml"] == nil || b["text/html"] != nil || !strings.HasPrefix(b["text/plain"].(string), "Q (2,)") {
		t.Errorf("display.Bundle(graph) keys %v, want svg and the op tree only (no text/html)", keys(b))
	}
	p := NewProgress(ProgressOptions{Total: 2, Sink: Discard})
	if b := display.Bundle(p); b["text/html"] == nil || !strings.Contains(b["text/plain"].(string), "0/2") {
		t.Errorf("display.Bundle(progress) = %v, want html and its text line", b)
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
