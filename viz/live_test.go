package viz

import (
	"encoding/base64"
	"math"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for the live views.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// recorder is a Sink that keeps every publication.
type recorder struct {
	mu    sync.Mutex
	pubs  []publication
	final int
}

type publication struct {
	html, text string
	final      bool
}

func (r *recorder) Publish(html, text string, final bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pubs = append(r.pubs, publication{html, text, final})
	if final {
		r.final++
	}
}

func TestProgressText(t *testing.T) {
	tests := []struct {
		name  string
		opts  ProgressOptions
		steps []time.Duration // one Add(1) after each wait
		close bool
		want  string
	}{
		{"running", ProgressOptions{Total: 10, Description: "train"}, repeat(4, 250*time.Millisecond), false,
			"train:  40%|████████            | 4/10 [00:01<00:02, 4.00 it/s]"},
		{"done", ProgressOptions{Total: 4}, repeat(4, 500*time.Millisecond), true,
			"100%|████████████████████| 4/4 [00:02, 2.00 it/s]"},
		{"partial cell", ProgressOptions{Total: 16}, repeat(3, time.Second), false,
			" 18%|███▊                | 3/16 [00:03<00:13, 1.00 it/s]"},
		{"slow", ProgressOptions{Total: 3, Unit: "epoch"}, repeat(1, 4*time.Second), false,
			" 33%|██████▋             | 1/3 [00:04<00:08, 4.00 s/epoch]"},
		{"unknown total", ProgressOptions{}, repeat(5, 2*time.Second), true, "5 [00:10, 2.00 s/it]"},
		{"hours", ProgressOptions{Total: 2}, repeat(1, 2*time.Hour), false, " 50%|██████████          | 1/2 [2:00:00<2:00:00, 7200.00 s/it]"},
		{"no adds", ProgressOptions{Total: 5}, nil, false, "  0%|                    | 0/5 [00:00<?, ? it/s]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			tt.opts.Now = clock.Now
			tt.opts.Sink = Discard
			p := NewProgress(tt.opts)
			for _, d := range tt.steps {
				clock.advance(d)
				p.Add(1)
			}
			if tt.close {
				p.Close()
				clock.advance(time.Minute) // a closed bar's clock is stopped
			}
			if got := p.String(); got != tt.want {
				t.Errorf("Progress.String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func repeat(n int, d time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d
	}
	return out
}

func TestProgressThrottle(t *testing.T) {
	clock := newFakeClock()
	rec := &recorder{}
	p := NewProgress(ProgressOptions{Total: 1000, Sink: rec, Now: clock.Now, Interval: time.Millisecond})
	for i := 0; i < 1000; i++ { // 1000 steps of 1 ms: one second of work
		clock.advance(time.Millisecond)
		p.Add(1)
	}
	p.Close()
	p.Close()
	p.Add(5) // ignored after Close
	// one publication at start, then at most one per 100 ms (the 1 ms Interval is raised), then the final one
	if n := len(rec.pubs); n < 10 || n > 12 {
		t.Errorf("1000 updates over 1 s made %d publications, want 10 to 12 (≤ 10 a second)", n)
	}
	if rec.final != 1 || !rec.pubs[len(rec.pubs)-1].final {
		t.Fatalf("got %d final publications, want exactly 1, last", rec.final)
	}
	last := rec.pubs[len(rec.pubs)-1]
	if want := "100%|████████████████████| 1000/1000 [00:01, 1000.00 it/s]"; last.text != want {
		t.Errorf("final text = %q, want %q", last.text, want)
	}
	doc := parseHTML(t, last.html)
	bars := findAll(doc, "div")
	var bar string
	for _, d := range bars {
		if attr(d, "role") == "progressbar" {
			bar = attr(d, "aria-valuenow") + "/" + attr(d, "aria-valuemax") + " " + attr(d, "data-state")
		}
	}
	if bar != "1000/1000 done" {
		t.Errorf("final progressbar = %q, want %q", bar, "1000/1000 done")
	}
	if !strings.Contains(last.html, "width:100%") {
		t.Errorf("final HTML lacks a full bar: %s", last.html)
	}
}

func TestProgressStoppedEarly(t *testing.T) {
	clock := newFakeClock()
	rec := &recorder{}
	p := NewProgress(ProgressOptions{Total: 10, Sink: rec, Now: clock.Now})
	clock.advance(time.Second)
	p.Add(3)
	p.SetPostfix("loss=0.5")
	p.Close()
	last := rec.pubs[len(rec.pubs)-1]
	if want := " 30%|██████              | 3/10 [00:01, 3.00 it/s, loss=0.5]"; last.text != want {
		t.Errorf("final text = %q, want %q", last.text, want)
	}
	if !strings.Contains(last.html, `data-state="stopped"`) {
		t.Errorf("final HTML of a bar closed at 3/10 lacks data-state=stopped: %s", last.html)
	}
}

// TestProgressTrailing checks that with the real clock the last throttled update is published without Close.
func TestProgressTrailing(t *testing.T) {
	rec := &recorder{}
	p := NewProgress(ProgressOptions{Total: 3, Sink: rec})
	p.Add(1)
	p.Add(1)
	p.Add(1) // all within the first 100 ms: throttled
	deadline := time.Now().Add(2 * time.Second)
	for {
		rec.mu.Lock()
		last := rec.pubs[len(rec.pubs)-1].text
		rec.mu.Unlock()
		if strings.Contains(last, "3/3") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("last publication %q, want the 3/3 state published by the trailing timer", last)
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.Close()
}

func TestProgressConcurrent(t *testing.T) {
	rec := &recorder{}
	p := NewProgress(ProgressOptions{Total: 4000, Sink: rec})
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				p.Add(1)
			}
		}()
	}
	wg.Wait()
	p.Close()
	if !strings.Contains(p.String(), "4000/4000") || rec.final != 1 {
		t.Errorf("after 4×1000 concurrent adds: %q and %d finals, want 4000/4000 and 1", p.String(), rec.final)
	}
}

func TestLossCurve(t *testing.T) {
	clock := newFakeClock()
	rec := &recorder{}
	c := NewLossCurve(LossCurveOptions{Sink: rec, Now: clock.Now})
	for i := 0; i < 50; i++ {
		clock.advance(10 * time.Millisecond)
		c.Add(2 / float64(i+1))
		if i%10 == 0 {
			c.AddPoint("val", float64(i), 2.5/float64(i+1))
		}
	}
	c.Add(math.NaN())
	c.Close()
	if n := len(rec.pubs); n < 5 || n > 7 {
		t.Errorf("50 points over 0.5 s made %d publications, want 5 to 7", n)
	}
	last := rec.pubs[len(rec.pubs)-1]
	want := "loss: 50 points, first 2, last 0.04 (step 49), min 0.04 (step 49); 1 not finite, first at step 50\n" +
		"val: 5 points, first 2.5, last 0.060976 (step 40), min 0.060976 (step 40)"
	if !last.final || last.text != want {
		t.Errorf("final publication = %q (final %v), want %q", last.text, last.final, want)
	}
	parseHTML(t, last.html)
	lines := curvePolylines(t, last.html)
	if len(lines) != 2 {
		t.Fatalf("final HTML has %d polylines, want 2", len(lines))
	}
	if pts := strings.Fields(lines[0]); len(pts) != 50 {
		t.Errorf("loss polyline has %d points, want 50", len(pts))
	}
	if strings.Contains(last.html, "(live)") {
		t.Errorf("final HTML still says (live)")
	}
	checkGolden(t, "losscurve.html", last.html)
}

func TestLossCurveThinning(t *testing.T) {
	c := NewLossCurve(LossCurveOptions{Sink: Discard, Width: 200, Now: newFakeClock().Now})
	for i := 0; i < 100000; i++ {
		c.Add(math.Sin(float64(i)/1000) + 2)
	}
	parseHTML(t, c.HTML())
	pts := strings.Fields(curvePolylines(t, c.HTML())[0])
	if len(pts) < 100 || len(pts) > 4*200 {
		t.Errorf("100000-point series drew %d points in a 200-px plot, want between 100 and 800", len(pts))
	}
}

func TestLossCurveEmptyAndLog(t *testing.T) {
	c := NewLossCurve(LossCurveOptions{Sink: Discard, Now: newFakeClock().Now, LogY: true, Title: "nll"})
	if got := c.String(); got != "nll: no data" {
		t.Errorf("empty LossCurve.String() = %q, want %q", got, "nll: no data")
	}
	if svg := curveSVG(t, c.HTML()); !strings.Contains(svg, "waiting for data") {
		t.Errorf("empty LossCurve.HTML() lacks 'waiting for data'")
	}
	for _, v := range []float64{100, 10, 1, 0.1, 0, -1} {
		c.Add(v)
	}
	want := "nll: 4 points, first 100, last 0.1 (step 3), min 0.1 (step 3); 2 not finite or not positive, first at step 4"
	if got := c.String(); got != want {
		t.Errorf("LossCurve.String() = %q, want %q", got, want)
	}
	parseHTML(t, c.HTML())
}

// curveSVG returns the SVG document a LossCurve's HTML carries in its <img> data URL.
func curveSVG(t *testing.T, htmlText string) string {
	t.Helper()
	img := findAll(parseHTML(t, htmlText), "img")
	if len(img) != 1 {
		t.Fatalf("loss curve HTML has %d <img>, want 1", len(img))
	}
	src, ok := strings.CutPrefix(attr(img[0], "src"), "data:image/svg+xml;base64,")
	if !ok {
		t.Fatalf("loss curve <img> src is not an SVG data URL")
	}
	svg, err := base64.StdEncoding.DecodeString(src)
	if err != nil {
		t.Fatalf("loss curve data URL: %v", err)
	}
	svgCounts(t, string(svg)) // parses as XML
	return string(svg)
}

// curvePolylines returns the points attribute of each polyline of a LossCurve's plot.
func curvePolylines(t *testing.T, htmlText string) []string {
	t.Helper()
	var out []string
	for _, m := range regexp.MustCompile(`<polyline [^>]*points="([^"]*)"`).FindAllStringSubmatch(curveSVG(t, htmlText), -1) {
		out = append(out, m[1])
	}
	return out
}

func TestNiceTicks(t *testing.T) {
	tests := []struct {
		lo, hi float64
		n      int
		want   []float64
	}{
		{0, 10, 5, []float64{0, 2, 4, 6, 8, 10}},
		{0.13, 0.97, 4, []float64{0.2, 0.4, 0.6, 0.8}},
		{-3, 3, 6, []float64{-3, -2, -1, 0, 1, 2, 3}},
		{1, 1, 5, nil},
	}
	for _, tt := range tests {
		got := niceTicks(tt.lo, tt.hi, tt.n)
		if len(got) != len(tt.want) {
			t.Errorf("niceTicks(%v, %v, %d) = %v, want %v", tt.lo, tt.hi, tt.n, got, tt.want)
			continue
		}
		for i := range got {
			if math.Abs(got[i]-tt.want[i]) > 1e-12 {
				t.Errorf("niceTicks(%v, %v, %d) = %v, want %v", tt.lo, tt.hi, tt.n, got, tt.want)
				break
			}
		}
	}
}
