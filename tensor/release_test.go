package tensor

import (
	"fmt"
	"strings"
	"testing"

	"gotensor/gpu"
)

// TestCUDAEmulatedRelease checks that Release hands a CUDA tensor's buffer back at once, and
// that every later use of it or of a tensor sharing its storage fails with a device error (or
// prints "<values unavailable: ...>") instead of panicking or reading reused memory; releasing
// twice is harmless.
func TestCUDAEmulatedRelease(t *testing.T) {
	e, restore := useEmulator()
	defer restore()
	const gone = "use of a released buffer"
	cases := []struct {
		name string
		use  func(x *Tensor) string // what happens after x.Release(): its output
		want string                 // a substring of that output
	}{
		{"String", func(x *Tensor) string { return x.String() }, "<values unavailable: copy from cuda:0: gpu: " + gone + ">"},
		{"Sprintf %.2f", func(x *Tensor) string { return fmt.Sprintf("%.2f", x) }, "<values unavailable: copy from cuda:0: gpu: " + gone + ">"},
		{"a view printed", func(x *Tensor) string { return x.T().String() }, "<values unavailable: copy from cuda:0: gpu: " + gone + ">"},
		{"Add", func(x *Tensor) string { return errOf(func() { x.Add(1) }) }, gone},
		{"a view's Sum", func(x *Tensor) string { return errOf(func() { x.Index(1).Sum() }) }, gone},
		{"Matmul", func(x *Tensor) string { return errOf(func() { x.Matmul(x.T()) }) }, gone},
		{"CPU", func(x *Tensor) string { return errOf(func() { x.CPU() }) }, gone},
		{"Float64s", func(x *Tensor) string { return errOf(func() { x.Float64s() }) }, gone},
		{"Item of an element", func(x *Tensor) string { return errOf(func() { x.Index(0, 0).Item() }) }, gone},
		{"Copy_ into it", func(x *Tensor) string { return errOf(func() { x.Copy_(Ones(2, 3).To("cuda")) }) }, gone},
		{"released twice", func(x *Tensor) string {
			x.Release()
			return errOf(func() { x.Release() }) + x.String()
		}, "<values unavailable: copy from cuda:0: gpu: " + gone + ">"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x := Arange(6, Float32).Reshape(2, 3).To("cuda")
			x.Release()
			if !e.released[bufferOf(x)] {
				t.Fatalf("Release() left the CUDA buffer in use")
			}
			var got string
			if r := catch(func() { got = tc.use(x) }); r != nil {
				t.Fatalf("%s after Release() panicked: %v", tc.name, r)
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("%s after Release() = %q, want it to contain %q", tc.name, got, tc.want)
			}
		})
	}
}

// TestCUDAEmulatedReleaseAutograd checks that a backward needing a released tensor that
// autograd saved fails with a device error, and that releasing one view leaves tensors with
// storage of their own alone.
func TestCUDAEmulatedReleaseAutograd(t *testing.T) {
	_, restore := useEmulator()
	defer restore()
	w := Ones(3, RequiresGrad())
	x := Arange(3, Float32).To("cuda")
	y := w.To("cuda").Mul(x).Sum()
	other := Arange(3, Float32).To("cuda")
	x.Narrow(0, 1, 1).Release() // a view: the whole storage goes
	err := errOf(func() { y.Backward() })
	if !strings.Contains(err, "use of a released buffer") {
		t.Errorf("Backward() through a released saved tensor = %q, want a released-buffer error", err)
	}
	if got := fmt.Sprint(other.Float64s()); got != "[0 1 2]" {
		t.Errorf("a tensor with its own storage after another's Release: Float64s() = %v, want [0 1 2]", got)
	}
}

