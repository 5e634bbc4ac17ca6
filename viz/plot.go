package viz

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// PlotOptions configures LinePlot, ScatterPlot and HeatmapPlot. The zero value works.
type PlotOptions struct {
	Title, XLabel, YLabel string
	Width, Height         float64 // in pixels (CSS px, 96 per inch); default 480×320
	PNG                   bool    // PNG (at 2× resolution for sharp screens) instead of SVG
}

// Figure is a rendered plot: SVG text or PNG bytes. In a notebook it displays itself through MIMEBundle.
type Figure struct {
	Format string // "svg" or "png"
	Data   []byte // the SVG document or the PNG file
	desc   string // text/plain twin
}

// MIMEBundle returns the figure as a Jupyter display bundle: image/svg+xml (a string) or image/png (bytes, which
// the kernel base64-encodes), with a one-line text/plain description.
func (f *Figure) MIMEBundle() map[string]any {
	if f.Format == "png" {
		return map[string]any{"image/png": f.Data, "text/plain": f.desc}
	}
	return map[string]any{"image/svg+xml": string(f.Data), "text/plain": f.desc}
}

// String returns the figure's one-line description, such as "<line plot "loss": 100 points>".
func (f *Figure) String() string { return f.desc }

// HTMLFragment returns the figure for an HTML page: the SVG inline, or the PNG as a data: URL image. (Not named
// HTML, so that display offers only the image and its text: see Graph.HTMLFragment.)
func (f *Figure) HTMLFragment() string {
	if f.Format == "png" {
		return `<img alt="` + escapeText(f.desc) + `" src="data:image/png;base64,` + base64.StdEncoding.EncodeToString(f.Data) + `">`
	}
	return string(f.Data)
}

// LinePlot draws ys against their index 0, 1, 2, ... A NaN or Inf value breaks the line (see LinePlotXY).
func LinePlot(ys []float64, opts PlotOptions) (*Figure, error) {
	xs := make([]float64, len(ys))
	for i := range xs {
		xs[i] = float64(i)
	}
	return LinePlotXY(xs, ys, opts)
}

// LinePlotXY draws ys against xs as a line, in the order given. A point with a NaN or Inf coordinate is left out
// and breaks the line there, as in matplotlib: the line is drawn in segments between such points, never straight
// across the gap, and a finite point with no finite neighbour shows as a dot. The text/plain twin counts the
// points left out.
func LinePlotXY(xs, ys []float64, opts PlotOptions) (*Figure, error) {
	if len(xs) != len(ys) {
		return nil, fmt.Errorf("line plot: %d x values but %d y values", len(xs), len(ys))
	}
	runs, n := finiteRuns(xs, ys)
	if n == 0 {
		return nil, fmt.Errorf("line plot: no finite points")
	}
	p := newPlot(opts)
	p.Add(plotter.NewGrid())
	lineColor := color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	var lone plotter.XYs
	for _, run := range runs {
		if len(run) == 1 {
			lone = append(lone, run[0])
			continue
		}
		line, err := plotter.NewLine(run)
		if err != nil {
			return nil, fmt.Errorf("line plot: %w", err)
		}
		line.Color = lineColor
		line.Width = vg.Points(1.5)
		p.Add(line)
	}
	if len(lone) > 0 {
		dots, err := plotter.NewScatter(lone)
		if err != nil {
			return nil, fmt.Errorf("line plot: %w", err)
		}
		dots.GlyphStyle.Color = lineColor
		dots.GlyphStyle.Shape = draw.CircleGlyph{}
		dots.GlyphStyle.Radius = vg.Points(1.5)
		p.Add(dots)
	}
	desc := fmt.Sprintf("line plot%s: %d points", quoted(opts.Title), n)
	if left := len(xs) - n; left > 0 {
		desc += fmt.Sprintf(", %d NaN or Inf left out as gaps", left)
	}
	return render(p, nil, opts, desc)
}

