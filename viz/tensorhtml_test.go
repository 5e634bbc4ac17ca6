package viz

import (
	"math"
	"strings"
	"testing"
)

// info builds a TensorInfo over host values with computed stats.
func info(dtype string, shape []int, values []float64) TensorInfo {
	st := ComputeStats(values)
	return TensorInfo{Shape: shape, DType: dtype, Segment: SliceSegment(shape, values), Stats: &st}
}

// ramp returns n values start, start+step, ...
func ramp(n int, start, step float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = start + float64(i)*step
	}
	return v
}

func TestTensorInfoHTML(t *testing.T) {
	named := info("float32", []int{2, 3}, []float64{1, -2.5, 3, 0.25, -0.125, 6})
	named.Name, named.RequiresGrad = "w", true
	withFn := info("float32", []int{3}, []float64{1, 4, 9})
	withFn.GradFn, withFn.Device = "PowBackward0", "cuda:0"
	special := info("float64", []int{2, 2}, []float64{1, math.NaN(), math.Inf(1), math.Inf(-1)})
	tests := []struct {
		name   string
		info   TensorInfo
		golden string   // file under testdata, "" for none
		want   []string // substrings of the text content, in order
		cells  int      // number of <td> cells expected
		detail int      // number of <details> expected
	}{
		{"scalar", info("float32", nil, []float64{5}), "tensor_scalar.html",
			[]string{"tensor", "float32", "()", "cpu", "4 B", "5."}, 0, 0},
		{"vector", withFn, "tensor_vector.html",
			[]string{"float32", "(3,)", "cuda:0", "grad_fn=<PowBackward0>", "12 B", "min 1", "max 9", "NaN 0", "1.", "4.", "9."}, 3, 0},
		{"named matrix", named, "tensor_matrix.html",
			[]string{"w", "tensor", "(2, 3)", "requires_grad=True", "24 B", "1.0000", "-2.5000", "-0.1250"}, 6, 0},
		{"int matrix", info("int64", []int{2, 2}, []float64{1, 2, 3, 4}), "",
			[]string{"int64", "32 B", "1", "4"}, 4, 0},
		{"bool", info("bool", []int{2}, []float64{1, 0}), "", []string{"bool", "2 B", "True", "False"}, 2, 0},
		{"nan and inf", special, "tensor_special.html",
			[]string{"min -inf · max inf · finite mean 1 · finite std nan · NaN 1 · Inf 2", "nan", "inf", "-inf"}, 4, 0},
		{"truncated", info("float32", []int{100, 200}, ramp(20000, 0, 1)), "tensor_truncated.html",
			[]string{"(100, 200)", "78.12 KiB", "⋯", "⋮", "⋱", "19999."}, 16*12 + 16 + 12 + 1, 0},
		{"3-D", info("float32", []int{2, 2, 3}, ramp(12, -6, 1)), "tensor_3d.html",
			[]string{"(2, 2, 3)", "[0, :, :]", "-6.", "[1, :, :]", "5."}, 12, 2},
		{"4-D truncated", info("float64", []int{10, 2, 2, 2}, ramp(80, 0, 0.5)), "",
			[]string{"[0, 0, :, :]", "⋮", "[9, 1, :, :]"}, 12 * 4, 12},
		{"empty", info("float32", []int{0, 3}, nil), "", []string{"(0, 3)", "no elements"}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TensorInfoHTML(tt.info, HTMLOptions{})
			doc := parseHTML(t, got)
			text := textOf(doc)
			rest := text
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("TensorInfoHTML(%s) text = %q, want %q (in order)", tt.name, text, w)
				}
				rest = rest[i+len(w):]
			}
			if n := len(findAll(doc, "td")); n != tt.cells {
				t.Errorf("TensorInfoHTML(%s) has %d <td>, want %d", tt.name, n, tt.cells)
			}
			if n := len(findAll(doc, "details")); n != tt.detail {
				t.Errorf("TensorInfoHTML(%s) has %d <details>, want %d", tt.name, n, tt.detail)
			}
			if strings.Contains(got, "<style") || strings.Contains(got, "class=") || strings.Contains(got, "<script") {
				t.Errorf("TensorInfoHTML(%s) uses a style element, class or script; want inline styles only", tt.name)
			}
			if tt.golden != "" {
				checkGolden(t, tt.golden, got)
			}
		})
	}
}

