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
