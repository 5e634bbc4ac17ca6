package tensor

import (
	"fmt"
	"strings"
	"testing"
)

// TestFormatVerbsApplyToElements checks that a number verb formats every element String
// shows, with its flags, width and precision, in String's layout; that a one-element tensor
// prints its value alone; that a verb that does not fit the dtype gets fmt's complaint; and
// that %v and %s still print String.
func TestFormatVerbsApplyToElements(t *testing.T) {
	x := New([][]float64{{0.123, -1.5, 3}, {0.25, 12, -0.004}})
	cases := []struct {
		name   string
		format string
		x      *Tensor
		want   string
	}{
		{"%.2f 2x3", "%.2f", x, "tensor([[ 0.12, -1.50,  3.00],\n        [ 0.25, 12.00, -0.00]])"},
		{"%f default precision", "%f", New([]float64{1.5, -2}), "tensor([ 1.500000, -2.000000])"},
		{"%.3e", "%.3e", New([]float64{1234.5, 0.001}), "tensor([1.234e+03, 1.000e-03])"},
		{"%.3g float32 shortest", "%g", New([]float64{0.1, 2.5}), "tensor([0.1, 2.5])"},
		{"%+.1f flags", "%+.1f", New([]float64{1, -2}), "tensor([+1.0, -2.0])"},
		{"%8.3g width per element", "%8.3g", New([]float64{0.12345, -1}), "tensor([   0.123,       -1])"},
		{"%.2f float64 keeps dtype suffix", "%.2f", New([]float64{1, 2}, Float64), "tensor([1.00, 2.00], dtype=torch.float64)"},
		{"%.1f keeps grad_fn suffix", "%.1f", New([]float64{1, 2}, RequiresGrad()).Mul(2), "tensor([2.0, 4.0], grad_fn=<MulBackward0>)"},
		{"%.2f nan and inf as fmt spells them", "%.2f", New([]float64{1, -1, 0}).Log(), "tensor([0.00,  NaN, -Inf])"},
		{"%.2f summarized vector", "%.2f", Arange(2000, Float32),
			"tensor([   0.00,    1.00,    2.00,  ..., 1997.00, 1998.00, 1999.00])"},
		{"%.1f summarized matrix", "%.1f", Arange(2000, Float32).Reshape(40, 50),
			"tensor([[   0.0,    1.0,    2.0,  ...,   47.0,   48.0,   49.0],\n" +
				"        [  50.0,   51.0,   52.0,  ...,   97.0,   98.0,   99.0],\n" +
				"        [ 100.0,  101.0,  102.0,  ...,  147.0,  148.0,  149.0],\n" +
				"        ...,\n" +
				"        [1850.0, 1851.0, 1852.0,  ..., 1897.0, 1898.0, 1899.0],\n" +
				"        [1900.0, 1901.0, 1902.0,  ..., 1947.0, 1948.0, 1949.0],\n" +
				"        [1950.0, 1951.0, 1952.0,  ..., 1997.0, 1998.0, 1999.0]])"},
		{"%.2f wraps long rows like %v", "%.2f", Arange(12, Float32).Mul(1000),
			"tensor([    0.00,  1000.00,  2000.00,  3000.00,  4000.00,  5000.00,  6000.00,\n" +
				"         7000.00,  8000.00,  9000.00, 10000.00, 11000.00])"},
		{"%4d int64", "%4d", New([][]int64{{1, -20}, {300, 4}}), "tensor([[   1,  -20],\n        [ 300,    4]])"},
		{"%03d int32 keeps dtype suffix", "%03d", Arange(3, Int32), "tensor([000, 001, 002], dtype=torch.int32)"},
		{"%.1f on integers", "%.1f", Arange(3, Int64), "tensor([0.0, 1.0, 2.0])"},
		{"%t bool", "%t", New([]bool{true, false}), "tensor([ true, false])"},

		{"%v unchanged", "%v", New([]float64{0.5, 1}), "tensor([0.5000, 1.0000])"},
		{"%s unchanged", "%s", New([]float64{0.5, 1}), "tensor([0.5000, 1.0000])"},
		{"%+v unchanged", "%+v", New([]float64{0.5, 1}), "tensor([0.5000, 1.0000])"},
		{"%.2v unchanged", "%.2v", New([]float64{0.5, 1}), "tensor([0.5000, 1.0000])"},

		{"%d one int64", "%d", New(int64(7)), "7"},
		{"%5d one-element 2-dim", "%5d", New([][]int64{{42}}), "   42"},
		{"%g one float32 as a float32", "%g", New(0.1), "0.1"},
		{"%t one bool", "%t", New(true), "true"},

		{"%d on float", "%d", New([]float64{0.5, 1}), "%!d(*tensor.Tensor=tensor([0.5000, 1.0000]))"},
		{"%d on one float", "%d", New(0.5), "%!d(*tensor.Tensor=tensor(0.5000))"},
		{"%f on bool", "%f", New([]bool{true, false}), "%!f(*tensor.Tensor=tensor([ True, False]))"},
		{"%.2f on one bool", "%.2f", New(true), "%!f(*tensor.Tensor=tensor(True))"},
		{"%t on int", "%t", Arange(2, Int64), "%!t(*tensor.Tensor=tensor([0, 1]))"},
		{"%x on int", "%x", Arange(2, Int64), "%!x(*tensor.Tensor=tensor([0, 1]))"},
		{"%x on float", "%x", New([]float64{1, 2}), "%!x(*tensor.Tensor=tensor([1., 2.]))"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := fmt.Sprintf(tc.format, tc.x); got != tc.want {
				t.Errorf("Sprintf(%q, x) %s", tc.format, firstDiff(got, tc.want))
			}
		})
	}
}