// finiteRuns splits the points (xs[i], ys[i]) into runs of consecutive finite ones, and counts them.
func finiteRuns(xs, ys []float64) (runs []plotter.XYs, n int) {
	var cur plotter.XYs
	for i := range xs {
		if !isFinite(xs[i]) || !isFinite(ys[i]) {
			if len(cur) > 0 {
				runs, cur = append(runs, cur), nil
			}
			continue
		}
		cur = append(cur, plotter.XY{X: xs[i], Y: ys[i]})
		n++
	}
	if len(cur) > 0 {
		runs = append(runs, cur)
	}
	return runs, n
}

// ScatterPlot draws one dot per (xs[i], ys[i]).
func ScatterPlot(xs, ys []float64, opts PlotOptions) (*Figure, error) {
	pts, err := points(xs, ys)
	if err != nil {
		return nil, fmt.Errorf("scatter plot: %w", err)
	}
	p := newPlot(opts)
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return nil, fmt.Errorf("scatter plot: %w", err)
	}
	sc.GlyphStyle.Color = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xcc}
	sc.GlyphStyle.Shape = draw.CircleGlyph{}
	sc.GlyphStyle.Radius = vg.Points(2.5)
	p.Add(plotter.NewGrid(), sc)
	return render(p, nil, opts, fmt.Sprintf("scatter plot%s: %d points", quoted(opts.Title), len(pts)))
}

// HeatmapPlot draws a rows×cols matrix (values row-major) as coloured cells, row 0 at the top as in a printed
// matrix, with a colour bar: a diverging blue-red map centred on zero when the values have both signs, a
// sequential one otherwise. NaN cells are grey.
func HeatmapPlot(rows, cols int, values []float64, opts PlotOptions) (*Figure, error) {
	if rows <= 0 || cols <= 0 || len(values) != rows*cols {
		return nil, fmt.Errorf("heatmap plot: %d values do not fill %d×%d cells", len(values), rows, cols)
	}
	lo, hi, n := finiteRange(values)
	if n == 0 {
		return nil, fmt.Errorf("heatmap plot: no finite values")
	}
	var cmap palette.ColorMap
	if lo < 0 && hi > 0 {
		cmap = moreland.SmoothBlueRed()
		m := math.Max(-lo, hi)
		lo, hi = -m, m
	} else {
		cmap = moreland.ExtendedKindlmann()
	}
	if lo == hi {
		lo, hi = lo-0.5, hi+0.5
	}
	cmap.SetMin(lo)
	cmap.SetMax(hi)
	p := newPlot(opts)
	hm := plotter.NewHeatMap(matrixGrid{rows, cols, values}, cmap.Palette(255))
	hm.Min, hm.Max = lo, hi
	hm.NaN = color.RGBA{R: 0x99, G: 0x99, B: 0x99, A: 0xff}
	hm.Underflow, hm.Overflow = hm.NaN, hm.NaN // ±Inf
	// One image instead of a rectangle per cell keeps big heatmaps small and free of antialiasing seams.
	hm.Rasterized = rows*cols > 256
	p.Add(hm)
	p.X.Padding, p.Y.Padding = 0, 0
	p.X.Tick.Marker = indexTicks{n: cols}
	p.Y.Tick.Marker = indexTicks{n: rows, flip: true}
	bar := plot.New()
	bar.HideX()
	bar.Y.Padding = 0
	bar.Add(&plotter.ColorBar{ColorMap: cmap, Vertical: true, Colors: 128})
	return render(p, bar, opts, fmt.Sprintf("heatmap plot%s: %d×%d", quoted(opts.Title), rows, cols))
}

// matrixGrid adapts row-major values to plotter.GridXYZ, flipping rows so row 0 is drawn at the top.
type matrixGrid struct {
	rows, cols int
	v          []float64
}

func (g matrixGrid) Dims() (c, r int)   { return g.cols, g.rows }
func (g matrixGrid) Z(c, r int) float64 { return g.v[(g.rows-1-r)*g.cols+c] }
func (g matrixGrid) X(c int) float64    { return float64(c) }
func (g matrixGrid) Y(r int) float64    { return float64(r) }

