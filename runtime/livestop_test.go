package runtime

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestLiveViewStoppedWhenCellFails runs cells that leave a progress bar open and checks the last display update
// each sends: a cell that panics, fails in a tensor op or is interrupted mid-loop shows the bar stopped (text
// and HTML); a cell that returns shows it as it was.
func TestLiveViewStoppedWhenCellFails(t *testing.T) {
	const loop = `pb := viz.NewProgress(viz.ProgressOptions{Total: 100, Description: "fit"})
for i := range 100 {
	if i == 37 {
		%s
	}
	pb.Add(1)
}`
	tests := []struct {
		name      string
		stop      string // the statement run at step 37
		interrupt bool   // cancel the cell while it waits
		errName   string // the start of the CellError's name; "" when the cell must succeed
		wantText  []string
		wantHTML  []string
		notInHTML []string
	}{
		{"panic", `panic("diverged")`, false, "panic",
			[]string{"fit:  37%|", "37/100 [", "] stopped at 37/100"},
			[]string{`data-state="aborted"`, `--jp-error-color1`, `>stopped at 37/100</span>`}, []string{`data-state="running"`}},
		{"tensor error", `tensor.Ones(2, 3).Add(tensor.Ones(4))`, false, "panic",
			[]string{"fit:  37%|", "] stopped at 37/100"},
			[]string{`data-state="aborted"`, `>stopped at 37/100</span>`}, []string{`data-state="running"`}},
		{"interrupt", `for { time.Sleep(10 * time.Millisecond) }`, true, "Interrupted",
			[]string{"fit:  37%|", "] stopped at 37/100"},
			[]string{`data-state="aborted"`, `>stopped at 37/100</span>`}, []string{`data-state="running"`}},
		{"returns", `break`, false, "",
			[]string{"fit:  37%|", "37/100 ["},
			[]string{`data-state="running"`}, []string{"stopped", `data-state="aborted"`}},
	}
	s := newSession(t)
	if _, err, _ := exec(t, s, `import "time"`); err != nil {
		t.Fatalf("Execute(import) = %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := strings.Replace(loop, "%s", tt.stop, 1)
			rec := &recorder{}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if tt.interrupt {
				time.AfterFunc(300*time.Millisecond, cancel)
			}
			_, err := s.Execute(ctx, code, rec)
			ce, _ := err.(*CellError)
			switch {
			case tt.errName == "" && err != nil:
				t.Fatalf("Execute(%s) = %v, want no error", tt.name, err)
			case tt.errName != "" && (ce == nil || !strings.HasPrefix(ce.Name, tt.errName)):
				t.Fatalf("Execute(%s) = %v, want a CellError named %s…", tt.name, err, tt.errName)
			}
			rec.mu.Lock()
			var last event
			for _, e := range rec.events {
				if e.kind == "update" {
					last = e
				}
			}
			rec.mu.Unlock()
			html, _ := last.data["text/html"].(string)
			for _, w := range tt.wantText {
				if !strings.Contains(last.text, w) {
					t.Errorf("cell %s: last update's text/plain = %q, want it to contain %q", tt.name, last.text, w)
				}
			}
			for _, w := range tt.wantHTML {
				if !strings.Contains(html, w) {
					t.Errorf("cell %s: last update's text/html lacks %q:\n%s", tt.name, w, html)
				}
			}
			for _, w := range tt.notInHTML {
				if strings.Contains(html, w) || strings.Contains(last.text, w) {
					t.Errorf("cell %s: last update has %q:\n%s\n%s", tt.name, w, last.text, html)
				}
			}
		})
	}
}
