package viz

import (
	"math"
	"os"
	"strings"
	"testing"
	"time"
)

// TestSamplePage writes a page with every view to $VIZ_SAMPLE_PAGE, for a look in a browser (headless Chromium
// screenshots in the browser tests). It is skipped when the variable is unset.
func TestSamplePage(t *testing.T) {
	path := os.Getenv("VIZ_SAMPLE_PAGE")
	if path == "" {
		t.Skip("VIZ_SAMPLE_PAGE not set")
	}
	var b strings.Builder
	b.WriteString(`<!doctype html><html><head><meta charset="utf-8"><title>viz sample</title></head>` +
		`<body style="font-family:sans-serif;margin:16px">`)
	section := func(title, body string) {
		b.WriteString("<h3>" + escapeText(title) + "</h3>" + body)
	}
	n := 30 * 40
	vals := make([]float64, n)
	for i := range vals {
		r, c := float64(i/40), float64(i%40)
		vals[i] = math.Sin(r/5) * math.Cos(c/7) * 3
	}
	vals[45] = math.NaN()
	vals[2*40+38] = math.Inf(1)
	mat := info("float32", []int{30, 40}, vals)
	mat.Name, mat.RequiresGrad = "w", true
	section("matrix 30×40 with a NaN and an Inf", TensorInfoHTML(mat, HTMLOptions{}))
	section("scalar", TensorInfoHTML(info("float32", nil, []float64{5}), HTMLOptions{}))
	vec := info("float32", []int{3}, []float64{4, 9, 16})
	vec.GradFn = "PowBackward0"
	section("vector", TensorInfoHTML(vec, HTMLOptions{}))
	section("3-D", TensorInfoHTML(info("int64", []int{3, 2, 4}, ramp(24, 0, 1)), HTMLOptions{}))
	section("seed graph", seedGraph().HTMLFragment())
	section("chain graph of 60 nodes", chainGraph(60).HTMLFragment())
	clock := newFakeClock()
	running := NewProgress(ProgressOptions{Sink: Discard, Total: 200, Description: "epoch 2", Now: clock.Now})
	clock.advance(3 * time.Second)
	running.Add(90)
	running.SetPostfix("loss=0.412")
	section("progress, running", running.HTML())
	done := NewProgress(ProgressOptions{Sink: Discard, Total: 200, Description: "epoch 3", Now: clock.Now})
	clock.advance(5 * time.Second)
	done.Add(200)
	done.Close()
	section("progress, done", done.HTML()+"<pre>"+escapeText(done.String())+"</pre>")
	stopped := NewProgress(ProgressOptions{Sink: Discard, Total: 200, Now: clock.Now})
	stopped.Add(50)
	stopped.Close()
	section("progress, stopped early", stopped.HTML())
	curve := NewLossCurve(LossCurveOptions{Sink: Discard, Now: clock.Now})
	for i := 0; i < 300; i++ {
		curve.Add(2.3*math.Exp(-float64(i)/60) + 0.1 + 0.05*math.Sin(float64(i)))
		if i%25 == 0 {
			curve.AddPoint("val", float64(i), 2.4*math.Exp(-float64(i)/70)+0.2)
		}
	}
	curve.Close()
	section("loss curve", curve.HTML()+"<pre>"+escapeText(curve.String())+"</pre>")
	plotVals := make([]float64, 12*16)
	for i := range plotVals {
		plotVals[i] = math.Sin(float64(i%16)/3) * math.Cos(float64(i/16)/2)
	}
	if fig, err := HeatmapPlot(12, 16, plotVals, PlotOptions{Title: "heatmap"}); err == nil {
		section("heatmap plot (gonum/plot, SVG)", fig.HTMLFragment())
	} else {
		t.Fatal(err)
	}
	if fig, err := LinePlot(ramp(50, 0, 0.2), PlotOptions{Title: "line", PNG: true, Width: 360, Height: 240}); err == nil {
		section("line plot (PNG)", strings.Replace(fig.HTMLFragment(), "<img ", `<img width="360" `, 1))
	} else {
		t.Fatal(err)
	}
	for _, extra := range samplePageExtras {
		section(extra.title, extra.html())
	}
	b.WriteString("</body></html>")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// samplePageExtras lets other files' tests add sections to the sample page.
var samplePageExtras []struct {
	title string
	html  func() string
}
