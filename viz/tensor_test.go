package viz

import (
	"math"
	"strings"
	"testing"

	"gotensor/tensor"
)

func TestTensorHTML(t *testing.T) {
	w := tensor.New([][]float64{{1, -2}, {3, 4}}, tensor.RequiresGrad()).SetName("w")
	y := w.Pow(2)
	tests := []struct {
		name string
		t    *tensor.Tensor
		want []string // in order, in the text content
	}{
		{"scalar", tensor.New(5.0), []string{"tensor", "float32", "()", "cpu", "4 B", "5."}},
		{"named leaf", w, []string{"w", "tensor", "float32", "(2, 2)", "requires_grad=True", "16 B", "min -2", "max 4", "1.", "-2.", "4."}},
		{"grad_fn", y, []string{"(2, 2)", "requires_grad=True", "grad_fn=<PowBackward0>", "1.", "4.", "9.", "16."}},
		{"int64", tensor.New([][]int{{1, 2}, {3, 4}}), []string{"int64", "32 B", "1", "2", "3", "4"}},
		{"float64 3-D", tensor.Arange(24, tensor.Float64).Reshape(2, 3, 4), []string{"float64", "(2, 3, 4)", "[0, :, :]", "[1, :, :]", "23."}},
		{"big", tensor.Arange(1000000, tensor.Float32).Reshape(1000, 1000), []string{"(1000, 1000)", "3.81 MiB", "0.", "⋯", "999999."}},
		{"nan", tensor.New([]float64{1, math.NaN(), math.Inf(1)}), []string{"NaN 1", "Inf 1", "nan", "inf"}},
		{"nil", nil, []string{"<nil>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := textOf(parseHTML(t, TensorHTML(tt.t)))
			rest := text
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("TensorHTML(%s) text = %q, want %q (in order)", tt.name, text, w)
				}
				rest = rest[i+len(w):]
			}
		})
	}
}

func TestTensorHTMLSlicedView(t *testing.T) {
	// a transposed, narrowed view: Segment must read the view's elements, not its storage's
	x := tensor.Arange(12, tensor.Float64).Reshape(3, 4).T().Narrow(0, 1, 2) // [[1,5,9],[2,6,10]]
	doc := parseHTML(t, TensorHTML(x))
	var got []string
	for _, td := range findAll(doc, "td") {
		got = append(got, textOf(td))
	}
	if want := "1. 5. 9. 2. 6. 10."; strings.Join(got, " ") != want {
		t.Errorf("TensorHTML(view) cells = %q, want %q", strings.Join(got, " "), want)
	}
}

// TestTensorHTMLDevicePath renders through the device path (cut down with Narrow and Cat, one copy) on the CPU
// and checks it matches reading through views.
func TestTensorHTMLDevicePath(t *testing.T) {
	tests := []struct {
		name string
		t    *tensor.Tensor
	}{
		{"scalar", tensor.New(3.5)},
		{"short vector", tensor.Arange(20, tensor.Float64)},
		{"long vector", tensor.Arange(1000, tensor.Float64)},
		{"matrix", tensor.Arange(1000000, tensor.Float32).Reshape(1000, 1000)},
		{"thin matrix", tensor.Arange(2100, tensor.Float32).Reshape(21, 100)},
		{"3-D", tensor.Arange(7*30*25, tensor.Float64).Reshape(7, 30, 25)},
		{"4-D", tensor.Arange(8*2*21*5, tensor.Float64).Reshape(8, 2, 21, 5)},
		{"transposed view", tensor.Arange(600, tensor.Float64).Reshape(20, 30).T()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := TensorHTML(tt.t)
			gatherOnCPU = true
			defer func() { gatherOnCPU = false }()
			if _, ok := gatheredSegment(tt.t); !ok {
				t.Fatalf("gatheredSegment(%v) failed", tt.t.Shape())
			}
			if got := TensorHTML(tt.t); got != want {
				t.Errorf("TensorHTML(%v) through the device path differs from reading views:\n%s\nwant\n%s", tt.t.Shape(), got, want)
			}
		})
	}
}

func TestTensorBundle(t *testing.T) {
	x := tensor.New([]float64{1, 2})
	b := TensorBundle(x)
	if b["text/plain"] != x.String() || !strings.Contains(b["text/html"].(string), "<table") {
		t.Errorf("TensorBundle = %v, want text/plain %q and an HTML table", b, x.String())
	}
}

func TestTensorPlots(t *testing.T) {
	x := tensor.Linspace(-1, 1, 20)
	if _, err := LinePlotTensor(x.Pow(2), PlotOptions{}); err != nil {
		t.Errorf("LinePlotTensor error %v", err)
	}
	if _, err := ScatterPlotTensors(x, x.Pow(3), PlotOptions{}); err != nil {
		t.Errorf("ScatterPlotTensors error %v", err)
	}
	if _, err := HeatmapPlotTensor(tensor.Randn(4, 5), PlotOptions{}); err != nil {
		t.Errorf("HeatmapPlotTensor error %v", err)
	}
	if _, err := HeatmapPlotTensor(x, PlotOptions{}); err == nil || err.Error() != "heatmap plot: want a 2-D tensor, got 1 dims" {
		t.Errorf("HeatmapPlotTensor(1-D) error = %v", err)
	}
	if _, err := LinePlotTensor(nil, PlotOptions{}); err == nil {
		t.Errorf("LinePlotTensor(nil) gave no error")
	}
}

func BenchmarkTensorHTML1000x1000(b *testing.B) {
	x := tensor.Randn(1000, 1000)
	b.ReportAllocs()
	var size int
	for b.Loop() {
		size = len(TensorHTML(x))
	}
	b.ReportMetric(float64(size), "bytes/html")
}
