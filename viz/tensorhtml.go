package viz

import (
	"fmt"
	"html"
	"strconv"
	"strings"
)

// TensorInfo is the plain description of a tensor that the HTML view renders. It does not refer to the tensor
// package, so any array (a CPU or CUDA tensor, a gonum matrix) can be shown, and a device tensor need copy to the
// host only the values the view actually shows.
type TensorInfo struct {
	Shape        []int  // dims, outermost first; empty for a scalar (0-D)
	DType        string // "float32", "float64", "int64", "bool", ...: decides how values print
	ElemSize     int    // bytes per element, for the size shown in the header; 0 derives it from DType
	Device       string // "cpu", "cuda:0"; empty reads as "cpu"
	RequiresGrad bool
	GradFn       string // name of the node that made it, e.g. "MulBackward0"; empty for leaves
	Name         string // the tensor's name, if one was set

	// Segment returns the n values at positions start..start+n-1 of the last dim, in the row whose leading
	// indices are index (len(index) == len(Shape)-1). A 0-D tensor is asked Segment(nil, 0, 1). The view calls
	// it only for the rows and edge columns it shows. It may panic; the view then reports the values as
	// unavailable and still shows the header.
	Segment func(index []int, start, n int) []float64

	// Stats summarises all values for the stats line and the heatmap range; nil leaves the stats line out and
	// takes the colour range from the shown values. A CUDA tensor can compute it with reductions on the device.
	Stats *Stats
}

// HTMLOptions bounds how much of a tensor the HTML view shows. The zero value gives the defaults noted.
type HTMLOptions struct {
	MaxRows   int // a slice with more rows shows EdgeRows first and last ones (default 20)
	EdgeRows  int // default 8
	MaxCols   int // a slice with more columns shows EdgeCols first and last ones (default 16)
	EdgeCols  int // default 6
	MaxSlices int // at most this many 2-D slices of a tensor of more dims are shown (default 24)
}

func (o HTMLOptions) withDefaults() HTMLOptions {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.MaxRows, 20)
	def(&o.EdgeRows, 8)
	def(&o.MaxCols, 16)
	def(&o.EdgeCols, 6)
	def(&o.MaxSlices, 24)
	o.EdgeRows = min(o.EdgeRows, o.MaxRows/2)
	o.EdgeCols = min(o.EdgeCols, o.MaxCols/2)
	return o
}

// themed is a CSS declaration that follows a JupyterLab theme variable, written twice: first with the plain
// fallback, then through var(). JupyterLab's sanitizer (untrusted notebooks) drops declarations using var()
// and keeps the plain one; everywhere else the later var() one wins. The fallbacks suit the classic Notebook's
// light theme and never set a background, so dark themes show through.
func themed(prop, variable, fallback string) string {
	return prop + ":" + fallback + ";" + prop + ":var(" + variable + "," + fallback + ");"
}

// Styles shared by the views.
var (
	styleBox = themed("font-family", "--jp-code-font-family", "SFMono-Regular,Menlo,Consolas,monospace") +
		themed("font-size", "--jp-code-font-size", "12px") + "color:var(--jp-content-font-color1,inherit);line-height:1.4;margin:2px 0;"
	styleHeader = "margin-bottom:2px"
	styleStats  = themed("color", "--jp-content-font-color2", "#757575") + "margin-bottom:4px"
	styleDim    = themed("color", "--jp-content-font-color3", "#8a8a8a")
	styleBorder = "border:1px solid #e0e0e0;border:1px solid var(--jp-border-color2,#e0e0e0);" // themed, by hand
	styleTable  = "border-collapse:collapse;" + styleBorder + "font-variant-numeric:tabular-nums;margin:0"
	styleTH     = "padding:1px 6px;text-align:right;font-weight:normal;background:transparent;" + styleDim
	styleTD     = "padding:1px 6px;text-align:right;white-space:nowrap;"
	styleGap    = "padding:1px 6px;text-align:center;background:transparent;" + styleDim
	styleScalar = "display:inline-block;padding:2px 10px;font-size:1.3em;" + styleBorder
	styleNote   = themed("color", "--jp-error-color1", "#d32f2f")
	styleSum    = "cursor:pointer;" + themed("color", "--jp-content-font-color2", "#757575")
)

// elemSize is the byte size of one element of the named dtype, 0 when unknown.
func elemSize(dtype string) int {
	switch strings.TrimPrefix(dtype, "torch.") {
	case "bool", "int8", "uint8":
		return 1
	case "float16", "bfloat16", "int16", "uint16":
		return 2
	case "float32", "int32", "uint32":
		return 4
	case "float64", "int64", "uint64", "complex64":
		return 8
	}
	return 0
}

