package viz

import (
	"bytes"
	"image/png"
	"math"
	"strings"
	"testing"

	"gotensor/display"
)

func TestPlots(t *testing.T) {
	sq := make([]float64, 50)
	for i := range sq {
		sq[i] = float64(i * i)
	}
	xs, ys := ramp(40, -2, 0.1), make([]float64, 40)
	for i, x := range xs {
		ys[i] = math.Sin(3*x) + x/2
	}
	grid := make([]float64, 12*16)
	for i := range grid {
		grid[i] = math.Sin(float64(i%16)/3) * math.Cos(float64(i/16)/2)
	}
	grid[5] = math.NaN()
	positive := ramp(6, 1, 1)
	tests := []struct {
		name string
		make func(PlotOptions) (*Figure, error)
		opts PlotOptions
		desc string
	}{
		{"line", func(o PlotOptions) (*Figure, error) { return LinePlot(sq, o) },
			PlotOptions{Title: "squares", XLabel: "i", YLabel: "i²"}, `<line plot "squares": 50 points>`},
		{"line xy with NaN", func(o PlotOptions) (*Figure, error) {
			return LinePlotXY([]float64{0, 1, 2}, []float64{1, math.NaN(), 3}, o)
		}, PlotOptions{}, `<line plot: 2 points, 1 NaN or Inf left out as gaps>`},
		{"scatter", func(o PlotOptions) (*Figure, error) { return ScatterPlot(xs, ys, o) }, PlotOptions{Title: "sin"}, `<scatter plot "sin": 40 points>`},
		{"heatmap diverging", func(o PlotOptions) (*Figure, error) { return HeatmapPlot(12, 16, grid, o) },
			PlotOptions{Title: "weights"}, `<heatmap plot "weights": 12×16>`},
		{"heatmap sequential", func(o PlotOptions) (*Figure, error) { return HeatmapPlot(2, 3, positive, o) }, PlotOptions{}, `<heatmap plot: 2×3>`},
		{"heatmap constant", func(o PlotOptions) (*Figure, error) { return HeatmapPlot(1, 2, []float64{3, 3}, o) }, PlotOptions{}, `<heatmap plot: 1×2>`},
	}
	for _, tt := range tests {
		for _, asPNG := range []bool{false, true} {
			name := tt.name + map[bool]string{false: " svg", true: " png"}[asPNG]
			t.Run(name, func(t *testing.T) {
				opts := tt.opts
				opts.PNG = asPNG
				fig, err := tt.make(opts)
				if err != nil {
					t.Fatalf("%s: error %v", name, err)
				}
				if fig.String() != tt.desc {
					t.Errorf("%s: String() = %q, want %q", name, fig.String(), tt.desc)
				}
				b := display.Bundle(fig)
				if b["text/html"] != nil {
					t.Errorf("%s: display.Bundle offers text/html; want the image and text only", name)
				}
				if b["text/plain"] != tt.desc {
					t.Errorf("%s: text/plain = %v, want %q", name, b["text/plain"], tt.desc)
				}
				if asPNG {
					img, err := png.Decode(bytes.NewReader(b["image/png"].([]byte)))
					if err != nil {
						t.Fatalf("%s: PNG does not decode: %v", name, err)
					}
					if sz := img.Bounds().Size(); sz.X != 960 || sz.Y != 640 {
						t.Errorf("%s: PNG is %v, want 960×640 (480×320 px at 2×)", name, sz)
					}
					return
				}
				svg := b["image/svg+xml"].(string)
				counts, _ := svgCounts(t, svg)
				if counts["svg"] < 1 || counts["path"]+counts["rect"]+counts["image"] == 0 {
					t.Errorf("%s: SVG has %v elements, want paths", name, counts)
				}
				if tt.opts.Title != "" && !strings.Contains(svg, tt.opts.Title) {
					t.Errorf("%s: SVG lacks its title %q", name, tt.opts.Title)
				}
			})
		}
	}
}

// TestLinePlotGaps checks that a NaN or Inf breaks the line instead of being bridged by a straight segment: the
// SVG holds one stroked path per run of finite points, and a dot for a point alone between gaps.
func TestLinePlotGaps(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name  string
		ys    []float64
		lines int // stroked subpaths in the line colour
		dots  int // filled dots in the line colour
		desc  string
	}{
		{"no gap", []float64{1, 2, 3}, 1, 0, "<line plot: 3 points>"},
		{"NaN in the middle", []float64{1, 2, nan, 4, 5}, 2, 0, "<line plot: 4 points, 1 NaN or Inf left out as gaps>"},
		{"lone points", []float64{1, nan, 3}, 0, 2, "<line plot: 2 points, 1 NaN or Inf left out as gaps>"},
		{"Inf and leading NaN", []float64{nan, 1, 2, inf, 3, 4, nan, 5}, 2, 1, "<line plot: 5 points, 3 NaN or Inf left out as gaps>"},
	}
	const stroke, fill = "style=\"fill:none;stroke:#1F77B4;", "style=\"fill:#1F77B4\""
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fig, err := LinePlot(tt.ys, PlotOptions{})
			if err != nil {
				t.Fatalf("LinePlot(%v) error %v", tt.ys, err)
			}
			lines, dots := 0, 0
			for _, l := range strings.Split(string(fig.Data), "\n") {
				d, _, _ := strings.Cut(strings.TrimPrefix(l, `<path d="`), `"`)
				switch {
				case strings.Contains(l, stroke):
					lines += strings.Count(d, "M")
				case strings.Contains(l, fill):
					dots++
				}
			}
			if lines != tt.lines || dots != tt.dots || fig.String() != tt.desc {
				t.Errorf("LinePlot(%v) = %d line segments, %d dots, %q; want %d, %d, %q", tt.ys, lines, dots, fig.String(), tt.lines, tt.dots, tt.desc)
			}
		})
	}
}

func TestPlotErrors(t *testing.T) {
	tests := []struct {
		name string
		make func() (*Figure, error)
		want string
	}{
		{"length mismatch", func() (*Figure, error) { return LinePlotXY([]float64{1, 2}, []float64{1}, PlotOptions{}) },
			"line plot: 2 x values but 1 y values"},
		{"empty line", func() (*Figure, error) { return LinePlot(nil, PlotOptions{}) }, "line plot: no finite points"},
		{"all NaN scatter", func() (*Figure, error) {
			return ScatterPlot([]float64{math.NaN()}, []float64{1}, PlotOptions{})
		}, "scatter plot: no finite points"},
		{"heatmap shape", func() (*Figure, error) { return HeatmapPlot(2, 2, []float64{1, 2, 3}, PlotOptions{}) },
			"heatmap plot: 3 values do not fill 2×2 cells"},
		{"heatmap NaN", func() (*Figure, error) { return HeatmapPlot(1, 1, []float64{math.NaN()}, PlotOptions{}) },
			"heatmap plot: no finite values"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fig, err := tt.make()
			if err == nil || err.Error() != tt.want || fig != nil {
				t.Errorf("%s = %v, %v; want nil, %q", tt.name, fig, err, tt.want)
			}
		})
	}
}
