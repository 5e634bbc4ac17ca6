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

// TestExpBlocks checks that the vector kernel, where the CPU has one, does the in-range blocks
// and stops at the first block holding an input it must hand back.
func TestExpBlocks(t *testing.T) {
	if !hasVecExp {
		t.Skip("no vector exp kernel on this CPU")
	}
	src := make([]float32, 64)
	for i := range src {
		src[i] = float32(i)/4 - 8
	}
	for _, tc := range []struct {
		name string
		bad  int
		val  float32
		want int
	}{
		{"all in range", -1, 0, 64},
		{"NaN at 37", 37, float32(math.NaN()), 32},
		{"100 at 8", 8, 100, 8},
		{"-100 at 0", 0, -100, 0},
		{"+Inf at 63", 63, float32(math.Inf(1)), 56},
	} {
		for mode, name := range []string{"exp", "sigmoid"} {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				in := append([]float32(nil), src...)
				if tc.bad >= 0 {
					in[tc.bad] = tc.val
					if mode == modeSigmoid {
						in[tc.bad] = -tc.val
					}
				}
				dst := make([]float32, len(in))
				if got := expBlocks(dst, in, mode); got != tc.want {
					t.Errorf("expBlocks(%s) = %d, want %d", tc.name, got, tc.want)
				}
			})
		}
	}
}

// TestTanhBlocks checks that the vector tanh does every block without a NaN, infinities
// included, and stops at the first block with one.
func TestTanhBlocks(t *testing.T) {
	if !hasVecExp {
		t.Skip("no vector tanh kernel on this CPU")
	}
	for _, tc := range []struct {
		name string
		bad  int
		val  float32
		want int
	}{
		{"finite", -1, 0, 64},
		{"+Inf at 3", 3, float32(math.Inf(1)), 64},
		{"-Inf at 60", 60, float32(math.Inf(-1)), 64},
		{"NaN at 17", 17, float32(math.NaN()), 16},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := make([]float32, 64)
			for i := range in {
				in[i] = float32(i)/3 - 10
			}
			if tc.bad >= 0 {
				in[tc.bad] = tc.val
			}
			dst := make([]float32, len(in))
			if got := tanhBlocks(dst, in); got != tc.want {
				t.Errorf("tanhBlocks(%s) = %d, want %d", tc.name, got, tc.want)
			}
			for i := 0; i < tc.want; i++ {
				if want := float32(math.Tanh(float64(in[i]))); math.Abs(float64(dst[i]-want)) > 2e-7 {
					t.Errorf("tanhBlocks: tanh(%v) = %v, want %v", in[i], dst[i], want)
				}
			}
		})
	}
}