// indexTicks marks whole cell indices (cell centres) on a heatmap axis, every 1, 2, 5, 10, ... cells, so a
// small matrix is not labelled at half rows. With flip set it labels the y axis, where row 0 is at the top.
type indexTicks struct {
	n    int
	flip bool
}

// Ticks returns the marks for the axis range [lo, hi].
func (t indexTicks) Ticks(lo, hi float64) []plot.Tick {
	step := 1.0
	if ts := niceTicks(lo, hi, 6); len(ts) > 1 {
		step = math.Max(1, ts[1]-ts[0])
	}
	last := float64(t.n - 1)
	if t.flip { // count in row numbers, which run from the top
		lo, hi = last-hi, last-lo
	}
	var ticks []plot.Tick
	for i := math.Max(0, math.Ceil(lo/step)*step); i <= math.Min(hi, last); i += step {
		v := i
		if t.flip {
			v = last - i
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.Itoa(int(i))})
	}
	return ticks
}

func quoted(s string) string {
	if s == "" {
		return ""
	}
	return fmt.Sprintf(" %q", s)
}

// points pairs xs with ys, leaving out points with a NaN or Inf coordinate.
func points(xs, ys []float64) (plotter.XYs, error) {
	if len(xs) != len(ys) {
		return nil, fmt.Errorf("%d x values but %d y values", len(xs), len(ys))
	}
	pts := make(plotter.XYs, 0, len(xs))
	for i := range xs {
		if isFinite(xs[i]) && isFinite(ys[i]) {
			pts = append(pts, plotter.XY{X: xs[i], Y: ys[i]})
		}
	}
	if len(pts) == 0 {
		return nil, fmt.Errorf("no finite points")
	}
	return pts, nil
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func newPlot(opts PlotOptions) *plot.Plot {
	p := plot.New()
	p.Title.Text, p.X.Label.Text, p.Y.Label.Text = opts.Title, opts.XLabel, opts.YLabel
	return p
}

// render draws p (and a colour bar beside it, if given) to SVG or PNG.
func render(p, bar *plot.Plot, opts PlotOptions, desc string) (fig *Figure, err error) {
	defer func() { // gonum/plot panics on some degenerate inputs; report them as errors
		if r := recover(); r != nil {
			fig, err = nil, fmt.Errorf("%s: rendering: %v", desc, r)
		}
	}()
	w, h := opts.Width, opts.Height
	if w <= 0 {
		w = 480
	}
	if h <= 0 {
		h = 320
	}
	// CSS pixels are 0.75 points; vg lengths are points.
	wl, hl := vg.Length(w*0.75), vg.Length(h*0.75)
	var canvas vg.CanvasWriterTo
	format := "svg"
	if opts.PNG {
		format = "png"
		canvas = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(wl, hl), vgimg.UseDPI(192))}
	} else {
		canvas = vgsvg.New(wl, hl)
	}
	dc := draw.New(canvas)
	if bar == nil {
		p.Draw(dc)
	} else {
		barW := vg.Length(70)
		p.Draw(draw.Crop(dc, 0, -barW, 0, 0))
		bar.Draw(draw.Crop(dc, wl-barW+vg.Length(10), 0, 0, -vg.Length(p.Title.TextStyle.Height(p.Title.Text)+p.Title.Padding)))
	}
	var buf bytes.Buffer
	if _, err := canvas.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("%s: writing %s: %w", desc, format, err)
	}
	data := buf.Bytes()
	if format == "svg" {
		// vgsvg writes <image> without preserveAspectRatio, so browsers letterbox images (the colour bar, a
		// rasterized heatmap) instead of stretching them over their rectangle; ask for stretching, unsmoothed.
		data = bytes.ReplaceAll(data, []byte("<image "), []byte(`<image preserveAspectRatio="none" style="image-rendering:pixelated" `))
	}
	return &Figure{Format: format, Data: data, desc: "<" + desc + ">"}, nil
}