func TestTensorInfoHTMLColours(t *testing.T) {
	tests := []struct {
		name   string
		values []float64
		want   []string // background colour prefix of each cell ("" for none)
	}{
		{"diverging", []float64{-4, 0, 2, 4}, []string{"rgba(59,76,192,.60)", "", "rgba(180,4,38,.30)", "rgba(180,4,38,.60)"}},
		{"sequential", []float64{1, 2, 3, 5}, []string{"", "rgba(31,119,180,.15)", "rgba(31,119,180,.30)", "rgba(31,119,180,.60)"}},
		{"constant", []float64{7, 7, 7, 7}, []string{"", "", "", ""}},
		{"marks", []float64{math.NaN(), math.Inf(1), 0, 1}, []string{"rgba(128,128,128,.45)", "rgba(255,170,0,.6)", "", "rgba(31,119,180,.60)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := parseHTML(t, TensorInfoHTML(info("float32", []int{4}, tt.values), HTMLOptions{}))
			tds := findAll(doc, "td")
			if len(tds) != len(tt.want) {
				t.Fatalf("got %d cells, want %d", len(tds), len(tt.want))
			}
			for i, td := range tds {
				style := attr(td, "style")
				_, bg, _ := strings.Cut(style, "background:")
				bg, _, _ = strings.Cut(bg, ";")
				if bg != tt.want[i] {
					t.Errorf("cell %d (%v) background = %q, want %q", i, tt.values[i], bg, tt.want[i])
				}
			}
		})
	}
}

func TestTensorInfoHTMLSharedFormat(t *testing.T) {
	tests := []struct {
		values []float64
		want   []string
	}{
		{[]float64{1, 2.5, -3}, []string{"1.0000", "2.5000", "-3.0000"}},
		{[]float64{1, 2, -3}, []string{"1.", "2.", "-3."}},
		{[]float64{1e-6, 1, 1000}, []string{"1.0000e-06", "1.0000e+00", "1.0000e+03"}},
		{[]float64{0, 1e9}, []string{"0.0000e+00", "1.0000e+09"}},
	}
	for _, tt := range tests {
		doc := parseHTML(t, TensorInfoHTML(info("float64", []int{len(tt.values)}, tt.values), HTMLOptions{}))
		for i, td := range findAll(doc, "td") {
			if got := textOf(td); got != tt.want[i] {
				t.Errorf("TensorInfoHTML(%v) cell %d = %q, want %q", tt.values, i, got, tt.want[i])
			}
		}
	}
}

// TestTensorInfoHTMLReadsOnlyShown checks that a big tensor is read only where the view shows it.
func TestTensorInfoHTMLReadsOnlyShown(t *testing.T) {
	shape := []int{1000, 1000}
	read := 0
	in := TensorInfo{Shape: shape, DType: "float32", Segment: func(index []int, start, n int) []float64 {
		read += n
		return ramp(n, float64(index[0]*1000+start), 1)
	}}
	got := TensorInfoHTML(in, HTMLOptions{})
	if want := 16 * 12; read != want {
		t.Errorf("TensorInfoHTML(1000×1000) read %d values, want %d", read, want)
	}
	if !strings.Contains(got, "999999.") {
		t.Errorf("TensorInfoHTML(1000×1000) lacks the last value 999999.")
	}
}

func TestTensorInfoHTMLFailingSegment(t *testing.T) {
	tests := []struct {
		name string
		seg  func([]int, int, int) []float64
		want string
	}{
		{"panics", func([]int, int, int) []float64 { panic("device lost") }, "values unavailable: reading values: device lost"},
		{"short", func([]int, int, int) []float64 { return []float64{1} }, "returned 1 values"},
		{"nil", nil, "values unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TensorInfoHTML(TensorInfo{Shape: []int{2, 2}, DType: "float32", Segment: tt.seg}, HTMLOptions{})
			text := textOf(parseHTML(t, got))
			if !strings.Contains(text, tt.want) || !strings.Contains(text, "(2, 2)") {
				t.Errorf("TensorInfoHTML(failing Segment) = %q, want header and %q", text, tt.want)
			}
		})
	}
}

