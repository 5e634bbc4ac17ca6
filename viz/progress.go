package viz

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ProgressOptions configures a Progress. The zero value works: an unbounded counter publishing nowhere.
type ProgressOptions struct {
	Total       int              // expected count; 0 when unknown (no percentage or ETA then)
	Description string           // shown before the bar, e.g. "epoch 3"
	Unit        string           // what is counted; default "it"
	Sink        Sink             // where renderings go; nil shows them in the notebook (NewDisplaySink)
	Now         func() time.Time // the clock; nil uses time.Now (a fake clock turns off trailing publications)
	Interval    time.Duration    // time between publications; raised to MinUpdateInterval when shorter
}

// Progress is a tqdm-like progress bar: count, percentage, elapsed time, rate and ETA, published as HTML through
// a Sink at most ten times a second, and as a final one-line summary when closed. Safe for concurrent use.
type Progress struct {
	opts  ProgressOptions
	live  live
	start time.Time

	// guarded by live.mu
	n       int
	postfix string
	closed  bool
	end     time.Time // when closed
}

// NewProgress starts a progress bar now and publishes its first rendering.
func NewProgress(opts ProgressOptions) *Progress {
	if opts.Unit == "" {
		opts.Unit = "it"
	}
	p := &Progress{opts: opts}
	p.live.init(sinkOr(opts.Sink), opts.Now, opts.Interval, p.render)
	p.start = p.live.now()
	p.live.update(func() {})
	return p
}

// Add advances the count by n.
func (p *Progress) Add(n int) { p.live.update(func() { p.n += n }) }

// Set sets the count to n.
func (p *Progress) Set(n int) { p.live.update(func() { p.n = n }) }

// SetPostfix sets a short text shown after the rate, such as "loss=0.123".
func (p *Progress) SetPostfix(s string) { p.live.update(func() { p.postfix = s }) }

// Close stops the clock and publishes the final rendering and its text summary. Later calls do nothing.
func (p *Progress) Close() {
	now := p.live.now()
	p.live.close(func() { p.closed, p.end = true, now })
}

// HTML returns the current rendering as HTML.
func (p *Progress) HTML() string {
	html, _ := p.live.snapshot(p.at)
	return html
}

// String returns the current rendering as one line of text, like tqdm's.
func (p *Progress) String() string {
	_, text := p.live.snapshot(p.at)
	return text
}

// at is the time the rendering describes: now, or when the bar was closed or its cell ended aborted. Callers
// hold live.mu.
func (p *Progress) at() time.Time {
	switch {
	case p.closed:
		return p.end
	case p.live.aborted:
		return p.live.abortedAt
	}
	return p.live.now()
}

// progressState is what both renderings show, computed once.
type progressState struct {
	frac     float64 // 0..1, or -1 when the total is unknown
	counts   string  // "450/1000" or "450"
	timing   string  // "00:12<00:15, 36.50 it/s"
	complete bool
}

func (p *Progress) state(now time.Time) progressState {
	elapsed := now.Sub(p.start)
	var s progressState
	s.frac = -1
	s.counts = strconv.Itoa(p.n)
	if t := p.opts.Total; t > 0 {
		s.frac = math.Max(0, math.Min(1, float64(p.n)/float64(t)))
		s.counts += "/" + strconv.Itoa(t)
		s.complete = p.n >= t
	}
	rate := 0.0
	if secs := elapsed.Seconds(); secs > 0 {
		rate = float64(p.n) / secs
	}
	s.timing = formatDuration(elapsed)
	if p.opts.Total > 0 && !p.closed && !p.live.aborted {
		eta := "?"
		if rate > 0 {
			eta = formatDuration(time.Duration(float64(max(p.opts.Total-p.n, 0)) / rate * float64(time.Second)))
		}
		s.timing += "<" + eta
	}
	s.timing += ", " + formatRate(rate, p.opts.Unit)
	if p.postfix != "" {
		s.timing += ", " + p.postfix
	}
	return s
}

