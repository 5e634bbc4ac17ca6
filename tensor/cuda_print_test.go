package tensor

import (
	"fmt"
	"strings"
	"testing"

	"gotensor/gpu"
)

// TestCUDAEmulatedStringCopiesEdges checks that printing a CUDA tensor (String, %v) copies to
// the host only the elements it shows, and prints exactly what the same values print from a
// full copy (the formatting before String learnt to cut on the device) and, without the device
// suffix, what the CPU tensor prints.
func TestCUDAEmulatedStringCopiesEdges(t *testing.T) {
	e, restore := useEmulator()
	defer restore()
	for _, tc := range printCases() {
		t.Run(tc.name, func(t *testing.T) {
			view := tc.view
			if view == nil {
				view = func(x *Tensor) *Tensor { return x }
			}
			cpu := view(tc.base)
			dev := view(tc.base.To("cuda"))
			e.downloaded = 0
			got := dev.String()
			copied := e.downloaded
			if want := fullCopyString(tc.base, view); got != want {
				t.Errorf("String() %s (the values copied whole)", firstDiff(got, want))
			}
			if dt := cpu.dtype(); dt == Float32 || dt == Int64 || dt == Bool {
				plain := strings.Replace(strings.Replace(got, ",\n       device='cuda:0'", "", 1), ", device='cuda:0'", "", 1)
				if want := cpu.String(); plain != want {
					t.Errorf("String() without its device: %s (the CPU tensor's)", firstDiff(plain, want))
				}
			}
			_, spanned := span(dev)
			if want := int64(min(spanned, shownNumel(cpu.shape)) * cpu.dtype().Size()); copied != want {
				t.Errorf("String() of %v (%d elements) copied %d bytes to the host, want %d (the shown edges, or the span when smaller)", cpu.shape, cpu.Numel(), copied, want)
			}
			e.downloaded = 0
			if s := fmt.Sprintf("%v", dev); s != got || e.downloaded != copied {
				t.Errorf("Sprintf(%%v) = %q copying %d bytes, want String() = %q copying %d", s, e.downloaded, got, copied)
			}
		})
	}
	if e.walkDims > gpu.MaxDims {
		t.Errorf("a copy walked %d dims of more than one entry, want at most gpu.MaxDims = %d", e.walkDims, gpu.MaxDims)
	}
}

// printCase is a tensor to print from a device: view(base), base moved there whole.
type printCase struct {
	name string
	base *Tensor // contiguous, on the host
	view func(x *Tensor) *Tensor
}

// printCases are the large, strided, transposed, 0-dim and empty tensors of the String tests.
func printCases() []printCase {
	// Values of mixed magnitude and sign, so the formatter's width and notation depend on which
	// elements reach it.
	mixed := func(n int, shape ...int) *Tensor {
		return Arange(n, Float32).Sub(n / 3).Mul(0.37).Reshape(shape...)
	}
	return []printCase{
		{"1000x1000", mixed(1e6, 1000, 1000), nil},
		{"1000x1000 transposed", mixed(1e6, 1000, 1000), (*Tensor).T},
		{"1000x1000 every 3rd column", mixed(1e6, 1000, 1000), func(x *Tensor) *Tensor { return x.SliceDim(1, 1, 1000, 3) }},
		{"1000x1000 column 5 (not summarized, wide span)", mixed(1e6, 1000, 1000), func(x *Tensor) *Tensor { return x.Select(1, 5) }},
		{"1000x1000 rows 10:14", mixed(1e6, 1000, 1000), func(x *Tensor) *Tensor { return x.Narrow(0, 10, 4) }},
		{"1000x1000 element (3, 4), 0-dim", mixed(1e6, 1000, 1000), func(x *Tensor) *Tensor { return x.Index(3, 4) }},
		{"1000x1000 empty rows", mixed(1e6, 1000, 1000), func(x *Tensor) *Tensor { return x.Narrow(0, 5, 0) }},
		{"4-dim 10x20x30x40", mixed(240000, 10, 20, 30, 40), nil},
		{"4-dim permuted", mixed(240000, 10, 20, 30, 40), func(x *Tensor) *Tensor { return x.Permute(3, 1, 0, 2) }},
		{"4-dim 2x3x4x5 whole", mixed(120, 2, 3, 4, 5), nil},
		{"7 long dims permuted", mixed(64064, 2, 2, 2, 2, 2, 2, 1001), func(x *Tensor) *Tensor { return x.Permute(6, 5, 4, 3, 2, 1, 0) }},
		{"vector 1e5", mixed(1e5, 100000), nil},
		{"vector 1e5 every 7th", mixed(1e5, 100000), func(x *Tensor) *Tensor { return x.SliceDim(0, 3, 100000, 7) }},
		{"expanded scalar", Full([]int{1}, 2.5), func(x *Tensor) *Tensor { return x.Expand(4000, 3000) }},
		{"2x3", mixed(6, 2, 3), nil},
		{"float64 3000x7", mixed(21000, 3000, 7).ToDType(Float64), nil},
		{"int64 50x50", Arange(2500, Int64).Reshape(50, 50).Mul(1001), nil},
		{"int32 1200", Arange(1200, Int32), nil},
		{"bool 40x40 transposed", mixed(1600, 40, 40).Gt(0), (*Tensor).T},
		{"nan and inf", mixed(3000, 30, 100).Log(), nil},
		{"tiny and huge floats", Arange(4000, Float32).Pow(3).Add(1e-5).Reshape(40, 100), nil},
	}
}