func TestComputeStats(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name string
		in   []float64
		want Stats
	}{
		{"finite", []float64{1, 2, 3, 4}, Stats{Count: 4, Min: 1, Max: 4, Mean: 2.5, Std: math.Sqrt(5.0 / 3), FiniteMean: true}},
		{"min takes -inf", []float64{2, nan, -inf, 4},
			Stats{Count: 4, Min: -inf, Max: 4, Mean: 3, Std: math.Sqrt2, NaN: 1, Inf: 1, FiniteMean: true}},
		{"both infinities", []float64{1, nan, inf, -inf},
			Stats{Count: 4, Min: -inf, Max: inf, Mean: 1, Std: nan, NaN: 1, Inf: 2, FiniteMean: true}},
		{"infinities only", []float64{inf, -inf}, Stats{Count: 2, Min: -inf, Max: inf, Mean: nan, Std: nan, Inf: 2, FiniteMean: true}},
		{"NaN only", []float64{nan}, Stats{Count: 1, Min: nan, Max: nan, Mean: nan, Std: nan, NaN: 1, FiniteMean: true}},
	}
	same := func(a, b float64) bool { return a == b || (a != a && b != b) || math.Abs(a-b) <= 1e-12 }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ComputeStats(tt.in)
			if got.Count != tt.want.Count || got.NaN != tt.want.NaN || got.Inf != tt.want.Inf || got.FiniteMean != tt.want.FiniteMean ||
				!same(got.Min, tt.want.Min) || !same(got.Max, tt.want.Max) || !same(got.Mean, tt.want.Mean) || !same(got.Std, tt.want.Std) {
				t.Errorf("ComputeStats(%v) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

// TestStatsText checks the stats line: infinities in min and max, a mean over finite values called so.
func TestStatsText(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name string
		s    Stats
		want string
	}{
		{"finite", ComputeStats([]float64{1, 2, 3, 4}), "min 1 · max 4 · mean 2.5 · std 1.291 · NaN 0 · Inf 0"},
		{"nan and infinities", ComputeStats([]float64{1, nan, inf, -inf}),
			"min -inf · max inf · finite mean 1 · finite std nan · NaN 1 · Inf 2"},
		{"inf max", ComputeStats([]float64{1, 3, inf}), "min 1 · max inf · finite mean 2 · finite std 1.4142 · NaN 0 · Inf 1"},
		{"infinities only", ComputeStats([]float64{inf, -inf}), "min -inf · max inf · no finite values · NaN 0 · Inf 2"},
		{"NaN only", ComputeStats([]float64{nan, nan}), "no finite values · NaN 2 · Inf 0"},
		{"propagated (device)", Stats{Count: 2, Min: nan, Max: nan, Mean: nan, Std: nan, NaN: 1}, "min nan · max nan · mean nan · std nan · NaN 1 · Inf 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := statsText(tt.s); got != tt.want {
				t.Errorf("statsText(%+v) = %q, want %q", tt.s, got, tt.want)
			}
		})
	}
}

// TestTensorInfoHTMLSizeBound checks the view stays small however many slices a tensor has.
func TestTensorInfoHTMLSizeBound(t *testing.T) {
	tests := []struct {
		shape []int
		max   int // bytes
	}{
		{[]int{1000, 1000}, 40 << 10},
		{[]int{10, 10, 100, 100}, 200 << 10},
		{[]int{5, 5, 5, 5, 5, 5, 5, 5}, 200 << 10},
		{[]int{1000000}, 10 << 10},
	}
	for _, tt := range tests {
		in := TensorInfo{Shape: tt.shape, DType: "float32", Segment: func(_ []int, start, n int) []float64 {
			return ramp(n, float64(start), 0.5)
		}}
		if n := len(TensorInfoHTML(in, HTMLOptions{})); n > tt.max {
			t.Errorf("TensorInfoHTML(shape %v) is %d bytes, want at most %d", tt.shape, n, tt.max)
		}
	}
}

func BenchmarkTensorInfoHTML1000x1000(b *testing.B) {
	shape := []int{1000, 1000}
	values := ramp(1000*1000, -500000, 1)
	b.ReportAllocs()
	var size int
	for b.Loop() {
		st := ComputeStats(values) // the stats pass over all values is part of the cost
		size = len(TensorInfoHTML(TensorInfo{Shape: shape, DType: "float32", Segment: SliceSegment(shape, values), Stats: &st}, HTMLOptions{}))
	}
	b.ReportMetric(float64(size), "bytes/html")
}
