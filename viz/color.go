package viz

import (
	"math"
	"strconv"
)

// Heatmap colours are translucent tints (rgba) laid over the notebook's own background, so the numbers keep the
// theme's text colour and stay readable on light and dark themes alike. The hues are those of matplotlib's
// "coolwarm" ends (diverging: blue below zero, red above) and a single blue for sequential data.
const maxAlpha = 0.6

var (
	rgbNeg = [3]int{59, 76, 192}  // coolwarm's low end
	rgbPos = [3]int{180, 4, 38}   // coolwarm's high end
	rgbSeq = [3]int{31, 119, 180} // matplotlib's first category blue
)

// colorScale maps values to heatmap tints: diverging around zero when the range holds both signs, sequential
// from min to max otherwise. A constant range tints nothing.
type colorScale struct {
	diverging bool
	lo, hi    float64
	span      float64 // hi-lo for sequential, max(|lo|, |hi|) for diverging; 0 disables tinting
}

func newColorScale(lo, hi float64) colorScale {
	c := colorScale{lo: lo, hi: hi}
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return c
	}
	if lo < 0 && hi > 0 {
		c.diverging = true
		c.span = math.Max(-lo, hi)
		return c
	}
	c.span = hi - lo
	return c
}

// appendBackground appends the CSS background declaration (with trailing ';') for v, or nothing when v gets no tint.
// NaN and ±Inf get their own marks: a grey, italic cell and an amber, bold one.
func (c colorScale) appendBackground(dst []byte, v float64) []byte {
	switch {
	case v != v:
		return append(dst, "background:rgba(128,128,128,.45);font-style:italic;"...)
	case math.IsInf(v, 0):
		return append(dst, "background:rgba(255,170,0,.6);font-weight:bold;"...)
	}
	if c.span == 0 {
		return dst
	}
	rgb, t := rgbSeq, (v-c.lo)/c.span
	if c.diverging {
		rgb, t = rgbPos, v/c.span
		if v < 0 {
			rgb, t = rgbNeg, -t
		}
	}
	t = math.Max(0, math.Min(1, t))
	a := int(math.Round(t * maxAlpha * 100)) // hundredths: two digits keep the HTML small
	if a == 0 {
		return dst
	}
	dst = append(dst, "background:rgba("...)
	for _, x := range rgb {
		dst = strconv.AppendInt(dst, int64(x), 10)
		dst = append(dst, ',')
	}
	dst = append(dst, '.')
	if a < 10 {
		dst = append(dst, '0')
	}
	dst = strconv.AppendInt(dst, int64(a), 10)
	return append(dst, ");"...)
}
