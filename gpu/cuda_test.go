package gpu

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

// needGPU skips the test where CUDA is not usable, naming the reason.
func needGPU(t testing.TB) {
	t.Helper()
	if !Available() {
		t.Skipf("no GPU: %v", Err())
	}
}

func TestDevicesOnGPU(t *testing.T) {
	needGPU(t)
	if Default() != "cuda" {
		t.Errorf("Default() = %q with a GPU present, want \"cuda\"", Default())
	}
	for _, d := range Devices() {
		t.Logf("%v, driver CUDA %s", d, DriverVersion())
		if d.Name == "" || d.Memory <= 0 || d.Major < 3 || d.Multiprocessors <= 0 {
			t.Errorf("device %d = %+v, want a name, memory, compute capability ≥ 3 and multiprocessors", d.Ordinal, d)
		}
		free, total, err := MemInfo(d.Ordinal)
		if err != nil || free <= 0 || total < free {
			t.Errorf("MemInfo(%d) = %d, %d, %v; want 0 < free ≤ total", d.Ordinal, free, total, err)
		}
	}
}

func TestCopyRoundTripOnGPU(t *testing.T) {
	needGPU(t)
	for _, n := range []int{0, 1, 1000, 1<<20 + 3} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			src := make([]float64, n)
			for i := range src {
				src[i] = float64(i) - 0.5
			}
			b, err := Alloc(0, 8*int64(n))
			if err != nil {
				t.Fatal(err)
			}
			defer b.Release()
			if err := b.CopyInFloat64(src); err != nil {
				t.Fatal(err)
			}
			got := make([]float64, n)
			if err := b.CopyOutFloat64(got); err != nil {
				t.Fatal(err)
			}
			for i := range got {
				if got[i] != src[i] {
					t.Fatalf("CopyOut after CopyIn: [%d] = %g, want %g", i, got[i], src[i])
				}
			}
			if err := b.CopyInFloat64(make([]float64, n+1)); err == nil {
				t.Errorf("CopyIn of %d elements into %d succeeded, want an error", n+1, n)
			}
		})
	}
}

func TestKernelsOnGPU(t *testing.T) {
	needGPU(t)
	for _, n := range []int{1, 255, 257, 100_003, 1 << 22} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			a, b := make([]float32, n), make([]float32, n)
			for i := range a {
				a[i] = float32(i%17) - 8
				b[i] = float32(i%5) * 0.5
			}
			da, db, dout := mustUpload(t, a), mustUpload(t, b), mustAlloc(t, 4*int64(n))
			defer da.Release()
			defer db.Release()
			defer dout.Release()
			got := make([]float32, n)
			for _, op := range []struct {
				name string
				run  func(out, x, y *Buffer, n int64) error
				f    func(x, y float32) float32
			}{
				{"AddF32", AddF32, func(x, y float32) float32 { return x + y }},
				{"MulF32", MulF32, func(x, y float32) float32 { return x * y }},
			} {
				if err := op.run(dout, da, db, int64(n)); err != nil {
					t.Fatalf("%s: %v", op.name, err)
				}
				if err := dout.CopyOutFloat32(got); err != nil {
					t.Fatal(err)
				}
				for i := range got {
					if want := op.f(a[i], b[i]); got[i] != want {
						t.Fatalf("%s(a, b)[%d] = %g, want %g", op.name, i, got[i], want)
					}
				}
			}
			var want float64
			for _, v := range a {
				want += float64(v)
			}
			sum, err := SumF32(da, int64(n))
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(float64(sum)-want) > 1e-6*float64(n)*8+1e-6 {
				t.Errorf("SumF32(a) = %g, want %g", sum, want)
			}
		})
	}
}

func TestOutOfMemoryIsAnErrorOnGPU(t *testing.T) {
	needGPU(t)
	_, total, err := MemInfo(0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Alloc(0, 4*total)
	if err == nil {
		b.Release()
		t.Fatalf("Alloc(%d bytes) on a device of %d succeeded, want an out-of-memory error", 4*total, total)
	}
	if !errors.Is(err, ErrOutOfMemory) {
		t.Errorf("Alloc(4× device memory) = %v, want an error wrapping ErrOutOfMemory", err)
	}
	t.Logf("Alloc(4× device memory): %v", err)
	small, err := Alloc(0, 1024)
	if err != nil {
		t.Fatalf("Alloc(1024) after an out-of-memory error = %v", err)
	}
	small.Release()
}

func TestReleaseReusesMemoryOnGPU(t *testing.T) {
	needGPU(t)
	b, err := Alloc(0, 3<<20)
	if err != nil {
		t.Fatal(err)
	}
	p := b.blk.ptr
	b.Release()
	c, err := Alloc(0, 3<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Release()
	if c.blk.ptr != p {
		t.Errorf("Alloc after Release got %#x, want the cached block %#x", c.blk.ptr, p)
	}
}

func mustAlloc(t *testing.T, n int64) *Buffer {
	t.Helper()
	b, err := Alloc(0, n)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustUpload(t *testing.T, v []float32) *Buffer {
	t.Helper()
	b := mustAlloc(t, 4*int64(len(v)))
	if err := b.CopyInFloat32(v); err != nil {
		t.Fatal(err)
	}
	return b
}