// TestCUDAStringOnGPU prints the same tensors from a real GPU, where there is one: String
// gathers their edges with the copy kernel there.
func TestCUDAStringOnGPU(t *testing.T) {
	if !gpu.Available() {
		t.Skipf("no CUDA device: %v", gpu.Err())
	}
	for _, tc := range printCases() {
		t.Run(tc.name, func(t *testing.T) {
			view := tc.view
			if view == nil {
				view = func(x *Tensor) *Tensor { return x }
			}
			if got, want := view(tc.base.To("cuda")).String(), fullCopyString(tc.base, view); got != want {
				t.Errorf("String() %s (the values copied whole)", firstDiff(got, want))
			}
		})
	}
}

// firstDiff reads "line N = got, want want" for the first line where got and want differ.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		gl, wl := "<end>", "<end>"
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d = %q, want %q", i+1, gl, wl)
		}
	}
	return fmt.Sprintf("= %q, want %q", got, want)
}

// fullCopyString prints view(base) from a device storage whose bytes are copied to the host
// whole (a stand-in buffer without kernels): what String printed before it cut on the device.
func fullCopyString(base *Tensor, view func(*Tensor) *Tensor) string {
	c := base.Contiguous()
	hb := &hostBuffer{data: append([]byte(nil), bytesOf(c.st.data)...)}
	st := &storage{dev: Device{Type: "cuda"}, dt: c.dtype(), data: hb, n: c.Numel()}
	return view(fromStorage(st, append([]int(nil), c.shape...), contiguousStrides(c.shape), 0)).String()
}

// shownNumel is how many elements String shows of a tensor of shape: every dim cut to
// 2·EdgeItems when there are more than Threshold elements; none of an empty one.
func shownNumel(shape []int) int {
	n := numelOf(shape)
	if n == 0 || n <= PrintOptions.Threshold {
		return n
	}
	shown := 1
	for _, d := range shape {
		shown *= min(d, 2*PrintOptions.EdgeItems)
	}
	return shown
}

// TestCUDAEmulatedStringReleased checks that a CUDA tensor whose buffer was released prints
// why its values are unavailable, with its size, instead of panicking.
func TestCUDAEmulatedStringReleased(t *testing.T) {
	e, restore := useEmulator()
	defer restore()
	cases := []struct {
		name string
		make func() *Tensor
		want string
	}{
		{"2x3", func() *Tensor { return Arange(6, Float32).Reshape(2, 3).To("cuda") },
			"tensor(<values unavailable: copy from cuda:0: gpu: use of a released buffer>,\n       device='cuda:0', size=(2, 3))"},
		{"transposed float64", func() *Tensor { return Arange(6, Float64).Reshape(2, 3).To("cuda").T() },
			"tensor(<values unavailable: copy from cuda:0: gpu: use of a released buffer>,\n       device='cuda:0', size=(3, 2), dtype=torch.float64)"},
		{"summarized", func() *Tensor { return Zeros(100, 100).To("cuda") },
			"tensor(<values unavailable: copy from cuda:0: gpu: use of a released buffer>,\n       device='cuda:0', size=(100, 100))"},
		{"0-dim requiring grad", func() *Tensor { return New(3.0).To("cuda").SetRequiresGrad(true) },
			"tensor(<values unavailable: copy from cuda:0: gpu: use of a released buffer>,\n       device='cuda:0', size=(), requires_grad=True)"},
		{"empty", func() *Tensor { return Zeros(0, 3).To("cuda") }, "tensor([], device='cuda:0', size=(0, 3))"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x := tc.make()
			e.release(bufferOf(x))
			var got, sprinted string
			if err := catch(func() { got, sprinted = x.String(), fmt.Sprint(x) }); err != nil {
				t.Fatalf("String() of a released CUDA tensor panicked: %v", err)
			}
			if got != tc.want || sprinted != tc.want {
				t.Errorf("String() = %q, Sprint = %q, want %q", got, sprinted, tc.want)
			}
		})
	}
}

// catch returns what f panicked with, or nil.
func catch(f func()) (r any) {
	defer func() { r = recover() }()
	f()
	return nil
}
