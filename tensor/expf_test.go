package tensor

import (
	"math"
	"testing"
)

// TestExpf compares expf with float64 math.Exp rounded to float32 over the whole finite range,
// edges and specials included.
func TestExpf(t *testing.T) {
	worst := 0.0
	check := func(x float32) {
		got := expf(x)
		want := float32(math.Exp(float64(x)))
		if math.IsInf(float64(want), 1) || want == 0 {
			if got != want && !(want == 0 && got < 1e-44) {
				t.Errorf("expf(%v) = %v, want %v", x, got, want)
			}
			return
		}
		rel := math.Abs(float64(got)-float64(want)) / float64(want)
		if want >= math.SmallestNonzeroFloat32*(1<<23) { // normal range: relative error
			worst = max(worst, rel)
			if rel > 3e-7 {
				t.Errorf("expf(%v) = %v, want %v (rel err %.2g)", x, got, want, rel)
			}
		}
	}
	for x := float32(-104); x < 89; x += 0.0137 {
		check(x)
	}
	for _, x := range []float32{0, -0, 1, -1, 88.72283, 88.7229, -87.3, -103.9, -104, 89, 1e-8, -1e-8} {
		check(x)
	}
	if got := expf(float32(math.NaN())); got == got {
		t.Errorf("expf(NaN) = %v", got)
	}
	t.Logf("worst relative error over the sweep: %.3g", worst)
}

// TestFloat32Rows sweeps the row kernels of Exp, Sigmoid and Tanh (fast paths and the edges
// they hand to expf) against float64 math rounded to float32.
func TestFloat32Rows(t *testing.T) {
	var xs []float32
	for x := float32(-110); x < 95; x += 0.00731 {
		xs = append(xs, x)
	}
	for x := float32(-1); x < 1; x += 0.0001 {
		xs = append(xs, x)
	}
	xs = append(xs, 0, float32(math.Copysign(0, -1)), 1e-20, -1e-20, 1e-40, 0.625, -0.625, 9, -9, 9.01, 87, -87, 88, 88.5, -88.5,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()))
	cases := []struct {
		name   string
		row    func(dst, src []float32)
		want   func(x float64) float64
		maxRel float64
	}{
		{"exp", expRowF32, math.Exp, 3e-7},
		{"sigmoid", sigmoidRowF32, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }, 4e-7},
		{"tanh", tanhRowF32, math.Tanh, 4e-7},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := make([]float32, len(xs))
			tc.row(got, xs)
			worst := 0.0
			for i, x := range xs {
				want := float32(tc.want(float64(x)))
				g := got[i]
				switch {
				case want != want:
					if g == g {
						t.Errorf("%s(%v) = %v, want NaN", tc.name, x, g)
					}
					continue
				case math.Abs(float64(want)) < 1.2e-38 || math.IsInf(float64(want), 0):
					if math.Abs(float64(g-want)) > 1.2e-38 && g != want {
						t.Errorf("%s(%v) = %v, want %v", tc.name, x, g, want)
					}
					continue
				}
				rel := math.Abs(float64(g)-float64(want)) / math.Abs(float64(want))
				worst = max(worst, rel)
				if rel > tc.maxRel {
					t.Errorf("%s(%v) = %v, want %v (rel err %.2g)", tc.name, x, g, want, rel)
				}
			}
			t.Logf("%s: worst relative error %.3g over %d points", tc.name, worst, len(xs))
		})
	}
}