// numel is the number of elements of shape.
func numel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// TensorInfoHTML renders info as a self-contained HTML fragment: a header (name, dtype, shape, device,
// requires_grad, grad_fn, size), a stats line, and the values as an edge-truncated, heat-tinted grid; tensors of
// more than two dims show one collapsible <details> per 2-D slice.
func TensorInfoHTML(info TensorInfo, opts HTMLOptions) string {
	r := tensorRenderer{info: info, opts: opts.withDefaults(), kind: kindOf(info.DType)}
	return r.render()
}

// tensorRenderer holds the state of one rendering.
type tensorRenderer struct {
	info TensorInfo
	opts HTMLOptions
	kind dtypeKind
	buf  []byte
}

// slicePlan is one 2-D slice to draw: its leading index, its shown rows (-1 marks the ⋮ gap) and fetched values.
type slicePlan struct {
	lead   []int       // indices of the dims before the last two (or before the last one for 1-D)
	gap    bool        // a ⋮ marker standing for slices not shown
	rows   []int       // shown row numbers, -1 for the gap
	values [][]float64 // values[i]: shown values of rows[i] (nil for the gap)
}

func (r *tensorRenderer) render() string {
	r.buf = make([]byte, 0, 16<<10)
	r.raw(`<div style="` + styleBox + `">`)
	r.header()
	if s := r.info.Stats; s != nil && numel(r.info.Shape) > 1 {
		r.statsLine(*s)
	}
	r.body()
	r.raw(`</div>`)
	return string(r.buf)
}

func (r *tensorRenderer) raw(s string)  { r.buf = append(r.buf, s...) }
func (r *tensorRenderer) text(s string) { r.buf = append(r.buf, html.EscapeString(s)...) }

func (r *tensorRenderer) header() {
	info := r.info
	r.raw(`<div style="` + styleHeader + `">`)
	if info.Name != "" {
		r.raw(`<b>`)
		r.text(info.Name)
		r.raw(`</b> `)
	}
	r.raw(`<b>tensor</b> `)
	parts := []string{info.DType, formatShape(info.Shape)}
	dev := info.Device
	if dev == "" {
		dev = "cpu"
	}
	parts = append(parts, dev)
	if info.RequiresGrad {
		parts = append(parts, "requires_grad=True")
	}
	if info.GradFn != "" {
		parts = append(parts, "grad_fn=<"+info.GradFn+">")
	}
	size := info.ElemSize
	if size <= 0 {
		size = elemSize(info.DType)
	}
	if size > 0 {
		parts = append(parts, formatBytes(int64(numel(info.Shape))*int64(size)))
	}
	r.raw(`<span style="` + styleDim + `">`)
	for i, p := range parts {
		if i > 0 {
			r.raw(" · ")
		}
		r.text(p)
	}
	r.raw(`</span></div>`)
}

func (r *tensorRenderer) statsLine(s Stats) {
	r.raw(`<div style="` + styleStats + `">`)
	r.text(statsText(s))
	r.raw(`</div>`)
}

// statsText is the stats line: "min -inf · max inf · finite mean 1 · finite std nan · NaN 1 · Inf 2". Min and
// max include ±Inf; a mean and std over the finite values only are called finite when something was left out.
func statsText(s Stats) string {
	var parts []string
	if s.NaN < s.Count {
		parts = append(parts, "min "+formatShort(s.Min), "max "+formatShort(s.Max))
	}
	switch {
	case s.FiniteMean && s.finite() == 0:
		parts = append(parts, "no finite values")
	case s.FiniteMean && s.finite() < s.Count:
		parts = append(parts, "finite mean "+formatShort(s.Mean), "finite std "+formatShort(s.Std))
	default:
		parts = append(parts, "mean "+formatShort(s.Mean), "std "+formatShort(s.Std))
	}
	parts = append(parts, fmt.Sprintf("NaN %d", s.NaN), fmt.Sprintf("Inf %d", s.Inf))
	return strings.Join(parts, " · ")
}