// TestReleaseCPUKeepsViews checks that Release of a host tensor changes nothing: a view of it
// and the tensor itself still read their values.
func TestReleaseCPUKeepsViews(t *testing.T) {
	cases := []struct {
		name string
		read func(x, v *Tensor) string
		want string
	}{
		{"the view", func(x, v *Tensor) string { return v.String() }, "tensor([[0., 3.],\n        [1., 4.],\n        [2., 5.]])"},
		{"the tensor", func(x, v *Tensor) string { return fmt.Sprint(x.Add(1).Float64s()) }, "[1 2 3 4 5 6]"},
		{"twice", func(x, v *Tensor) string { x.Release(); return fmt.Sprint(v.Sum().Item()) }, "15"},
		{"nil", func(x, v *Tensor) string { (*Tensor)(nil).Release(); return "ok" }, "ok"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x := Arange(6, Float32).Reshape(2, 3)
			v := x.T()
			x.Release()
			if got := tc.read(x, v); got != tc.want {
				t.Errorf("after Release() of a CPU tensor, %s = %q, want %q", tc.name, got, tc.want)
			}
		})
	}
}

// TestCUDAEmulatedReleaseKeepsCachedScalars checks that Release leaves alone the device copy
// of a Go number that later ops read (scalarCache), should a tensor ever view one.
func TestCUDAEmulatedReleaseKeepsCachedScalars(t *testing.T) {
	e, restore := useEmulator()
	defer restore()
	x := Ones(3).To("cuda")
	x.Add(2.5)
	var cached *storage
	for _, st := range cudaK.scalars.m {
		cached = st
	}
	if cached == nil {
		t.Fatal("Add(2.5) on a CUDA tensor cached no scalar")
	}
	fromStorage(cached, []int{}, []int{}, 0).Release()
	if e.released[cached.data.(*gpu.Buffer)] {
		t.Fatal("Release() of a cached Go number's storage released it")
	}
	if got := x.Add(2.5).Float64s(); got[0] != 3.5 {
		t.Errorf("Add(2.5) after that = %v, want 3.5s", got)
	}
}

// TestCUDAReleaseOnGPU releases a tensor on a real GPU, where there is one: its block goes back
// to the caching allocator at once, the next allocation of its size reuses it, and the released
// tensor's views fail with a device error.
func TestCUDAReleaseOnGPU(t *testing.T) {
	if !gpu.Available() {
		t.Skipf("no CUDA device: %v", gpu.Err())
	}
	const n = 1 << 20 // 4 MiB of float32
	x := Zeros(n).To("cuda")
	v := x.Narrow(0, 10, 5)
	inUse, cached, err := gpu.MemoryStats(0)
	if err != nil {
		t.Fatal(err)
	}
	x.Release()
	x.Release()
	inUse2, cached2, err := gpu.MemoryStats(0)
	if err != nil {
		t.Fatal(err)
	}
	if inUse-inUse2 < 4*n || cached2-cached < 4*n {
		t.Errorf("MemoryStats after Release() of %d bytes: in use %d → %d, cached %d → %d; want both to move by at least that", 4*n, inUse, inUse2, cached, cached2)
	}
	y := Ones(n).To("cuda")
	if _, cached3, _ := gpu.MemoryStats(0); cached3 >= cached2 {
		t.Errorf("MemoryStats cached after a new tensor of the released size: %d → %d, want the block reused", cached2, cached3)
	}
	if got := v.String(); !strings.Contains(got, "<values unavailable:") || !strings.Contains(got, "released") {
		t.Errorf("String() of a view of a released tensor = %q, want its values unavailable", got)
	}
	if err := errOf(func() { v.Add(1) }); !strings.Contains(err, "released") {
		t.Errorf("Add on a view of a released tensor: error %q, want a released-buffer error", err)
	}
	if got := y.Sum().Item(); got != n {
		t.Errorf("Sum() of the tensor that reused the block = %v, want %d", got, n)
	}
}

// errOf returns the message of the *Error f panicked with, or "" when it did not fail.
func errOf(f func()) string {
	if err := Maybe(f); err != nil {
		return err.Error()
	}
	return ""
}