// TestCUDAEmulatedFormatVerbs checks that a number verb on a CUDA tensor copies out only the
// edges String would, and prints what the same values print under that verb from a full copy
// and, without the device suffix, what the CPU tensor prints.
func TestCUDAEmulatedFormatVerbs(t *testing.T) {
	e, restore := useEmulator()
	defer restore()
	for _, tc := range printCases() {
		view := tc.view
		if view == nil {
			view = func(x *Tensor) *Tensor { return x }
		}
		cpu := view(tc.base)
		for _, format := range []string{"%.2f", "%e", "%+d", "%t"} {
			if !verbFits(rune(format[len(format)-1]), cpu.dtype()) {
				continue
			}
			t.Run(tc.name+" "+format, func(t *testing.T) {
				dev := view(tc.base.To("cuda"))
				e.downloaded = 0
				got := fmt.Sprintf(format, dev)
				copied := e.downloaded
				if want := fmt.Sprintf(format, fullCopy(tc.base, view)); got != want {
					t.Errorf("Sprintf(%q) %s (the values copied whole)", format, firstDiff(got, want))
				}
				if dt := cpu.dtype(); cpu.Numel() != 1 && (dt == Float32 || dt == Int64 || dt == Bool) {
					plain := strings.Replace(strings.Replace(got, ",\n       device='cuda:0'", "", 1), ", device='cuda:0'", "", 1)
					if want := fmt.Sprintf(format, cpu); plain != want {
						t.Errorf("Sprintf(%q) without its device: %s (the CPU tensor's)", format, firstDiff(plain, want))
					}
				}
				if cpu.Numel() > 0 {
					first := firstFormatted(format, cpu)
					if got != first && !strings.Contains(got, first+",") && !strings.Contains(got, first+"]") {
						t.Errorf("Sprintf(%q) = %q, want the first element as %q", format, got, first)
					}
				}
				_, spanned := span(dev)
				if want := int64(min(spanned, shownNumel(cpu.shape)) * cpu.dtype().Size()); copied != want {
					t.Errorf("Sprintf(%q) of %v copied %d bytes to the host, want %d (the shown edges, or the span when smaller)", format, cpu.shape, copied, want)
				}
			})
		}
	}
}

// TestCUDAEmulatedFormatVerbsReleased checks that a number verb on a released CUDA tensor
// says why its values are unavailable, as String does, instead of panicking.
func TestCUDAEmulatedFormatVerbsReleased(t *testing.T) {
	e, restore := useEmulator()
	defer restore()
	cases := []struct {
		name, format string
		x            *Tensor
		want         string
	}{
		{"2x3 %.2f", "%.2f", Arange(6, Float32).Reshape(2, 3),
			"tensor(<values unavailable: copy from cuda:0: gpu: use of a released buffer>,\n       device='cuda:0', size=(2, 3))"},
		{"one element %.2f", "%.2f", New(3.0),
			"tensor(<values unavailable: copy from cuda:0: gpu: use of a released buffer>,\n       device='cuda:0', size=())"},
		{"one int %d", "%d", New([]int64{3}),
			"tensor(<values unavailable: copy from cuda:0: gpu: use of a released buffer>,\n       device='cuda:0', size=(1,))"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x := tc.x.To("cuda")
			e.release(bufferOf(x))
			if got := fmt.Sprintf(tc.format, x); got != tc.want {
				t.Errorf("Sprintf(%q) of a released CUDA tensor = %q, want %q", tc.format, got, tc.want)
			}
		})
	}
}

// firstFormatted is t's first element formatted by fmt with format, as a Go value of its type.
func firstFormatted(format string, t *Tensor) string {
	var v any
	switch c := t.Contiguous(); c.dtype() {
	case Float32:
		v = c.Float32s()[0]
	case Float64:
		v = c.Float64s()[0]
	case Bool:
		v = c.Bools()[0]
	default:
		v = c.Int64s()[0]
		if format[len(format)-1] != 'd' {
			v = float64(c.Int64s()[0])
		}
	}
	return fmt.Sprintf(format, v)
}

// fullCopy is view(base) on a device storage whose bytes are copied to the host whole (see
// fullCopyString).
func fullCopy(base *Tensor, view func(*Tensor) *Tensor) *Tensor {
	c := base.Contiguous()
	hb := &hostBuffer{data: append([]byte(nil), bytesOf(c.st.data)...)}
	st := &storage{dev: Device{Type: "cuda"}, dt: c.dtype(), data: hb, n: c.Numel()}
	return view(fromStorage(st, append([]int(nil), c.shape...), contiguousStrides(c.shape), 0))
}