// body plans the shown slices, fetches their values (recovering from a failing Segment), then draws them.
func (r *tensorRenderer) body() {
	shape := r.info.Shape
	if numel(shape) == 0 {
		r.raw(`<div style="` + styleDim + `">(no elements)</div>`)
		return
	}
	if r.info.Segment == nil {
		r.raw(`<div style="` + styleNote + `">values unavailable</div>`)
		return
	}
	plans, cols, err := r.fetch()
	if err != nil {
		r.raw(`<div style="` + styleNote + `">values unavailable: `)
		r.text(err.Error())
		r.raw(`</div>`)
		return
	}
	var shown []float64
	for _, p := range plans {
		for _, v := range p.values {
			shown = append(shown, v...)
		}
	}
	f := chooseFormat(r.kind, shown)
	scale := r.scale(shown)
	switch len(shape) {
	case 0:
		r.raw(`<div style="` + styleScalar)
		r.buf = scale.appendBackground(r.buf, shown[0])
		r.raw(`">`)
		r.buf = f.appendNumber(r.buf, shown[0])
		r.raw(`</div>`)
	case 1, 2:
		r.grid(plans[0], cols, f, scale)
	default:
		r.slices(plans, cols, f, scale)
	}
}

// scale takes the colour range from the stats when their min and max are finite, else from the finite values
// shown (a ±Inf would leave no range to tint by).
func (r *tensorRenderer) scale(shown []float64) colorScale {
	if s := r.info.Stats; s != nil && isFinite(s.Min) && isFinite(s.Max) {
		return newColorScale(s.Min, s.Max)
	}
	lo, hi, _ := finiteRange(shown)
	return newColorScale(lo, hi)
}

// edges returns the shown positions of a dim of size n: all of them, or the first and last edge ones with a -1
// standing for the gap between.
func edges(n, max, edge int) []int {
	if n <= max {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	idx := make([]int, 0, 2*edge+1)
	for i := 0; i < edge; i++ {
		idx = append(idx, i)
	}
	idx = append(idx, -1)
	for i := n - edge; i < n; i++ {
		idx = append(idx, i)
	}
	return idx
}

// fetch plans the slices and reads their shown values through Segment, turning a panic into an error.
func (r *tensorRenderer) fetch() (plans []slicePlan, cols []int, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("reading values: %v", p)
		}
	}()
	shape := r.info.Shape
	nd := len(shape)
	lastN := 1
	if nd > 0 {
		lastN = shape[nd-1]
	}
	maxCols, edgeCols := r.opts.MaxCols, r.opts.EdgeCols
	maxRows, edgeRows := r.opts.MaxRows, r.opts.EdgeRows
	leadDims := max(nd-2, 0)
	leads := r.leadIndices(shape[:leadDims])
	switch {
	case nd == 1: // a vector is one row: give it a little more room
		maxCols, edgeCols = max(maxCols, 20), max(edgeCols, 8)
	case len(leads) > 4: // many slices: smaller ones, so the whole view stays within a few thousand cells
		maxCols, edgeCols = min(maxCols, 8), min(edgeCols, 3)
		maxRows, edgeRows = min(maxRows, 8), min(edgeRows, 3)
	}
	cols = edges(lastN, maxCols, edgeCols)
	rows := []int{0}
	if nd >= 2 {
		rows = edges(shape[nd-2], maxRows, edgeRows)
	}
	for _, lead := range leads {
		p := slicePlan{lead: lead, rows: rows}
		if lead == nil && leadDims > 0 {
			p.gap = true
			plans = append(plans, p)
			continue
		}
		p.values = make([][]float64, len(rows))
		for i, row := range rows {
			if row < 0 {
				continue
			}
			index := append(append([]int(nil), lead...), row)
			if nd < 2 {
				index = nil
			}
			p.values[i] = r.readRow(index, cols, lastN)
		}
		plans = append(plans, p)
	}
	return plans, cols, nil
}

// readRow reads the shown columns of one row: in one Segment call, or two when the middle is cut.
func (r *tensorRenderer) readRow(index, cols []int, n int) []float64 {
	get := func(start, count int) []float64 {
		v := r.info.Segment(index, start, count)
		if len(v) != count {
			panic(fmt.Sprintf("Segment(%v, %d, %d) returned %d values", index, start, count, len(v)))
		}
		return v
	}
	if len(cols) == n {
		return get(0, n)
	}
	edge := (len(cols) - 1) / 2
	return append(append([]float64(nil), get(0, edge)...), get(n-edge, edge)...)
}

