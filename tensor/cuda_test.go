package tensor_test

import (
	"testing"

	"gotensor/gpu"
	"gotensor/tensor"
)

// TestCUDARoundTrip runs where package gpu finds a device and skips cleanly elsewhere.
func TestCUDARoundTrip(t *testing.T) {
	if !gpu.Available() {
		t.Skipf("no CUDA device: %v", gpu.Err())
	}
	x := tensor.New([][]int{{1, 2}, {3, 4}})
	g := x.To("cuda")
	if g.Device().String() != "cuda:0" {
		t.Fatalf("To(\"cuda\").Device() = %v", g.Device())
	}
	if got, want := g.String(), "tensor([[1, 2],\n        [3, 4]], device='cuda:0')"; got != want {
		t.Errorf("String() = %q, want %q (the seed's output)", got, want)
	}
	if !g.CPU().Equal(x) || !g.T().CPU().Equal(x.T()) {
		t.Error("round trip through the GPU changed the values")
	}
	// Views download only their span; their values must still be theirs.
	for _, v := range []struct {
		name      string
		dev, host *tensor.Tensor
	}{
		{"row 1", g.Index(1), x.Index(1)},
		{"column 1", g.Slice(":, 1"), x.Slice(":, 1")},
		{"element (1, 0)", g.Index(1, 0), x.Index(1, 0)},
	} {
		if got := v.dev.CPU(); !got.Equal(v.host) {
			t.Errorf("%s: CPU() = %v, want %v", v.name, got, v.host)
		}
	}
	if err := tensor.Maybe(func() { g.Add(x) }); err == nil {
		t.Error("mixing cuda and cpu tensors succeeded")
	}
}
