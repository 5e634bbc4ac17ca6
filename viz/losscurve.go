package viz

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// LossCurveOptions configures a LossCurve. The zero value works.
type LossCurveOptions struct {
	Title    string           // shown above the plot; default "loss"
	Width    int              // plot width in pixels; default 480
	Height   int              // plot height in pixels; default 200
	LogY     bool             // logarithmic y axis (for positive losses spanning decades)
	Sink     Sink             // where renderings go; nil shows them in the notebook (NewDisplaySink)
	Now      func() time.Time // the clock; nil uses time.Now (a fake clock turns off trailing publications)
	Interval time.Duration    // time between publications; raised to MinUpdateInterval when shorter
}

// LossCurve is a live line plot of one or more series (say "train" and "val") against the step, drawn as an SVG
// polyline inside HTML and published through a Sink at most ten times a second; Close publishes a text summary
// (steps, first, last and minimum of each series). Long series are thinned to a few points per pixel column,
// keeping each column's extremes, so rendering cost stays bounded. Safe for concurrent use.
type LossCurve struct {
	opts   LossCurveOptions
	live   live
	series []*series // guarded by live.mu, in order of first use
	closed bool
}

// series is one named line.
type series struct {
	name         string
	steps        []float64
	values       []float64
	bad          int // NaN or Inf values, not drawn
	firstBadStep float64
}

// seriesColors are matplotlib's first category colours, distinct on light and dark backgrounds.
var seriesColors = []string{"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"}

// NewLossCurve starts an empty curve and publishes it.
func NewLossCurve(opts LossCurveOptions) *LossCurve {
	if opts.Title == "" {
		opts.Title = "loss"
	}
	if opts.Width <= 0 {
		opts.Width = 480
	}
	if opts.Height <= 0 {
		opts.Height = 200
	}
	c := &LossCurve{opts: opts}
	c.live.init(sinkOr(opts.Sink), opts.Now, opts.Interval, c.render)
	c.live.update(func() {})
	return c
}

// Add appends v to the first series (named after the title) at the next step.
func (c *LossCurve) Add(v float64) {
	c.live.update(func() {
		s := c.get(c.opts.Title)
		c.push(s, float64(len(s.steps)), v)
	})
}

// AddPoint appends v at step to the series called name, creating it on first use.
func (c *LossCurve) AddPoint(name string, step, v float64) {
	c.live.update(func() { c.push(c.get(name), step, v) })
}

// Close publishes the final plot and the text summary. Later calls do nothing.
func (c *LossCurve) Close() { c.live.close(func() { c.closed = true }) }

// HTML returns the current plot as HTML.
func (c *LossCurve) HTML() string {
	html, _ := c.live.snapshot(c.live.now)
	return html
}

// String returns the text summary of the current data.
func (c *LossCurve) String() string {
	_, text := c.live.snapshot(c.live.now)
	return text
}

func (c *LossCurve) get(name string) *series {
	for _, s := range c.series {
		if s.name == name {
			return s
		}
	}
	s := &series{name: name}
	c.series = append(c.series, s)
	return s
}

func (c *LossCurve) push(s *series, step, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) || (c.opts.LogY && v <= 0) {
		if s.bad == 0 {
			s.firstBadStep = step
		}
		s.bad++
		return
	}
	s.steps = append(s.steps, step)
	s.values = append(s.values, v)
}

// summary is the text form: one line per series.
func (c *LossCurve) summary() string {
	if len(c.series) == 0 {
		return c.opts.Title + ": no data"
	}
	var b strings.Builder
	for i, s := range c.series {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(s.name + ": ")
		if len(s.values) == 0 {
			b.WriteString("no finite values")
		} else {
			imin := 0
			for j, v := range s.values {
				if v < s.values[imin] {
					imin = j
				}
			}
			n := len(s.values)
			fmt.Fprintf(&b, "%d points, first %s, last %s (step %s), min %s (step %s)", n, formatShort(s.values[0]),
				formatShort(s.values[n-1]), formatShort(s.steps[n-1]), formatShort(s.values[imin]), formatShort(s.steps[imin]))
		}
		if s.bad > 0 {
			what := "not finite"
			if c.opts.LogY {
				what = "not finite or not positive"
			}
			fmt.Fprintf(&b, "; %d %s, first at step %s", s.bad, what, formatShort(s.firstBadStep))
		}
	}
	return b.String()
}

// render draws the view: a title line and the plot. The plot is an SVG carried in an <img> as a data: URL,
// because JupyterLab's sanitizer (untrusted notebooks) strips inline SVG from HTML but keeps images; its
// colours are mid-greys and saturated hues that read on light and dark themes alike. Callers hold live.mu.
func (c *LossCurve) render(time.Time) (html, text string) {
	var b strings.Builder
	b.WriteString(`<div style="` + styleBox + `"><div>` + escapeText(c.opts.Title))
	text = c.summary()
	switch {
	case c.closed:
	case c.live.aborted:
		b.WriteString(` <span data-state="aborted" style="` + themed("color", "--jp-error-color1", "#d32f2f") + `">(stopped)</span>`)
		text += "\n(stopped: the cell ended before Close)"
	default:
		b.WriteString(` <span style="` + styleDim + `">(live)</span>`)
	}
	fmt.Fprintf(&b, `</div><img width="%d" height="%d" alt="%s" title="%s" src="data:image/svg+xml;base64,%s"></div>`,
		c.opts.Width, c.opts.Height, escapeText(text), escapeText(text), base64.StdEncoding.EncodeToString([]byte(c.plotSVG())))
	return b.String(), text
}