// formatRate renders a rate as tqdm does: "36.50 it/s", or "2.31 s/it" when slower than one a second.
func formatRate(rate float64, unit string) string {
	switch {
	case rate == 0:
		return "? " + unit + "/s"
	case rate < 1:
		return strconv.FormatFloat(1/rate, 'f', 2, 64) + " s/" + unit
	}
	return strconv.FormatFloat(rate, 'f', 2, 64) + " " + unit + "/s"
}

// formatDuration renders d as "MM:SS", or "H:MM:SS" from an hour on.
func formatDuration(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}

// render draws both forms. A bar whose cell ended aborted before it was closed says where it stopped, in the
// error colour. Callers hold live.mu.
func (p *Progress) render(now time.Time) (html, text string) {
	if p.closed {
		now = p.end
	}
	s := p.state(now)
	aborted := p.live.aborted && !p.closed
	var t strings.Builder
	if p.opts.Description != "" {
		t.WriteString(p.opts.Description + ": ")
	}
	if s.frac >= 0 {
		const width = 20
		fmt.Fprintf(&t, "%3.0f%%|%s| ", math.Floor(s.frac*100), textBar(s.frac, width))
	}
	t.WriteString(s.counts + " [" + s.timing + "]")
	if aborted {
		t.WriteString(" stopped at " + s.counts)
	}

	// The bar's colours: JupyterLab's brand blue while running, green when complete, amber when closed short,
	// red when its cell ended aborted.
	fillVar, fill, state := "--jp-brand-color1", "#1976d2", "running"
	switch {
	case aborted:
		fillVar, fill, state = "--jp-error-color1", "#d32f2f", "aborted"
	case p.closed && (s.complete || s.frac < 0):
		fillVar, fill, state = "--jp-success-color1", "#388e3c", "done"
	case p.closed:
		fillVar, fill, state = "--jp-warn-color1", "#f57c00", "stopped"
	}
	var h strings.Builder
	h.WriteString(`<div style="` + styleBox + `display:flex;align-items:center;gap:8px;white-space:nowrap">`)
	if p.opts.Description != "" {
		h.WriteString(`<span>` + escapeText(p.opts.Description) + `</span>`)
	}
	if s.frac >= 0 {
		pct := strconv.FormatFloat(math.Floor(s.frac*1000)/10, 'f', -1, 64)
		fmt.Fprintf(&h, `<div role="progressbar" aria-valuemin="0" aria-valuemax="%d" aria-valuenow="%d" data-state="%s" `+
			`title="%s%%" style="width:300px;height:14px;border-radius:3px;overflow:hidden;%s">`+
			`<div style="height:100%%;width:%s%%;%s"></div></div>`,
			p.opts.Total, p.n, state, pct, themed("background", "--jp-layout-color3", "#d9d9d9"), pct, themed("background", fillVar, fill))
		h.WriteString(`<span>` + strconv.FormatFloat(math.Floor(s.frac*100), 'f', 0, 64) + `%</span>`)
	} else {
		fmt.Fprintf(&h, `<span role="progressbar" aria-valuenow="%d" data-state="%s" style="%s">●</span>`, p.n, state, themed("color", fillVar, fill))
	}
	h.WriteString(`<span style="` + styleDim + `">` + escapeText(s.counts+" ["+s.timing+"]") + `</span>`)
	if aborted {
		h.WriteString(`<span style="` + themed("color", fillVar, fill) + `">stopped at ` + escapeText(s.counts) + `</span>`)
	}
	h.WriteString(`</div>`)
	return h.String(), t.String()
}

// textBar draws frac of width cells with eighth-block characters, as tqdm does.
func textBar(frac float64, width int) string {
	eighths := int(frac * float64(width) * 8)
	full, part := eighths/8, eighths%8
	var b strings.Builder
	b.WriteString(strings.Repeat("█", full))
	if full < width {
		if part > 0 {
			b.WriteRune([]rune(" ▏▎▍▌▋▊▉")[part])
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(strings.Repeat(" ", width-full-1))
	}
	return b.String()
}