// leadIndices enumerates the leading indices of the shown slices in row-major order, each leading dim
// edge-truncated (first and last 3 of more than 6); a nil entry stands for a run of slices not shown.
// At most MaxSlices slices are listed; a nil entry at the end then says more follow.
func (r *tensorRenderer) leadIndices(lead []int) [][]int {
	if len(lead) == 0 {
		return [][]int{{}}
	}
	choices := make([][]int, len(lead))
	for i, n := range lead {
		choices[i] = edges(n, 6, 3)
	}
	var out [][]int
	pos := make([]int, len(lead))
	shownCount := 0
	for {
		idx := make([]int, len(lead))
		gap := false
		for i, p := range pos {
			idx[i] = choices[i][p]
			gap = gap || idx[i] < 0
		}
		switch {
		case gap:
			if len(out) == 0 || out[len(out)-1] != nil {
				out = append(out, nil)
			}
		case shownCount == r.opts.MaxSlices:
			if out[len(out)-1] != nil {
				out = append(out, nil)
			}
			return out
		default:
			out = append(out, idx)
			shownCount++
		}
		// advance the odometer
		i := len(pos) - 1
		for ; i >= 0; i-- {
			pos[i]++
			if pos[i] < len(choices[i]) {
				break
			}
			pos[i] = 0
		}
		if i < 0 {
			return out
		}
	}
}

// slices draws each 2-D slice of a tensor of more than two dims in its own <details>, open when few are shown.
func (r *tensorRenderer) slices(plans []slicePlan, cols []int, f numberFormat, scale colorScale) {
	open := len(plans) <= 4
	for i, p := range plans {
		if p.gap {
			r.raw(`<div style="` + styleDim + `;padding-left:1em">⋮</div>`)
			continue
		}
		r.raw(`<details`)
		if open || i == 0 {
			r.raw(` open`)
		}
		r.raw(`><summary style="` + styleSum + `">[`)
		for _, x := range p.lead {
			r.buf = strconv.AppendInt(r.buf, int64(x), 10)
			r.raw(", ")
		}
		r.raw(`:, :]</summary>`)
		r.grid(p, cols, f, scale)
		r.raw(`</details>`)
	}
}

// grid draws one slice as a table with column numbers on top and row numbers on the left.
func (r *tensorRenderer) grid(p slicePlan, cols []int, f numberFormat, scale colorScale) {
	vector := len(r.info.Shape) == 1
	r.raw(`<table style="` + styleTable + `"><thead><tr>`)
	if !vector {
		r.raw(`<th style="` + styleTH + `"></th>`)
	}
	for _, c := range cols {
		r.raw(`<th style="` + styleTH + `">`)
		if c >= 0 {
			r.buf = strconv.AppendInt(r.buf, int64(c), 10)
		}
		r.raw(`</th>`)
	}
	r.raw(`</tr></thead><tbody>`)
	for i, row := range p.rows {
		r.raw(`<tr>`)
		if !vector {
			r.raw(`<th style="` + styleTH + `">`)
			if row >= 0 {
				r.buf = strconv.AppendInt(r.buf, int64(row), 10)
			}
			r.raw(`</th>`)
		}
		r.row(row, p.values[i], cols, f, scale)
		r.raw(`</tr>`)
	}
	r.raw(`</tbody></table>`)
}

// row draws the cells of one row; a gap row draws ⋮ cells, and ⋱ where it meets the column gap.
func (r *tensorRenderer) row(row int, values []float64, cols []int, f numberFormat, scale colorScale) {
	k := 0
	for _, c := range cols {
		switch {
		case row < 0 && c < 0:
			r.raw(`<td style="` + styleGap + `">⋱</td>`)
		case row < 0:
			r.raw(`<td style="` + styleGap + `">⋮</td>`)
		case c < 0:
			r.raw(`<td style="` + styleGap + `">⋯</td>`)
		default:
			v := values[k]
			k++
			r.raw(`<td style="` + styleTD)
			r.buf = scale.appendBackground(r.buf, v)
			r.raw(`">`)
			r.buf = f.appendNumber(r.buf, v)
			r.raw(`</td>`)
		}
	}
}

// SliceSegment adapts a flat row-major slice of values to TensorInfo.Segment, for data already on the host.
func SliceSegment(shape []int, values []float64) func(index []int, start, n int) []float64 {
	return func(index []int, start, n int) []float64 {
		off := 0
		for i, x := range index {
			off = off*shape[i] + x
		}
		if len(shape) > 0 {
			off *= shape[len(shape)-1]
		}
		return values[off+start : off+start+n]
	}
}

// escapeText is html.EscapeString for text placed in HTML or SVG; kept here so every view escapes alike.
func escapeText(s string) string { return html.EscapeString(s) }