// plotSVG draws the axes, grid, tick labels and one polyline per series as an SVG document.
func (c *LossCurve) plotSVG() string {
	const left, right, top, bottom = 56.0, 12.0, 8.0, 26.0
	const grey = "#8c8c8c"
	w, h := float64(c.opts.Width), float64(c.opts.Height)
	pw, ph := w-left-right, h-top-bottom
	tf := func(v float64) float64 { return v }
	if c.opts.LogY {
		tf = math.Log10
	}
	x0, x1, y0, y1 := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, s := range c.series {
		for j, v := range s.values {
			x0, x1 = math.Min(x0, s.steps[j]), math.Max(x1, s.steps[j])
			y0, y1 = math.Min(y0, tf(v)), math.Max(y1, tf(v))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" viewBox="0 0 %g %g" font-size="10" `+
		`font-family="sans-serif" fill="%s">`, w, h, w, h, grey)
	fmt.Fprintf(&b, `<rect x="%g" y="%g" width="%g" height="%g" fill="none" stroke="%s"/>`, left, top, pw, ph, grey)
	if math.IsInf(x0, 0) {
		fmt.Fprintf(&b, `<text x="%g" y="%g" text-anchor="middle">waiting for data</text></svg>`, left+pw/2, top+ph/2)
		return b.String()
	}
	if x1 == x0 {
		x0, x1 = x0-1, x1+1
	}
	if y1 == y0 {
		y0, y1 = y0-0.5, y1+0.5
	}
	pad := (y1 - y0) * 0.05
	y0, y1 = y0-pad, y1+pad
	sx := func(x float64) float64 { return left + (x-x0)/(x1-x0)*pw }
	sy := func(y float64) float64 { return top + (y1-y)/(y1-y0)*ph }
	yticks := niceTicks(y0, y1, 5)
	if c.opts.LogY && y1-y0 >= 2 { // whole decades only
		yticks = yticks[:0]
		for t := math.Ceil(y0); t <= y1; t++ {
			yticks = append(yticks, t)
		}
	}
	for _, t := range yticks {
		label := formatShort(t)
		if c.opts.LogY {
			label = formatShort(math.Pow(10, t))
		}
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="%s" stroke-opacity=".3"/>`+
			`<text x="%.1f" y="%.1f" text-anchor="end" dominant-baseline="middle">%s</text>`,
			left, left+pw, sy(t), sy(t), grey, left-4, sy(t), label)
	}
	for _, t := range niceTicks(x0, x1, 6) {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, sx(t), top+ph+14, formatShort(t))
	}
	for i, s := range c.series {
		color := seriesColors[i%len(seriesColors)]
		b.WriteString(`<polyline fill="none" stroke="` + color + `" stroke-width="1.5" stroke-linejoin="round" points="`)
		var pts []byte
		for _, j := range thin(s.steps, s.values, x0, x1, int(pw)) {
			pts = strconv.AppendFloat(pts, math.Round(sx(s.steps[j])*10)/10, 'f', -1, 64)
			pts = append(pts, ',')
			pts = strconv.AppendFloat(pts, math.Round(sy(tf(s.values[j]))*10)/10, 'f', -1, 64)
			pts = append(pts, ' ')
		}
		b.Write(pts)
		b.WriteString(`"><title>` + escapeText(s.name) + `</title></polyline>`)
		if n := len(s.values); n > 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" fill="%s">%s %s</text>`,
				left+pw-4, top+12+12*float64(i), color, escapeText(s.name), formatShort(s.values[n-1]))
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// thin returns the indices of the points to draw: all of them when few, else per pixel column the first, the
// lowest, the highest and the last point (the M4 rule), which keeps the drawn shape while bounding its size.
func thin(xs, ys []float64, x0, x1 float64, columns int) []int {
	if len(xs) <= 4*columns || columns <= 0 {
		idx := make([]int, len(xs))
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	var out []int
	col, first, lo, hi, last := -1, 0, 0, 0, 0
	flush := func() {
		if col < 0 {
			return
		}
		for _, k := range sortedUnique4(first, lo, hi, last) {
			out = append(out, k)
		}
	}
	for i, x := range xs {
		c := int((x - x0) / (x1 - x0) * float64(columns))
		if c != col {
			flush()
			col, first, lo, hi = c, i, i, i
		}
		if ys[i] < ys[lo] {
			lo = i
		}
		if ys[i] > ys[hi] {
			hi = i
		}
		last = i
	}
	flush()
	return out
}

// sortedUnique4 returns its arguments sorted without repeats.
func sortedUnique4(a, b, c, d int) []int {
	v := []int{a, b, c, d}
	for i := 1; i < 4; i++ {
		for j := i; j > 0 && v[j] < v[j-1]; j-- {
			v[j], v[j-1] = v[j-1], v[j]
		}
	}
	out := v[:1]
	for _, x := range v[1:] {
		if x != out[len(out)-1] {
			out = append(out, x)
		}
	}
	return out
}

// niceTicks returns about n round values (multiples of 1, 2 or 5 times a power of ten) within [lo, hi].
func niceTicks(lo, hi float64, n int) []float64 {
	if !(hi > lo) || n < 1 {
		return nil
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	var step float64
	switch r := raw / mag; { // the round step nearest the raw one
	case r < 1.5:
		step = mag
	case r < 3:
		step = 2 * mag
	case r < 7:
		step = 5 * mag
	default:
		step = 10 * mag
	}
	var ticks []float64
	for t := math.Ceil(lo/step) * step; t <= hi+step*1e-9; t += step {
		v := math.Round(t/step) * step
		if v == 0 {
			v = 0 // not -0
		}
		ticks = append(ticks, v)
	}
	return ticks
}
